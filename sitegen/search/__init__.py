"""Stage 8: the search index, built by the Pagefind CLI over the freshly rendered stage, in shards
(sitegen/search/shards.py) that the browser merges at query time.

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
from typing import Protocol

from sitegen.arabic import normalize
from sitegen.search.shards import SHARD_PAGES, index_search, run_pagefind

__all__ = [
    "SENTINEL",
    "SHARD_PAGES",
    "Regions",
    "body_words",
    "extra_words",
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


class Titled(Protocol):
    """What a region is made of: an article's title, summary and the key of its body's words."""

    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def body_key(self) -> bytes: ...


class Regions(Mapping[Path, str]):
    """The search region of each article page (by its file relative to the output), made when asked from
    the words in the body store: the indexer holds one shard's pages at a time, never every body's words.
    A page whose words need no region maps to ''."""

    def __init__(self, articles: Mapping[Path, Titled], words: Callable[[bytes], str]):
        self._articles, self._words = articles, words

    def __getitem__(self, page: Path) -> str:
        article = self._articles[page]
        return search_region(article.title, article.summary, self._words(article.body_key))

    def __contains__(self, page: object) -> bool:
        return page in self._articles

    def __iter__(self) -> Iterator[Path]:
        return iter(self._articles)

    def __len__(self) -> int:
        return len(self._articles)
