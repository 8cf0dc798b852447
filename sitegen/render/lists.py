"""Template helpers for what lists show: article entries, timeline events and the navigation, each a small
template rendered once per key and language, then reused by every page that shows it."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Any

import jinja2
from markupsafe import Markup

from sitegen import export, urls
from sitegen.graph import Graph, TimelineEntry
from sitegen.model import Article, Site, Slug
from sitegen.render.environment import render_template
from sitegen.render.links import TaxonomyHelpers

# partials rendered from Python, by name: any page may show them (the dev server's dependency tracking
# reads this list)
ENTRY, TITLE, EVENT, NAV = "_entry.html", "_title_entry.html", "_timeline_entry.html", "_nav.html"
PYTHON_PARTIALS = (ENTRY, TITLE, EVENT, NAV)
# timeline.json's columns: each event is a list of values in this order (the keys on every event were
# 2.6 MB of the two files at 10k articles, 16.7 → 14.1 MB with articles.json)
TIMELINE_COLUMNS = ("date", "end", "circa", "title", "kind", "slug", "lang", "url")


class ListHelpers(TaxonomyHelpers):
    """List items, cached per process: each article shows up in many lists."""

    def __init__(self, site: Site, graph: Graph, lang: str, env: jinja2.Environment, search: bool = True):
        super().__init__(site, graph, lang, env, search)
        # the items this process rendered itself; those warm_partials made are in `_kept`, as UTF-8 (the
        # HTML around an Arabic title takes 1 byte a character, not 2): the largest holder of the main
        # process once the bodies are out, read by every render worker
        self._entries: dict[Slug, Markup] = {}
        self._titles: dict[Slug, Markup] = {}
        self._events: dict[TimelineEntry, Markup] = {}
        self._nav: dict[str, Markup] = {}
        self._kept = _Packed()

    def keep(self, partial: str, keys: Sequence[Any], blob: bytes, ends: Sequence[int]) -> None:
        """List items rendered elsewhere (warm_partials, on another core), kept for the pages made here:
        `blob` holds their UTF-8 one after the other, `ends` where each one ends."""
        self._kept.add(partial, keys, blob, ends)

    def _partial(
        self,
        cache: dict[Any, Markup],
        key: Any,
        template: str,
        make_ctx: Callable[[], dict[str, Any]],
    ) -> Markup:
        """A small template rendered once per key and language, then reused by every page that shows it;
        its variables are made only when it is rendered."""
        cached = cache.get(key)
        if cached is None:
            kept = self._kept.get(template, key)
            if kept is not None:
                return Markup(kept.decode())
            cached = cache[key] = Markup(
                render_template(
                    self.env.get_template(template),
                    {"h": self, "t": self.t, "lang": self.lang, "dir": self.dir, **make_ctx()},
                )
            )
        return cached

    def entry(self, slug: Slug) -> Markup:
        """An article as a list item of the home pages (`_entry.html`): title, date, authors, source, summary."""
        return self._partial(self._entries, slug, ENTRY, lambda: self._article_item(slug, full=True))

    def title_entry(self, slug: Slug) -> Markup:
        """An article as a line of a tag, author or source list (`_title_entry.html`): its title and date."""
        return self._partial(self._titles, slug, TITLE, lambda: self._article_item(slug, full=False))

    def _article_item(self, slug: Slug, full: bool) -> dict[str, Any]:
        """What an article's list item is given: its link and date, and with `full` its authors and source."""
        # the parts made here, not called from the template: 60k list items at 10k articles, and a call from
        # a template costs more than the helper it calls
        a = self.article(slug)
        ctx = {
            "slug": slug,
            "a": a,
            "link": self.link(slug),
            "day": self.date(a.date),
            "iso": a.date.isoformat(),
        }
        if full:
            ctx["authors"] = self.author_links(a) if a.authors else Markup("")
            ctx["source"] = self.bidi(a.source.name) if a.source.name else Markup("")
        return ctx

    def entries(self, slugs: Sequence[Slug], titles: bool = False) -> Markup:
        """Articles as list items (`titles`: as lines of a term list), one call for a whole list (a template
        loop pays Jinja's call per item)."""
        item = self.title_entry if titles else self.entry
        return Markup("".join([item(slug) for slug in slugs]))

    def timeline_entries(self, entries: Sequence[TimelineEntry]) -> Markup:
        """Events as list items; a tag's timeline can hold thousands."""
        return Markup("".join([self.timeline_entry(e) for e in entries]))

    def timeline_entry(self, entry: TimelineEntry) -> Markup:
        """An event as a list item (`_timeline_entry.html`)."""
        return self._partial(
            self._events,
            entry,
            EVENT,
            lambda: {
                "e": entry,
                "link": self.link(entry.slug)
                if entry.is_publication
                else self.event_link(entry.slug, entry.title),
                # an exact day under its month's heading: the day alone (the month and year were 28 bytes
                # of each of 110k items at 10k articles); `datetime` keeps the whole date
                "day": self.num(entry.date.day)
                if entry.date.day and entry.date.month and not entry.date.circa
                else self.pdate(entry.date),
                "iso": entry.date.iso(),
                "end": self.pdate(entry.end) if entry.end else "",
                "end_iso": entry.end.iso() if entry.end else "",
            },
        )

    def nav(self, kind: str) -> Markup:
        """The site navigation (`_nav.html`) for a kind of page."""
        return self._partial(self._nav, kind, NAV, lambda: {"kind": kind})

    def article_events(self, article: Article) -> list[TimelineEntry]:
        """The events an article reports (not its own publication), in its language, oldest first."""
        entries = self.graph.events.get(article.slug, ())
        return sorted(
            (e for e in entries if e.lang == article.lang and not e.is_publication),
            key=lambda e: e.date.sort_key(),
        )

    def timeline_json(self, entries: Sequence[TimelineEntry]) -> Markup:
        """The timeline as data for other tools: ISO dates, titles, absolute article URLs; each event a row
        of values in the order of `columns` (docs/data.md), like articles.json."""
        # one row at a time (the site's timeline.json is rendered by the main process: render/job.py)
        rows = (
            [
                e.date.iso(),
                e.end.iso() if e.end else None,
                e.date.circa,
                e.title,
                "publication" if e.is_publication else "event",
                e.slug,
                e.lang,
                self.absolute(urls.article_url(self.config, e.lang, e.slug)),
            ]
            for e in entries
        )
        head = {"lang": self.lang, "columns": list(TIMELINE_COLUMNS)}
        return Markup(export.json_lines(head, "events", rows).rstrip("\n"))


class _Packed:
    """List items kept as UTF-8 in a few large blobs, found through an index of plain integers.

    A forked render worker copies every page of memory whose objects it touches, and reading a Python
    object writes its reference count: a million small bytes objects (the entries and events of 100k
    articles, ~300 MB) were copied by each worker as it rendered the tag pages. Here a worker touches an
    index integer (32 bytes), one blob's header and the arrays' headers; the text itself is only read,
    so it stays shared."""

    def __init__(self) -> None:
        self._index: dict[str, dict[Any, int]] = {}  # partial -> key -> item (no tuple per item)
        self._blobs: list[bytes] = []
        self._blob_of = array("I")  # per item: its blob
        self._bounds = array("Q")  # per item: start and end in its blob

    def add(self, partial: str, keys: Sequence[Any], blob: bytes, ends: Sequence[int]) -> None:
        number, start = len(self._blobs), 0
        self._blobs.append(blob)
        index = self._index.setdefault(partial, {})
        for key, end in zip(keys, ends, strict=True):
            index[key] = len(self._blob_of)
            self._blob_of.append(number)
            self._bounds.extend((start, end))
            start = end

    def get(self, partial: str, key: Any) -> bytes | None:
        item = self._index.get(partial, {}).get(key)
        if item is None:
            return None
        return self._blobs[self._blob_of[item]][self._bounds[2 * item] : self._bounds[2 * item + 1]]
