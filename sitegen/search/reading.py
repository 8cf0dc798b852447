"""What Pagefind reads of a page, as a page of its own: the indexer's copy of an article page, and what
its shard's key hashes.

A page with `data-pagefind-body` regions is indexed from those regions only; outside them Pagefind reads
nothing but the `data-pagefind-*` attributes (meta, filters, sort keys), the language of `<html>` and
the `<title>`. The indexer's copy keeps exactly those elements, in their order, and drops the rest (the
head's styles and citation tags, the menus, provenance, related links and backlinks: half of an article
page). Measured on 2,000 pages of the 10k corpus: Pagefind's fragments are identical (text, word count,
meta, filters; tests/test_search_shards.py checks the index files too), its CPU 24 % less, and the
scratch folder half the bytes. A page where such an element holds a body region, or without any
region, is copied whole (Pagefind then reads all of it).
"""

from __future__ import annotations

import functools
import re

BODY = b"data-pagefind-body"
ATTRIBUTE = b"data-pagefind-"
HTML = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
HTML_LANG = re.compile(rb"<html\b[^>]*?\blang=[\"']?([A-Za-z0-9-]*)", re.IGNORECASE)
TITLE = re.compile(rb"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)
NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")
VOID = frozenset(b"area base br col embed hr img input link meta source track wbr".split())  # no end tag
UNKNOWN_LANG = "und"
# how the filters sitegen adds to a copy start (search.filters_html): left out for a page whose template
# writes filters of its own, which Pagefind would otherwise count twice
FILTERS = b"<div hidden data-pagefind-ignore>"
OWN_FILTER = re.compile(rb"<[A-Za-z][^<>]*\sdata-pagefind-filter[\s=>]", re.IGNORECASE)


def page_language(page: bytes) -> str:
    """The language Pagefind files the page under: the lang of `<html>`, lower case."""
    found = HTML_LANG.search(page)
    return found.group(1).decode("ascii").lower() if found and found.group(1) else UNKNOWN_LANG


def indexer_page(page: bytes, added: bytes = b"") -> bytes:
    """The page as the indexer needs it, with `added` (HTML) at the end of its body; `added`'s leading
    filters element (FILTERS…</div>) is dropped when the page has filters of its own."""
    # the substring first: the pattern scans every tag of a page without filters (90 µs against 9)
    if added.startswith(FILTERS) and b"data-pagefind-filter" in page.lower() and OWN_FILTER.search(page):
        added = added[added.index(b"</div>") + len(b"</div>") :]
    spans = _read_spans(page) if BODY in page else None
    opening = HTML.search(page)
    if spans is None or opening is None:
        end = page.rfind(b"</body>")
        return page + added if end < 0 else page[:end] + added + page[end:]
    title = TITLE.search(page)
    head = b'<head><meta charset="utf-8">' + (title.group(0) if title else b"") + b"</head>"
    kept = b"\n".join(page[start:end] for start, end in spans)
    return b"<!DOCTYPE html>" + opening.group(0) + head + b"<body>" + kept + added + b"</body></html>"


def _read_spans(page: bytes) -> list[tuple[int, int]] | None:
    """Where the body regions and, outside them, the elements with `data-pagefind-*` attributes are;
    None when one of those elements holds a body region (the page is then kept whole)."""
    bodies = []
    start = 0
    while (at := page.find(BODY, start)) >= 0:
        opening = page.rfind(b"<", 0, at)
        if not _in_tag(page, opening, at):
            start = at + len(BODY)
            continue
        end = _element_end(page, opening)
        bodies.append((opening, end))
        start = max(end, at + len(BODY))
    spans = list(bodies)
    start = 0
    while (at := page.find(ATTRIBUTE, start)) >= 0:
        start = at + len(ATTRIBUTE)
        opening = page.rfind(b"<", 0, at)
        if page.startswith(BODY, at) or not _in_tag(page, opening, at):
            continue
        if any(a <= opening < b for a, b in bodies):
            continue
        name = NAME.match(page, opening)
        if name is None:
            return None
        if name.group(1).lower() in VOID:
            end = page.find(b">", at) + 1 or len(page)
        else:
            end = _element_end(page, opening)
        if any(opening <= a < end for a, _ in bodies):
            return None
        spans.append((opening, end))
        start = max(start, end)
    return sorted(spans)


def _in_tag(page: bytes, opening: int, at: int) -> bool:
    """Whether `at` is an attribute name in the tag opened at `opening` (not words of the text)."""
    return opening >= 0 and page.find(b">", opening, at) < 0 and page[at - 1 : at].isspace()


@functools.cache
def _tags(name: bytes) -> re.Pattern[bytes]:
    """Start and end tags of elements called `name` (a handful of names: div, p, time, span…)."""
    return re.compile(rb"<(/?)" + re.escape(name) + rb"[\s>/]", re.IGNORECASE)


def _element_end(page: bytes, opening: int) -> int:
    """Where the element whose start tag begins at `opening` ends (after its end tag), counting nested
    elements of the same name; the end of the page when it is not closed."""
    name = NAME.match(page, opening)
    if name is None:
        return len(page)
    depth = 0
    for tag in _tags(name.group(1).lower()).finditer(page, opening):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            close = page.find(b">", tag.end() - 1)
            return len(page) if close < 0 else close + 1
    return len(page)
