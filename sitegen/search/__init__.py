"""Stage 8: the search index, built by the Pagefind CLI over the freshly rendered stage, in shards
(sitegen/search/shards.py) merged into one index (sitegen/search/merge.py).

Arabic needs the same normalization on both sides (sitegen/arabic.py here, search.js in the browser).
The text readers see stays as written; the indexer's copy of each article page (search/reading.py)
carries one more, hidden, indexed region holding the normalized spellings of the words normalization
changes (`الأسد` → `الاسد`, `القـ.ـصف` → `القصف`), made by `search_region` from the words read.py
cached; the published page does not carry it (it was ~10 % of an article page). The original words
stay indexed too, so nothing Pagefind found before is lost. The region starts with SENTINEL so that
search.js can build result excerpts from the original words only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from sitegen import i18n
from sitegen.arabic import normalize
from sitegen.escape import esc
from sitegen.model import Article, Site
from sitegen.search.reading import FILTERS
from sitegen.search.shards import BUNDLE, SHARD_PAGES, index_search, run_pagefind

__all__ = [
    "BUNDLE",
    "SENTINEL",
    "SHARD_PAGES",
    "Regions",
    "body_words",
    "extra_words",
    "filters_html",
    "index_search",
    "run_pagefind",
    "search_region",
]

SENTINEL = "⁂sitegen⁂"  # must match search.js; not a word anyone searches for


def extra_words(text: str) -> list[str]:
    """Normalized words of `text` that are not already among its own words, in order (repeats kept,
    so a page that says `القـ.ـصف` five times still ranks like one that says `القصف` five times)."""
    own = set(text.split())
    return [w for w in normalize(text).split() if w not in own]


TAG = re.compile(r"<[^>]*>")


def body_words(body_html: str) -> str:
    """The normalized spellings of a rendered body's words, space-separated (not escaped).

    Made when the file is read, on every core and kept in the parse cache: on Arabic text it costs about
    as much as rendering the page that shows it."""
    return " ".join(extra_words(html.unescape(TAG.sub(" ", body_html))))


def search_region(title: str, summary: str, body_extra: str) -> str:
    """HTML for the normalized spellings of an article's words (escaped), or '' when there are none.

    It is added to the indexer's copy of the article page only (build.search_regions), hidden
    (Pagefind indexes hidden elements)."""
    words = " ".join(extra_words(f"{title}\n{summary}")) + " " + body_extra
    if not words.strip():
        return ""
    return f"<div data-pagefind-body hidden>{SENTINEL} {html.escape(words.strip())}</div>"


def filters_html(site: Site, article: Article) -> str:
    """Pagefind filter values of an article (tags, authors, source, year), named in its language: added to
    the indexer's copy of its page only (build.search_regions). They were a hidden element in every
    published page (~480 B of it); Pagefind reads them alike from the copy (tests/test_search_shards.py)."""
    t = i18n.strings(article.lang)
    spans = [
        f'<span data-pagefind-filter="{esc(t["tag"])}">{esc(site.tags[tid].label(article.lang))}</span>'
        for tid in article.tags
    ]
    spans += [
        f'<span data-pagefind-filter="{esc(t["author"])}">{esc(site.authors[aid].name(article.lang))}</span>'
        for aid in article.authors
    ]
    if article.source.name:
        spans.append(f'<span data-pagefind-filter="{esc(t["source"])}">{esc(article.source.name)}</span>')
    spans.append(f'<span data-pagefind-filter="{esc(t["year"])}">{article.date.year}</span>')
    return FILTERS.decode() + "".join(spans) + "</div>" + dates_html(site, article)


def dates_html(site: Site, article: Article) -> str:
    """The article's date as search results show it (`date_text`, in its language) and sort it (`date`):
    Pagefind metadata, added to the indexer's copy of its page only, after the filters (in an element of
    its own: a page whose template writes its own filters loses the filters element, never the dates).
    On the published page they were ~110 B of attributes repeating the date it shows."""
    shown = i18n.format_day(article.date, *site.config.date_style(article.lang))
    return (
        # not FILTERS' opening (reading.indexer_page would take it for the filters element)
        f'<div data-pagefind-ignore hidden><span data-pagefind-meta="date:{article.date.isoformat()}"></span>'
        f'<span data-pagefind-meta="date_text">{esc(shown)}</span></div>'
    )


class Titled(Protocol):
    """What a region is made of: an article's title, summary and the key of its body's words."""

    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def body_key(self) -> bytes: ...


T = TypeVar("T", bound=Titled)


class Regions(Mapping[Path, str], Generic[T]):
    """What the indexer adds to each article page (by its file relative to the output): its filters
    (`filters`, when given) and its search region, made when asked from the words in the body store: the
    indexer holds one shard's pages at a time, never every body's words."""

    def __init__(
        self,
        articles: Mapping[Path, T],
        words: Callable[[bytes], str],
        filters: Callable[[T], str] | None = None,
    ):
        self._articles, self._words, self._filters = articles, words, filters

    def __getitem__(self, page: Path) -> str:
        article = self._articles[page]
        region = search_region(article.title, article.summary, self._words(article.body_key))
        return (self._filters(article) if self._filters else "") + region

    def __contains__(self, page: object) -> bool:
        return page in self._articles

    def __iter__(self) -> Iterator[Path]:
        return iter(self._articles)

    def __len__(self) -> int:
        return len(self._articles)
