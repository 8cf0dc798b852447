"""Markdown → HTML with markdown-it-py; links between articles become markers resolved at render time.

Bodies are rendered once, in parallel, before the site graph exists. A link to another article is
rendered with a marker (NUL-delimited: markdown-it turns any NUL in the input into U+FFFD, so no text
can forge one) that `resolve_markers` replaces with the target's URL and title once the graph is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from sitegen.bidi import HAS_LTR, isolate_ltr
from sitegen.markdown_fast import render_fast
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
from sitegen.model import Lang, LinkRef, Slug

# what resolve_markers replaces: a link marker with the rest of its href (the #fragment) and the closing
# quote, so that attributes of the link's own go after the href, never inside it; or a title or base marker
RESOLVE_RE = re.compile(
    '\x00(?:L:([^:\x00]*):([^\x00]*)\x00(?:([^"\x00]*)")?|([TB]):([^:\x00]*):[^\x00]*\x00)'
)


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKILINK_RE.match(state.src, state.pos)
    if not match:
        return False
    target, text = match.group(1).strip(), (match.group(2) or "").strip()
    slug, _, fragment = target.partition("#")
    slug = slug.strip()
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": link_marker(slug, "", "#" + fragment if fragment else "")}
        token.meta = {"wikilink": True}
        token = state.push("text", "", 0)
        token.content = text or title_marker(slug)
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _line_tracker(state: StateCore) -> None:
    """Rewrite relative `.md` links into markers and record every internal link with its line."""
    links: list[tuple[str, str, str, int | None]] = state.env.setdefault("links", [])
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else None
        for child in token.children:
            if (
                child.type == "image"
                and str(child.attrs.get("src", "")).startswith("/")
                and not str(child.attrs.get("src", "")).startswith("//")
            ):
                child.attrs["src"] = BASE_MARKER + str(child.attrs["src"])
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            if href.startswith("/") and not href.startswith("//"):
                # site-absolute: must follow the site under a sub-path (GitHub project pages)
                child.attrs["href"] = BASE_MARKER + href
                continue
            if child.meta.get("wikilink"):
                m = MARKER_RE.match(href)
                if m:
                    links.append((m.group(2), "", href[m.end() :].lstrip("#"), line))
                continue
            if SCHEME_RE.match(href) or href.startswith("//"):
                if not href.startswith(("http:", "https:", "mailto:")):
                    continue
                child.attrs["rel"] = "noopener noreferrer"
                continue
            m = MD_LINK_RE.match(href)
            if m:
                slug, lang, fragment = m.group(1), m.group(2), m.group(3) or ""
                child.attrs["href"] = link_marker(slug, lang, fragment)
                links.append((slug, lang, fragment.lstrip("#"), line))


def _hotlink_tracker(state: StateCore) -> None:
    """Find images on other hosts: the site makes no third-party request (it would tell that host who reads
    what), so they are shown as links, and reported (with their line) as a build warning."""
    found: list[tuple[int | None, str]] = state.env.setdefault("hotlinked", [])
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            src = str(child.attrs.get("src", "")) if child.type == "image" else ""
            if SCHEME_RE.match(src) or src.startswith("//"):
                child.meta["hotlinked"] = True
                found.append((token.map[0] + 1 if token.map else None, src))


def _isolate_ltr_runs(state: StateCore) -> None:
    """In a right-to-left body, Latin runs in text go in `<bdi dir="ltr">` and code reads left to right:
    otherwise the bidi algorithm reorders their punctuation (bidi.py)."""
    if not state.env.get("rtl"):
        return
    for token in state.tokens:
        if token.type in ("fence", "code_block"):
            token.attrSet("dir", "ltr")
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type == "code_inline":
                child.attrSet("dir", "ltr")
            # "\x00": a link marker (its title is isolated when resolved, render.View.body)
            if child.type == "text" and HAS_LTR.search(child.content) and "\x00" not in child.content:
                html = Token("html_inline", "", 0)
                html.content = isolate_ltr(child.content)
                children.append(html)
            else:
                children.append(child)
        token.children = children


def _render_image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if not token.meta.get("hotlinked"):
        return str(self.image(tokens, idx, options, env))
    alt = self.renderInlineAsText(token.children or [], options, env) or str(token.attrs.get("src", ""))
    src = str(token.attrs.get("src", ""))
    if not src.startswith(("http:", "https:", "//")):
        return escapeHtml(alt)  # data:, javascript: and the like: the text only
    return f'<a class="external-image" href="{escapeHtml(src)}" rel="noopener noreferrer external">{escapeHtml(alt)}</a>'


@lru_cache(maxsize=4)
def make_markdown(allow_html: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": allow_html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify, permalink=False)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.core.ruler.push("sitegen_links", _line_tracker)
    md.core.ruler.push("sitegen_hotlinks", _hotlink_tracker)
    md.core.ruler.push("sitegen_bidi", _isolate_ltr_runs)
    md.add_render_rule("image", _render_image)
    return md


def render_reference(text: str, allow_html: bool = False, rtl: bool = False) -> Rendered:
    """A body rendered by markdown-it-py with sitegen's rules: what markdown_fast.py must match."""
    env: dict[str, Any] = {"rtl": rtl}
    html = make_markdown(allow_html).render(text, env)
    return html, env.get("links", []), env.get("hotlinked", [])


def render_body_checked(
    text: str, line_offset: int, allow_html: bool = False, rtl: bool = False, link_lines: bool = True
) -> tuple[str, tuple[LinkRef, ...], tuple[tuple[int | None, str], ...]]:
    """Render a Markdown body: HTML with link markers, the internal links (file lines), and the images on
    other hosts (file line, URL) that were turned into links.

    `rtl`: the body is in a right-to-left language (its Latin runs are isolated). markdown_fast.py renders
    it when it can (the same bytes in about half the CPU), else markdown-it-py. `link_lines=False`: the
    internal links may have no line (see markdown_fast.render_fast)."""
    html, links, hotlinked = render_fast(text, allow_html, rtl, link_lines) or render_reference(
        text, allow_html, rtl
    )
    hot = tuple(((line + line_offset) if line else None, src) for line, src in hotlinked)
    refs = tuple(
        LinkRef(Slug(slug), (line + line_offset) if line else None, frag, Lang(lang) if lang else None)
        for slug, lang, frag, line in links
    )
    return html, refs, hot


def resolve_markers(
    html: str, url_for: Callable[[str, str], tuple[str, str]], title_for: Callable[[str], str]
) -> str:
    """Replace link markers with real URLs and titles (already HTML-escaped by the callers).

    `url_for(slug, lang)` gives the URL and the attributes the link gets besides its href (e.g. hreflang
    of a fallback); `url_for("", "")` the base path."""
    if "\x00" not in html:
        return html

    def sub(m: re.Match[str]) -> str:
        slug = m.group(1)
        if slug is not None:
            url, attributes = url_for(slug, m.group(2))
            # not inside an attribute (never made so by this module): no room for attributes
            return url if m.group(3) is None else f'{url}{m.group(3)}"{attributes}'
        if m.group(4) == "B":
            return url_for("", "")[0]
        return title_for(m.group(5))

    return RESOLVE_RE.sub(sub, html)
