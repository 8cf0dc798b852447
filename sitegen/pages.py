"""Stage 5: what to write, URL by URL. Each Page is independent, so pages render in any order, in parallel.

`Page.slugs` records which articles a page reads: the dev server uses it to re-render only the pages
a change touches.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sitegen import charts, urls
from sitegen.check.status import LISTED, WORDS, site_status
from sitegen.check.translations import TranslationState, translation_states
from sitegen.graph import Graph, TimelineEntry
from sitegen.model import Config, Lang, Page, Site, Slug, URLPath
from sitegen.timelines import events_by_tag, read_set, site_timeline_pages, tag_timeline, timeline_entries

TranslationStates = Mapping[tuple[Slug, Lang], TranslationState]
SITEMAP_URLS = 50_000  # per sitemap file, the sitemaps.org protocol's limit


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    total: int
    urls: tuple[URLPath, ...] = field(default=())

    @property
    def prev_url(self) -> URLPath | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> URLPath | None:
        return self.urls[self.number] if self.number < self.total else None

    def window(self, size: int = 2) -> list[tuple[int, URLPath | None]]:
        """Page numbers to show: first, last and a few around the current one (None = a gap)."""
        keep = {1, self.total, *range(self.number - size, self.number + size + 1)}
        out: list[tuple[int, URLPath | None]] = []
        last = 0
        for n in sorted(k for k in keep if 1 <= k <= self.total):
            if n - last > 1:
                out.append((0, None))
            out.append((n, self.urls[n - 1]))
            last = n
        return out


def _paginate(slugs: Sequence[Slug], per_page: int, url_of: Any) -> list[tuple[Pager, Sequence[Slug]]]:
    total = max(1, -(-len(slugs) // per_page))
    page_urls = tuple(url_of(n) for n in range(1, total + 1))
    return [
        (Pager(n, total, page_urls), slugs[(n - 1) * per_page : n * per_page]) for n in range(1, total + 1)
    ]


def _alts(langs: Sequence[Lang], make: Any) -> tuple[tuple[Lang, URLPath], ...]:
    return tuple((lang, make(lang)) for lang in langs)


def plan_pages(
    site: Site, graph: Graph, timelines: dict[Lang, list[TimelineEntry]] | None = None
) -> list[Page]:
    """Every page of the site, in a stable order; `timelines`: the site's, when the caller made them
    (site_timelines)."""
    config = site.config
    langs = config.languages
    pages: list[Page] = []
    per_page = config.per_page

    for slug in graph.order:
        pages += article_pages(site, graph, slug)

    for lang in langs:
        # home, paginated
        for pager, chunk in _paginate(
            graph.order, per_page, lambda n, lang=lang: urls.home_url(config, lang, n)
        ):
            pages.append(
                Page(
                    pager.urls[pager.number - 1],
                    "home.html",
                    lang,
                    {"slugs": chunk, "pager": pager},
                    read_set(chunk),
                    _alts(langs, lambda other, n=pager.number: urls.home_url(config, other, n)),
                    "home",
                )
            )
        pages.append(
            Page(
                urls.section_url(config, lang, "search"),
                "search.html",
                lang,
                {},
                (),
                _alts(langs, lambda other: urls.section_url(config, other, "search")),
                "search",
            )
        )
        pages.append(
            Page(
                URLPath(urls.lang_prefix(config, lang) + "/404.html"),
                "404.html",
                lang,
                {},
                (),
                (),
                "404",
            )
        )

    timelines = site_timelines(graph, langs) if timelines is None else timelines
    pages += _taxonomy_pages(site, graph, timelines)
    pages += site_timeline_pages(site, graph, timelines)
    states = translation_states(site, graph)  # read once: the status pages and the data export show them
    pages += research_pages(site, graph, states)
    pages += status_pages(site, graph, states)
    pages += _feed_pages(site, graph, pages)
    return pages


def article_pages(site: Site, graph: Graph, slug: Slug) -> list[Page]:
    """The pages of one article, a page per language version (the dev server renders them on their own first)."""
    config = site.config
    versions = graph.versions[slug]
    alts = tuple((lang, urls.article_url(config, lang, slug)) for lang in versions)
    pages = []
    for lang, article in versions.items():
        reads = {
            slug,
            *graph.related.get(slug, ()),
            *graph.backlinks.get(slug, ()),
            *(ref.target for ref in article.links if ref.target in graph.versions),
        }
        pages.append(
            Page(
                urls.article_url(config, lang, slug),
                "article.html",
                lang,
                {"article": article},
                read_set(reads),
                alts,
                "article",
            )
        )
    return pages


def research_pages(site: Site, graph: Graph, states: TranslationStates) -> list[Page]:
    """`articles.json` and `articles.csv` at the root (data for other tools: export.py formats them,
    docs/data.md documents them). An article's BibTeX and RIS are made in its page by assets/cite.js,
    not files."""
    config = site.config
    pages: list[Page] = []
    everything = read_set(graph.order)
    for name in ("articles.json", "articles.csv"):
        pages.append(
            Page(
                URLPath("/" + name), name, config.default_language, {"states": states}, everything, (), "data"
            )
        )
    return pages


def _feed_pages(site: Site, graph: Graph, pages: list[Page]) -> list[Page]:
    """Atom feed per language, sitemap, robots.txt."""
    config = site.config
    out: list[Page] = []
    for lang in config.languages:
        latest = [s for s in graph.order if lang in graph.versions[s]][:20]
        out.append(
            Page(
                URLPath(urls.lang_prefix(config, lang) + "/feed.xml"),
                "atom.xml",
                lang,
                {"slugs": latest},
                read_set(latest),
                (),
                "feed",
            )
        )
    listed = [(p.url, p.alternates) for p in pages if p.kind not in ("404", "data", "search", "status")]
    everything = read_set(graph.order)
    # the protocol's limit: a sitemap of more URLs is refused whole (about 30k articles in two languages)
    parts = [listed[i : i + SITEMAP_URLS] for i in range(0, len(listed), SITEMAP_URLS)] or [[]]
    if len(parts) == 1:
        out.append(_sitemap(URLPath("/sitemap.xml"), "sitemap.xml", {"entries": listed}, config, everything))
    else:
        names = [URLPath(f"/sitemap-{i}.xml") for i in range(1, len(parts) + 1)]
        out.extend(
            _sitemap(name, "sitemap.xml", {"entries": part}, config, everything)
            for name, part in zip(names, parts, strict=True)
        )
        out.append(
            _sitemap(URLPath("/sitemap.xml"), "sitemap_index.xml", {"parts": names}, config, everything)
        )
    out.append(Page(URLPath("/robots.txt"), "robots.txt", config.default_language, {}, (), (), "robots"))
    return out


def site_timelines(graph: Graph, langs: Sequence[Lang]) -> dict[Lang, list[TimelineEntry]]:
    """One sorted timeline per language: it serves the site's timeline and every tag's."""
    return {lang: timeline_entries(graph, graph.order, lang) for lang in langs}


def _sitemap(
    url: URLPath, template: str, ctx: dict[str, Any], config: Config, reads: tuple[Slug, ...]
) -> Page:
    """A sitemap, or the sitemap index (robots.txt names /sitemap.xml either way)."""
    return Page(url, template, config.default_language, ctx, reads, (), "sitemap")


def tag_languages(site: Site, tag_id: str) -> tuple[Lang, ...]:
    tag = site.tags[tag_id]  # type: ignore[index]
    langs = site.config.languages
    return langs if tag.registered else tuple(lang for lang in langs if lang in tag.labels)


def _taxonomy_pages(site: Site, graph: Graph, timelines: dict[Lang, list[TimelineEntry]]) -> list[Page]:
    config = site.config
    langs = config.languages
    pages: list[Page] = []
    tags_of: dict[Slug, list[str]] = defaultdict(list)
    for tag, slugs in graph.by_tag.items():
        for slug in slugs:
            tags_of[slug].append(tag)
    tag_events = {lang: events_by_tag(tags_of, timelines[lang]) for lang in langs}
    sections: list[tuple[str, Mapping[str, tuple[Slug, ...]]]] = [
        ("tags", cast("Mapping[str, tuple[Slug, ...]]", graph.by_tag)),  # a TagId is a str
        ("authors", graph.by_author),
        ("sources", graph.by_source),
    ]
    for section, members in sections:
        for lang in langs:
            keys = [k for k in members if section != "tags" or lang in tag_languages(site, k)]
            keys.sort(key=lambda k: (-len(members[k]), k))
            pages.append(
                Page(
                    urls.section_url(config, lang, section),
                    f"{section}.html",
                    lang,
                    {"keys": keys, "members": {k: len(members[k]) for k in keys}},
                    (),
                    _alts(langs, lambda other, s=section: urls.section_url(config, other, s)),
                    section,
                )
            )
        for key, slugs in members.items():
            page_langs = tag_languages(site, key) if section == "tags" else langs
            if section == "tags":
                events = {lang: tag_events[lang].get(key, []) for lang in page_langs}
                timeline, year_pages = tag_timeline(config, key, events)
                pages += year_pages
            for lang in page_langs:

                def url_of(n: int, lang: Lang = lang, key: str = key, section: str = section) -> URLPath:
                    return urls.section_url(config, lang, section, key, n)

                for pager, chunk in _paginate(slugs, config.term_per_page, url_of):
                    ctx: dict[str, Any] = {"key": key, "slugs": chunk, "pager": pager, "count": len(slugs)}
                    reads = set(chunk)
                    if pager.number == 1:  # "coverage over time", above the list
                        ctx["coverage"] = charts.date_coverage(graph.version(s, lang).date for s in slugs)
                        reads |= set(slugs)
                    if section == "tags" and pager.number == 1:
                        ctx.update(timeline[lang])
                        reads |= set(slugs)
                    alts = tuple(
                        (other, urls.section_url(config, other, section, key, pager.number))
                        for other in page_langs
                        if pager.number == 1 or other == lang
                    )
                    pages.append(
                        Page(
                            url_of(pager.number),
                            f"{section[:-1]}.html",
                            lang,
                            ctx,
                            read_set(reads),
                            alts,
                            section[:-1],
                        )
                    )
    return pages


def status_pages(site: Site, graph: Graph, states: TranslationStates) -> list[Page]:
    """`/<lang>/status/` in every language: the archive's health as `sitegen check` sees it (check/status.py);
    they read every article (the dev server re-renders them)."""
    config = site.config
    status = site_status(site, graph, states)
    alts = tuple((lang, urls.section_url(config, lang, "status")) for lang in config.languages)
    return [
        Page(
            url,
            "status.html",
            lang,
            {"status": status, "w": WORDS.get(lang, WORDS["en"]), "listed": LISTED},
            read_set(graph.order),
            alts,
            "status",
        )
        for lang, url in alts
    ]
