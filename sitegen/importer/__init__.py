"""Turn raw articles (copied text, saved HTML, URLs) into Markdown files with front matter."""
