"""Stage: make imported Markdown safe. Imported text is hostile input.

- No raw HTML: every `<` becomes `&lt;`, so a `<script>` or `<iframe onload=…>` is shown as text even on a
  site with `allow_html: true`.
- Links keep only http(s) and mailto addresses (relative ones are made absolute against the page);
  `javascript:` and `data:` links lose their address and keep their text.
- `[[…]]` is sitegen's wikilink syntax; in imported text it is escaped so it cannot point at a slug.
"""

from __future__ import annotations

import re

from sitegen.importer.draft import safe_url

# [text](url), [text](<url>), [text](url "title"); urls may hold balanced parentheses
_MD_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*(?:<([^>\n]*)>|((?:[^()\s]|\([^()\s]*\))*))"
    r"(?:\s+\"[^\"]*\")?\s*\)"
)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")


def escape_plain(line: str) -> str:
    """A line of copied plain text as Markdown that shows exactly that text."""
    line = line.replace("\\", "\\\\").replace("<", "&lt;").replace("[", "\\[").replace("]", "\\]")
    line = line.replace("`", "\\`")
    # a line that would start a heading, quote, list or rule is text in a copied article
    line = re.sub(r"^(\d+)([.)])(?=\s)", r"\1\\\2", line)
    return re.sub(r"^([#>+=|]|[-*_](?=[\s*_-]|$))", r"\\\1", line)


def sanitize_markdown(md: str, base_url: str = "") -> str:
    """Markdown from an extractor, with raw HTML neutralised and only safe link targets kept."""
    links: list[str] = []

    def keep_link(m: re.Match[str]) -> str:
        bang, text, url = m.group(1), m.group(2), m.group(3) or m.group(4) or ""
        target = safe_url(url, base_url)
        if bang or not target:  # images are not imported; unsafe links keep their text only
            return _neutral(text) if not bang else ""
        text = _neutral(text)
        links.append(f"[{text}]({target.replace(')', '%29').replace('(', '%28')})")
        return f"\x00{len(links) - 1}\x00"

    md = md.replace("\x00", "")
    md = _AUTOLINK.sub(lambda m: f"[{m.group(1)}]({m.group(1)})", md)
    md = _MD_LINK.sub(keep_link, md)
    md = _neutral(md)
    md = re.sub("\x00(\\d+)\x00", lambda m: links[int(m.group(1))], md)
    return md


def _neutral(text: str) -> str:
    # `\<` is Markdown's own escape (trafilatura writes it): one `&lt;` is enough
    return text.replace("\\<", "<").replace("<", "&lt;").replace("[[", "\\[\\[").replace("]]", "\\]\\]")


_TAG = re.compile(r"</?[A-Za-z!][^<>]*>?")


def plain_field(text: str) -> str:
    """A front-matter text (title, name, summary): HTML tags dropped, one line. Templates may put these
    in attributes and <meta> tags, so they carry no markup at all, not even escaped."""
    return " ".join(_TAG.sub(" ", text).split())
