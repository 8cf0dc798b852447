"""What sitegen adds to Markdown's syntax, shared by markdown.py (the reference) and markdown_fast.py:
link markers, wikilinks, links to other articles' files, heading ids."""

from __future__ import annotations

import re

MARKER_RE = re.compile("\x00([LTB]):([^:\x00]*):([^\x00]*)\x00")
BASE_MARKER = "\x00B::\x00"  # stands for the site's base path before a site-absolute link (/images/x.jpg)
MD_LINK_RE = re.compile(r"^(?:\.{0,2}/)*(?:[^/:?#]+/)*([a-z0-9][a-z0-9-]*)\.([a-z]{2,3})\.md(#[^\s]*)?$")
WIKILINK_RE = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def link_marker(slug: str, lang: str = "", fragment: str = "") -> str:
    return f"\x00L:{slug}:{lang}\x00{fragment}"


def title_marker(slug: str) -> str:
    return f"\x00T:{slug}:\x00"


def slugify(text: str) -> str:
    """A heading's id; keeps Arabic letters: heading ids in Arabic pages stay readable."""
    text = re.sub(r"[^\w\s-]", "", text.strip().lower())
    return re.sub(r"[\s_]+", "-", text).strip("-") or "section"


# a body rendered, before its lines are offset by the front matter's: the HTML with link markers, the
# internal links (slug, lang, fragment, body line) and the images on other hosts (body line, URL)
Rendered = tuple[str, list[tuple[str, str, str, int | None]], list[tuple[int | None, str]]]
