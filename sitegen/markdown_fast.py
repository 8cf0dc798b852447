"""The fast path to markdown.py's output: markdown-it-pyrs (markdown-it's Rust port, same token model)
parses and renders, and sitegen's rules are applied to its HTML, with lines from its node tree.

markdown.py stays the reference. A body this module cannot be sure to render byte for byte as markdown.py
does is left to it (`render_fast` returns None): raw HTML when allowed, the constructs the two parsers
disagree on (markdown_fast_guard.py), a wikilink where markdown-it-py's inline rules might not reach it
(after a backslash, on a line with an autolink, in a link's text...), or anything the HTML and the node
tree do not agree on. Without markdown-it-pyrs installed, or with SITEGEN_MARKDOWN=reference, every body
goes to markdown.py. tests/test_markdown_fast.py and scripts/compare_markdown.py compare the two paths.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from markdown_it.common.utils import escapeHtml

from sitegen.bidi import HAS_LTR, LTR, isolate_ltr
from sitegen.markdown_fast_guard import TABLE_DELIMITER_RE, leave_to_reference
from sitegen.markdown_syntax import (
    BASE_MARKER,
    MARKER_RE,
    MD_LINK_RE,
    SCHEME_RE,
    WIKILINK_RE,
    Rendered,
    link_marker,
    slugify,
    title_marker,
)

try:
    import markdown_it_pyrs
except ImportError:  # an accelerator only: markdown.py renders every body without it
    markdown_it_pyrs = None  # type: ignore[assignment]

# markdown-it-py's "commonmark" preset with tables, strikethrough and footnotes, raw HTML off
_PLUGINS: list[Any] = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "table", "strikethrough", "footnote",
]  # fmt: skip
# a wikilink stands in the source as ⁅n⁆ while pyrs parses it: plain text to every Markdown rule, and
# punctuation at both ends as `[[` and `]]` are, so the emphasis around it is delimited the same
OPEN, CLOSE = "\u2045", "\u2046"
PLACEHOLDER_RE = re.compile(f"{OPEN}(\\d+){CLOSE}")
LINKISH_RE = re.compile(f'<a href="([^"]*)"([^>]*)>|{OPEN}(\\d+){CLOSE}')
LINK_RE = re.compile(r'<a href="([^"]*)"([^>]*)>')  # without wikilinks: its literal start is found ~8x faster
IMAGE_RE = re.compile(r'<img src="([^"]*)" alt="([^"]*)"([^>]*) />')
HEADING_RE = re.compile(r"<h([234])>(.*?)</h\1>", re.DOTALL)
FOOTNOTE_REF_RE = re.compile(r'<sup class="footnote-ref">.*?</sup>')
TAG_RE = re.compile(r"<[^>]*>")
# a text node with a left-to-right letter (or an entity's name), found from the ">" before it
# possessive: a text without Latin letters is given up at its end, not tried again from each of its letters
LTR_TEXT_RE = re.compile(f">([^<>{LTR}]*+[{LTR}][^<>]*)(?=<)")
CODE_RE = re.compile("<code[^>]*>[^<]*</code>")
INLINE_CODE_RE = re.compile("(?<!<pre>)<code>")
CODE_BLOCK_RE = re.compile("<pre><code([^>]*)>")
# pyrs node names within a paragraph, heading or table cell; any other node starts a block
INLINE = frozenset(
    {"text", "text_special", "link", "autolink", "image", "em", "strong", "strikethrough",
     "code_inline", "footnote_ref", "softbreak", "hardbreak"}
)  # fmt: skip


class _Fallback(Exception):
    """The body is markdown.py's to render."""


@lru_cache(maxsize=1)
def _parser() -> Any:
    if markdown_it_pyrs is None or os.environ.get("SITEGEN_MARKDOWN") == "reference":
        return None
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(_PLUGINS)


def available() -> bool:
    """markdown-it-pyrs is installed and not turned off."""
    return _parser() is not None


def render_fast(
    text: str, allow_html: bool = False, rtl: bool = False, lines: bool = True
) -> Rendered | None:
    """What markdown.render_reference gives for `text`, or None when this path cannot be sure it does.

    `lines=False`: internal links get no line (None). Their lines come from pyrs' node tree, a second
    parse that was a third of this function's time, and only a link to a missing article needs one
    (read.link_lines finds them again then)."""
    parser = _parser()
    if parser is None:
        return None
    # markdown-it-py's own normalization, done here so that pyrs' byte offsets are offsets in `src`
    src = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    if (allow_html and "<" in src) or OPEN in src or leave_to_reference(src):
        return None
    try:
        src, wikilinks = _stand_in_wikilinks(src) if "[[" in src else (src, [])
        html = parser.render(src)
    except _Fallback:
        return None
    except BaseException as error:  # a panic in pyrs: PanicException derives from BaseException
        if type(error).__name__ != "PanicException":
            raise
        return None
    try:
        return _Rewrite(parser, src, wikilinks, rtl, lines).run(html)
    except _Fallback:
        return None


def _stand_in_wikilinks(src: str) -> tuple[str, list[tuple[str, str, str]]]:
    """`src` with each wikilink replaced by a placeholder, and the wikilinks (target, text, source)."""
    found: list[tuple[str, str, str]] = []

    def stand_in(m: re.Match[str]) -> str:
        start, whole = m.start(), m.group(0)
        line = src[src.rfind("\n", 0, start) + 1 : src.find("\n", start) % (len(src) + 1)]
        if (
            (start and src[start - 1] in "\\^[]!")  # escaped, a footnote, a link label or reference, an image
            or "`" in whole  # a code span may end inside it
            or "\\" in whole
            or "<" in line  # an autolink may hold it
            or ("|" in whole and TABLE_DELIMITER_RE.search(src))  # a table cell may end inside it
        ):
            raise _Fallback
        found.append((m.group(1).strip(), (m.group(2) or "").strip(), whole))
        return f"{OPEN}{len(found) - 1}{CLOSE}"

    return WIKILINK_RE.sub(stand_in, src), found


def _unescape(text: str) -> str:
    """Undo markdown-it's escapeHtml."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


class _Rewrite:
    """One body's HTML from pyrs, rewritten as markdown.py's rules would have made it: pass by pass,
    in the order those rules run (a rule sees what the ones before it made)."""

    def __init__(
        self, parser: Any, src: str, wikilinks: list[tuple[str, str, str]], rtl: bool, lines: bool = True
    ) -> None:
        self.parser, self.src, self.wikilinks, self.rtl = parser, src, wikilinks, rtl
        self.link_lines = lines
        self.links: list[tuple[str, str, str, int | None]] = []
        self.hotlinked: list[tuple[int | None, str]] = []
        self.seen = {"a": 0, "w": 0, "i": 0, "p": 0}  # links, wikilinks, images, code blocks so far
        self.used: set[int] = set()  # the wikilinks put back in the HTML
        self.slugs: set[str] = set()
        self.lines: dict[str, list[Any]] | None = None

    def line(self, kind: str) -> Any:
        """The line (for "p": the kind) of the current node of this kind, from pyrs' node tree."""
        if self.lines is None:
            self.lines = _tree_lines(self.parser, self.src)
        found = self.lines[kind]
        index = self.seen[kind] - 1
        if index >= len(found):
            raise _Fallback
        return found[index]

    def run(self, html: str) -> Rendered:
        if OPEN in html:
            at = html.find(OPEN)
            while at >= 0:
                if html.rfind("<", 0, at) > html.rfind(">", 0, at):
                    raise _Fallback  # in an attribute (a link's destination, an image's alt): not a link
                at = html.find(OPEN, at + 1)
            # in code it is text, to markdown-it-py too: the code span or block began before it
            html = CODE_RE.sub(self.code_with_wikilinks, html)
        refs = html.count('<sup class="footnote-ref">')
        if refs != html.count('class="footnote-item"') or refs != html.count('class="footnote-backref"'):
            raise _Fallback  # a footnote referred to twice: pyrs numbers the second reference otherwise
        # pyrs starts a footnote's content on a new line, markdown-it-py right after its <li>
        html = html.replace('class="footnote-item">\n', 'class="footnote-item">')
        # and an empty quote on two lines where markdown-it-py writes <blockquote></blockquote>
        html = html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
        if "<a " in html or OPEN in html:
            html = (LINKISH_RE if OPEN in html else LINK_RE).sub(self.link, html)
        if "<h" in html:
            html = HEADING_RE.sub(self.heading, html)
        if self.rtl:
            html = LTR_TEXT_RE.sub(_rtl_text, html)
            if "<code" in html:  # code reads left to right
                html = INLINE_CODE_RE.sub('<code dir="ltr">', html)
                html = CODE_BLOCK_RE.sub(self.code_block, html)
        if "<img " in html:
            html = IMAGE_RE.sub(self.image, html)
        kinds = "awip" if self.rtl else "awi"
        if len(self.used) != len(self.wikilinks) or (
            self.lines is not None and any(len(self.lines[k]) != self.seen[k] for k in kinds)
        ):
            raise _Fallback
        return html, self.links, self.hotlinked

    def link(self, m: re.Match[str]) -> str:
        """markdown.py's wikilink rule and _line_tracker on one link."""
        if m.lastindex == 3:  # LINKISH_RE's placeholder
            return self.wikilink(m, int(m.group(3)))
        rest = m.group(2)
        if ' id="fnref' in rest or 'class="footnote-backref"' in rest:
            return m.group(0)  # a footnote's own links: no rule of sitegen's applies
        self.seen["a"] += 1
        href = _unescape(m.group(1))
        if href.startswith("/") and not href.startswith("//"):
            href = BASE_MARKER + href
        elif SCHEME_RE.match(href) or href.startswith("//"):
            if href.startswith(("http:", "https:", "mailto:")):
                rest += ' rel="noopener noreferrer"'
        elif md_link := MD_LINK_RE.match(href):
            slug, lang, fragment = md_link.group(1), md_link.group(2), md_link.group(3) or ""
            href = link_marker(slug, lang, fragment)
            self.links.append((slug, lang, fragment.lstrip("#"), self.line("a") if self.link_lines else None))
        return f'<a href="{escapeHtml(href)}"{rest}>'

    def code_with_wikilinks(self, m: re.Match[str]) -> str:
        def put_back(p: re.Match[str]) -> str:
            self.use(int(p.group(1)))
            return escapeHtml(self.wikilinks[int(p.group(1))][2])

        return PLACEHOLDER_RE.sub(put_back, m.group(0)) if OPEN in m.group(0) else m.group(0)

    def use(self, index: int) -> None:
        if index in self.used or index >= len(self.wikilinks):
            raise _Fallback
        self.used.add(index)

    def wikilink(self, m: re.Match[str], index: int) -> str:
        """markdown.py's wikilink rule, and _line_tracker on the link it makes."""
        self.use(index)
        if m.string.rfind("<a ", 0, m.start()) > m.string.rfind("</a>", 0, m.start()):
            raise _Fallback  # in a link's text, where markdown-it-py makes no link of the outer one
        self.seen["w"] += 1
        target, label, _ = self.wikilinks[index]
        slug, _, fragment = target.partition("#")
        slug = slug.strip()
        href = link_marker(slug, "", "#" + fragment if fragment else "")
        marker = MARKER_RE.match(href)
        if marker:
            line = self.line("w") if self.link_lines else None
            self.links.append((marker.group(2), "", href[marker.end() :].lstrip("#"), line))
        return f'<a href="{escapeHtml(href)}">{escapeHtml(label or title_marker(slug))}</a>'

    def heading(self, m: re.Match[str]) -> str:
        """The anchors plugin's id: from the heading's text and code, not its footnote marks or images."""
        title = m.group(2)
        if "<" in title:
            title = TAG_RE.sub("", FOOTNOTE_REF_RE.sub("", title) if "<sup" in title else title)
        slug = _unique(slugify(_unescape(title).replace("\n", "")), self.slugs)
        return f'<h{m.group(1)} id="{escapeHtml(slug)}">{m.group(2)}</h{m.group(1)}>'

    def code_block(self, m: re.Match[str]) -> str:
        """A fenced block's <code> reads left to right, an indented block's <pre> (their renderers differ)."""
        self.seen["p"] += 1
        if self.line("p") == "code_block":
            return f'<pre dir="ltr"><code{m.group(1)}>'
        return f'<pre><code dir="ltr"{m.group(1)}>'

    def image(self, m: re.Match[str]) -> str:
        """markdown.py's base marker, _hotlink_tracker and _render_image on one image."""
        self.seen["i"] += 1
        src = _unescape(m.group(1))
        if src.startswith("/") and not src.startswith("//"):
            return f'<img src="{escapeHtml(BASE_MARKER + src)}" alt="{m.group(2)}"{m.group(3)} />'
        if not (SCHEME_RE.match(src) or src.startswith("//")):
            return m.group(0)
        self.hotlinked.append((self.line("i"), src))
        alt = escapeHtml(_unescape(m.group(2)) or src)
        if not src.startswith(("http:", "https:", "//")):
            return alt  # data:, javascript: and the like: the text only
        return (
            f'<a class="external-image" href="{escapeHtml(src)}" rel="noopener noreferrer external">{alt}</a>'
        )


def _rtl_text(m: re.Match[str]) -> str:
    """markdown.py's _isolate_ltr_runs on a text node: its Latin runs isolated, one text token per line
    (a soft break parts them); code is left as it is."""
    text = m.group(1)
    raw = _unescape(text)
    if (
        not HAS_LTR.search(raw)
        or "\x00" in raw
        or m.string.startswith("<code", m.string.rfind("<", 0, m.start()))
    ):
        return m.group(0)
    return ">" + "\n".join(
        isolate_ltr(part) if HAS_LTR.search(part) else escapeHtml(part) for part in raw.split("\n")
    )


def _unique(slug: str, slugs: set[str]) -> str:
    """mdit_py_plugins.anchors' unique_slug."""
    unique, i = slug, 1
    while unique in slugs:
        unique, i = f"{slug}-{i}", i + 1
    slugs.add(unique)
    return unique


def _tree_lines(parser: Any, src: str) -> dict[str, list[Any]]:
    """The body lines of the links ("a"), wikilinks ("w") and images ("i") in document order, as
    markdown-it-py counts them: the first line of the paragraph, heading or table cell they are in; and
    whether each code block ("p") is fenced or indented."""
    found: dict[str, list[Any]] = {"a": [], "w": [], "i": [], "p": []}
    data = src.encode()
    newlines = [m.start() for m in re.finditer(b"\n", data)]
    placeholder = OPEN.encode()
    line: int | None = None
    new_block = True
    skip = (0, 0)  # an image's alt text or a code span: neither holds links to markdown-it-py
    for node in parser.tree(src).walk():
        name = node.name
        if name not in INLINE:
            if name in ("fence", "code_block"):
                found["p"].append(name)
            new_block = True
            continue
        span = node.srcmap
        if span is None:
            raise _Fallback
        if skip[0] <= span[0] < skip[1]:
            continue
        if new_block:  # the block's first inline node is on its first line
            line, new_block = bisect_left(newlines, span[0]) + 1, False
        if name == "text":
            if placeholder in data[span[0] : span[1]]:
                found["w"].extend([line] * data[span[0] : span[1]].count(placeholder))
        elif name in ("link", "autolink"):
            found["a"].append(line)
        elif name == "image":
            found["i"].append(line)
            skip = span
        elif name == "code_inline":
            skip = span
    return found
