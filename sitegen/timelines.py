"""Timeline pages: the site's (an index of years, a page a year, `timeline.json`) and each tag's.

A tag's timeline is on its first page while it is short; a longer one gets a page a year, like the site's,
and the tag's first page lists those years. Inline, the tag pages of the 10k benchmark held ~1,200 events
each (~370 kB a page; at 100k articles, megabytes): a page grew with the archive, not with what it shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from sitegen import charts, urls
from sitegen.graph import Graph, TimelineEntry
from sitegen.model import Config, Lang, Page, Site, Slug, URLPath

TAG_TIMELINE_INLINE = 300  # events on a tag's first page; more, and the tag's timeline gets a page a year
# events on a year page of the site's timeline; more, and the year gets a page a month (the 100k benchmark's
# years hold ~13k events: 3.4 MB pages)
YEAR_INLINE = 1000

Grouped = list[tuple[int, list[tuple[int, list[TimelineEntry]]]]]


def read_set(slugs: Iterable[Slug]) -> tuple[Slug, ...]:
    """What `Page.slugs` holds: each slug once, sorted."""
    return tuple(sorted(set(slugs)))


def timeline_entries(graph: Graph, slugs: Sequence[Slug], lang: str) -> list[TimelineEntry]:
    """Events of these articles in `lang` (falling back per article), oldest first."""
    out: list[TimelineEntry] = []
    for slug in slugs:
        version = graph.version(slug, lang)
        out.extend(e for e in graph.events.get(slug, ()) if e.lang == version.lang)
    out.sort(key=lambda e: (e.date.sort_key(), not e.is_publication, e.slug, e.title))
    return out


def group_timeline(entries: list[TimelineEntry]) -> Grouped:
    """[(year, [(month or 0, entries)])], in order; month 0 holds year-only dates."""
    years: dict[int, dict[int, list[TimelineEntry]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:
        years[e.date.year][e.date.month].append(e)
    return [(y, sorted(months.items())) for y, months in sorted(years.items())]


def events_by_tag(
    tags_of: Mapping[Slug, Sequence[str]], entries: list[TimelineEntry]
) -> dict[str, list[TimelineEntry]]:
    """Split a sorted timeline by tag in one pass (events only: tag lists already show publication dates)."""
    buckets: dict[str, list[TimelineEntry]] = defaultdict(list)
    for e in entries:
        if not e.is_publication:
            for tag in tags_of.get(e.slug, ()):
                buckets[tag].append(e)
    return buckets


def _by_month(entries: Iterable[TimelineEntry]) -> dict[int, list[TimelineEntry]]:
    """Entries by month, in order; month 0 holds year-only dates."""
    return _grouped(entries, lambda e: e.date.month)


def month_url(config: Config, lang: str, year: int, month: int) -> URLPath:
    """/timeline/2019/03/: a month of a year with more than YEAR_INLINE events."""
    return URLPath(f"{urls.section_url(config, lang, 'timeline', str(year))}{month:02d}/")


def _by_year(entries: Iterable[TimelineEntry]) -> dict[int, list[TimelineEntry]]:
    return _grouped(entries, lambda e: e.date.year)


def _grouped(
    entries: Iterable[TimelineEntry], key: Callable[[TimelineEntry], int]
) -> dict[int, list[TimelineEntry]]:
    """Entries by `key`, keys in order, each group in the entries' order."""
    groups: dict[int, list[TimelineEntry]] = defaultdict(list)
    for e in entries:
        groups[key(e)].append(e)
    return dict(sorted(groups.items()))


def tag_year_url(config: Config, lang: str, tag: str, year: int) -> URLPath:
    """/tags/<tag>/timeline/<year>/: beside the tag's list pages (/tags/<tag>/page/2/)."""
    return URLPath(f"{urls.section_url(config, lang, 'tags', tag)}timeline/{year}/")


def tag_timeline(
    config: Config, tag: str, events: Mapping[Lang, list[TimelineEntry]]
) -> tuple[dict[Lang, dict[str, object]], list[Page]]:
    """What each language's first page of `tag` shows of its timeline (`timeline`: the events grouped,
    or `timeline_years`: [(year, count, url)]), and the tag's year pages."""
    shown: dict[Lang, dict[str, object]] = {}
    years_of: dict[Lang, dict[int, list[TimelineEntry]]] = {}
    for lang, entries in events.items():
        if len(entries) <= TAG_TIMELINE_INLINE:
            shown[lang] = {"timeline": group_timeline(entries)}
        else:
            years_of[lang] = _by_year(entries)
            shown[lang] = {
                "timeline_years": [
                    (y, len(e), tag_year_url(config, lang, tag, y)) for y, e in years_of[lang].items()
                ]
            }
    pages = []
    for lang, by_year in years_of.items():
        nav = [(y, tag_year_url(config, lang, tag, y)) for y in by_year]
        for year, entries in by_year.items():
            alts = tuple(
                (other, tag_year_url(config, other, tag, year))
                for other in years_of
                if year in years_of[other]
            )
            pages.append(
                Page(
                    tag_year_url(config, lang, tag, year),
                    "tag_timeline_year.html",
                    lang,
                    {"key": tag, "year": year, "groups": group_timeline(entries), "years": nav},
                    read_set(e.slug for e in entries),
                    alts,
                    "tag_timeline_year",
                )
            )
    return shown, pages


def site_timeline_pages(site: Site, graph: Graph, timelines: dict[Lang, list[TimelineEntry]]) -> list[Page]:
    """The site's timeline: an index with a chart, a page a year, and `timeline.json`, per language."""
    config = site.config
    langs = config.languages
    pages: list[Page] = []
    # per year, the months each language has a page for (the alternates of a month page)
    years_of = {lang: _by_year(timelines[lang]) for lang in langs}
    split: dict[int, dict[Lang, set[int]]] = defaultdict(dict)
    for lang, by_year in years_of.items():
        for y, entries in by_year.items():
            if len(entries) > YEAR_INLINE:
                split[y][lang] = {e.date.month for e in entries if e.date.month}
    for lang, by_year in years_of.items():
        entries = timelines[lang]
        years = list(by_year)
        pages.append(
            Page(
                urls.section_url(config, lang, "timeline"),
                "timeline.html",
                lang,
                {"years": [(y, len(by_year[y])) for y in years], "chart": charts.timeline_coverage(entries)},
                read_set(graph.order),
                tuple((other, urls.section_url(config, other, "timeline")) for other in langs),
                "timeline",
            )
        )
        for y in years:
            ctx: dict[str, object] = {"year": y, "years": years}
            if len(by_year[y]) > YEAR_INLINE:
                months = _by_month(by_year[y])
                year_only = months.pop(0, [])
                ctx["groups"] = [(y, [(0, year_only)])] if year_only else []
                ctx["months"] = [(m, len(e), month_url(config, lang, y, m)) for m, e in months.items()]
                pages += _month_pages(config, lang, y, months, split[y])
            else:
                ctx["groups"] = group_timeline(by_year[y])
            pages.append(
                Page(
                    urls.section_url(config, lang, "timeline", str(y)),
                    "timeline_year.html",
                    lang,
                    ctx,
                    read_set(e.slug for e in by_year[y]),
                    tuple((other, urls.section_url(config, other, "timeline", str(y))) for other in langs),
                    "timeline_year",
                )
            )
        pages.append(
            Page(
                URLPath(urls.lang_prefix(config, lang) + "/timeline.json"),
                "timeline.json",
                lang,
                {"entries": entries},
                read_set(graph.order),
                (),
                "data",
            )
        )
    return pages


def _month_pages(
    config: Config,
    lang: Lang,
    year: int,
    months: dict[int, list[TimelineEntry]],
    others: Mapping[Lang, set[int]],
) -> list[Page]:
    nav = [(m, month_url(config, lang, year, m)) for m in months]
    return [
        Page(
            month_url(config, lang, year, month),
            "timeline_month.html",
            lang,
            {"year": year, "month": month, "groups": group_timeline(entries), "months": nav},
            read_set(e.slug for e in entries),
            tuple(
                (other, month_url(config, other, year, month))
                for other, has in others.items()
                if month in has
            ),
            "timeline_month",
        )
        for month, entries in months.items()
    ]
