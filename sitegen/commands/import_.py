"""Turn raw articles (copied text, saved HTML, a URL) into content/articles/<slug>.<lang>.md.

Each input becomes one Markdown file with front matter (title, date, author, source, tags, related,
summary) that `sitegen build` accepts without edits. Existing files are never overwritten without --force.
"""

# The command's options and output live beside the importer's stages for now (sitegen/importer/command.py,
# being changed on the import-accuracy branch); they move here once that work has landed.
from sitegen.importer.command import configure, run

__all__ = ["configure", "run"]
