"""A check of what the bidi algorithm will do to a page: left-to-right runs with punctuation in them must not
sit, unisolated, in right-to-left text (tests/test_bidi.py runs it over whole sites).

In an Arabic paragraph the neutral characters of a Latin run (`. / : ( ) -`) take the paragraph's direction,
so `BibTeX (.bib)` shows as `(bib.) BibTeX` and a URL splits around its dots. A text node is safe when it
holds no such run, or when something between it and the nearest right-to-left ancestor isolates it left to
right: `dir="ltr"` (on any element: HTML isolates it), a `<bdi>` or `dir="auto"` whose content starts with a
Latin letter, or `<pre>` (left to right in the theme's CSS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

RTL_CHARS = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u061c"
LTR_LETTER = re.compile(
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0370-\u03ff\u0400-\u052f\u1e00-\u1eff]"
)
FIRST_STRONG = re.compile(f"[{RTL_CHARS}]|{LTR_LETTER.pattern}")
SEGMENTS = re.compile(f"[{RTL_CHARS}]+")
NEUTRALS = frozenset(".:/()-")
SKIP = frozenset({"head", "script", "style", "template", "noscript"})
LTR_BY_CSS = frozenset({"pre"})


@dataclass(frozen=True)
class Scramble:
    where: str  # the element's path in the page
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text.strip()[:80]!r}"


def _direction(el: lxml.html.HtmlElement) -> str | None:
    """ "rtl" or "ltr" when this element sets the direction of what it holds, else None (inherited)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    value = (el.get("dir") or "").lower()
    if value in ("ltr", "rtl"):
        return value
    if value == "auto" or tag == "bdi":
        m = FIRST_STRONG.search(el.text_content())
        if m is None:
            return "ltr"  # nothing strong inside: nothing to reorder either
        return "ltr" if LTR_LETTER.match(m.group(0)) else "rtl"
    if tag in LTR_BY_CSS:
        return "ltr"
    return None


def in_rtl_context(el: lxml.html.HtmlElement) -> bool:
    for node in (el, *el.iterancestors()):
        direction = _direction(node)
        if direction is not None:
            return direction == "rtl"
    return False


def scrambles(text: str) -> bool:
    """True when `text` holds a left-to-right run with a neutral character, outside any Arabic letter."""
    return any(LTR_LETTER.search(seg) and NEUTRALS.intersection(seg) for seg in SEGMENTS.split(text))


def _hidden(el: lxml.html.HtmlElement) -> bool:
    return any(
        (isinstance(n.tag, str) and n.tag in SKIP) or n.get("hidden") is not None
        for n in (el, *el.iterancestors())
    )


def find_scrambles(doc: lxml.html.HtmlElement) -> list[Scramble]:
    """Every text node of the page's body that the bidi algorithm would reorder."""
    found = []
    tree = doc.getroottree()
    for el in doc.iter():
        if not isinstance(el.tag, str) or _hidden(el):
            continue
        # el.text lies inside el; el.tail lies in el's parent, after el
        for text, context in ((el.text, el), (el.tail, el.getparent())):
            if text and context is not None and scrambles(text) and in_rtl_context(context):
                found.append(Scramble(tree.getpath(context), text))
    return found


def check_html(markup: str | bytes) -> list[Scramble]:
    return find_scrambles(lxml.html.fromstring(markup))
