"""Stage 4: the site graph — translations, taxonomies, related links both ways, backlinks, timeline.

Built once, in work proportional to articles + links (never articles × articles).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sitegen.arabic import title_key
from sitegen.errors import Problems, did_you_mean
from sitegen.model import Article, Event, Lang, PartialDate, Site, Slug, TagId
from sitegen.read import front_matter, link_lines
from sitegen.urls import safe_segment
from sitegen.yamlio import file_line


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: PartialDate
    end: PartialDate | None
    title: str
    slug: Slug
    lang: Lang
    is_publication: bool  # the article's own date rather than an event it reports
    # Its hash, made once. A render worker finds each event of a timeline by it (render/lists.py _Packed):
    # hashing the fields each time wrote the reference counts of the title and dates, which sit among
    # their article's objects, so a tag's timeline copied a page of memory per event (at 100k articles
    # ~40 MB a tag page, for each forked worker); the entry and this int were made together, in the graph.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fields = (self.date, self.end, self.title, self.slug, self.lang, self.is_publication)
        object.__setattr__(self, "_hash", hash(fields))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[TimelineEntry], tuple[object, ...]]:
        # made again when unpickled: a string's hash differs from one interpreter to the next
        return TimelineEntry, (self.date, self.end, self.title, self.slug, self.lang, self.is_publication)


@dataclass(frozen=True)
class Graph:
    versions: dict[Slug, dict[Lang, Article]]  # slug -> its language versions (translations)
    order: tuple[Slug, ...]  # every slug, newest first
    by_tag: dict[TagId, tuple[Slug, ...]]
    by_author: dict[str, tuple[Slug, ...]]
    by_source: dict[str, tuple[Slug, ...]]
    related: dict[Slug, tuple[Slug, ...]]  # both directions, deduplicated
    backlinks: dict[Slug, tuple[Slug, ...]]  # articles that link here (body links and related)
    events: dict[Slug, tuple[TimelineEntry, ...]]  # per slug, in each language version's words
    # `related: [{title: …}]` entries no article has: shown as plain text, "not in the archive"
    unlinked: dict[tuple[Slug, Lang], tuple[str, ...]] = field(default_factory=dict)

    def version(self, slug: Slug, lang: str) -> Article:
        """The article in `lang`, or the best other version (the fallback, shown with a marker)."""
        langs = self.versions[slug]
        if lang in langs:
            return langs[lang]  # type: ignore[index]
        return next(iter(langs.values()))


def _newest_first(slugs: set[Slug] | list[Slug], rank: dict[Slug, int]) -> tuple[Slug, ...]:
    return tuple(sorted(set(slugs), key=rank.__getitem__))


def link(site: Site, problems: Problems) -> Graph:
    """Build the graph; links to missing slugs become errors with file, line and suggestions."""
    versions: dict[Slug, dict[Lang, Article]] = defaultdict(dict)
    langs_order = {lang: i for i, lang in enumerate(site.config.languages)}
    for (slug, lang), article in sorted(
        site.articles.items(), key=lambda kv: (kv[0][0], langs_order[kv[0][1]])
    ):
        versions[slug][lang] = article

    # a slug's date is its default-language version's date (or the first version's)
    def slug_date(slug: Slug) -> dt.date:
        v = versions[slug]
        return (v.get(site.config.default_language) or next(iter(v.values()))).date

    order = tuple(sorted(versions, key=lambda s: (-slug_date(s).toordinal(), s)))
    rank = {slug: i for i, slug in enumerate(order)}

    by_tag: dict[TagId, set[Slug]] = defaultdict(set)
    by_author: dict[str, set[Slug]] = defaultdict(set)
    by_source: dict[str, set[Slug]] = defaultdict(set)
    related: dict[Slug, set[Slug]] = defaultdict(set)
    backlinks: dict[Slug, set[Slug]] = defaultdict(set)
    events: dict[Slug, list[TimelineEntry]] = defaultdict(list)
    unlinked: dict[tuple[Slug, Lang], tuple[str, ...]] = {}
    by_title = _title_index(versions, order) if any(a.related_titles for a in site.articles.values()) else {}

    for article in site.articles.values():
        slug = article.slug
        missing = []
        for title in article.related_titles:
            found = by_title.get(title_key(title), {})
            # an article in the page's language, else another (the link marks its language)
            target = found.get(article.lang) or next(iter(found.values()), None)
            if target is None:
                missing.append(title)
            elif target != slug:
                related[slug].add(target)
                related[target].add(slug)
                backlinks[target].add(slug)
        if missing:
            unlinked[article.key] = tuple(missing)
        for tag in article.tags:
            by_tag[tag].add(slug)
        for author in article.authors:
            by_author[author].add(slug)
        if article.source.name:
            by_source[safe_segment(article.source.name)].add(slug)
        for i, target in enumerate(article.related):
            if target not in versions:
                _missing(article, target, problems, versions, ["related", i])
            elif target != slug:
                related[slug].add(target)
                related[target].add(slug)
                backlinks[target].add(slug)
        lines: tuple[int | None, ...] | None = None  # the file read again once, for its first missing link
        for i, ref in enumerate(article.links):
            if ref.target not in versions:
                line = ref.line
                if line is None:  # not found while reading (read.link_lines says why)
                    if lines is None:
                        lines = link_lines(article.source_path, article.lang, site.config.allow_html)
                    line = lines[i] if i < len(lines) else None
                _missing(article, ref.target, problems, versions, None, line)
            elif ref.target != slug:
                backlinks[ref.target].add(slug)
        d = article.date
        events[slug].append(
            TimelineEntry(PartialDate(d.year, d.month, d.day), None, article.title, slug, article.lang, True)
        )
        for ev in article.events:
            events[slug].append(_entry(ev, article))

    return Graph(
        versions=dict(versions),
        order=order,
        by_tag={k: _newest_first(v, rank) for k, v in by_tag.items()},
        by_author={k: _newest_first(v, rank) for k, v in by_author.items()},
        by_source={k: _newest_first(v, rank) for k, v in by_source.items()},
        related={k: _newest_first(v, rank) for k, v in related.items()},
        backlinks={k: _newest_first(v, rank) for k, v in backlinks.items()},
        events={k: tuple(v) for k, v in events.items()},
        unlinked=unlinked,
    )


def _title_index(
    versions: dict[Slug, dict[Lang, Article]], order: tuple[Slug, ...]
) -> dict[str, dict[Lang, Slug]]:
    """Title key (arabic.title_key) → language → slug; when two articles share a title, the newest wins.

    One pass over the articles, so linking a title is one lookup, never a scan of the site."""
    index: dict[str, dict[Lang, Slug]] = {}
    for slug in order:
        for lang, article in versions[slug].items():
            key = title_key(article.title)
            if key:
                index.setdefault(key, {}).setdefault(lang, slug)
    return index


def _entry(ev: Event, article: Article) -> TimelineEntry:
    return TimelineEntry(ev.date, ev.end, ev.title, article.slug, article.lang, False)


def _missing(
    article: Article,
    target: str,
    problems: Problems,
    versions: dict[Slug, dict[Lang, Article]],
    fm_path: list[str | int] | None,
    line: int | None = None,
) -> None:
    if fm_path is not None:
        line = file_line(front_matter(article.source_path), article.fm_start, fm_path)
    hint = did_you_mean(target, versions) or "check the slug: it is the file name without .<lang>.md"
    problems.error(article.source_path, line, f"link to an article that does not exist: '{target}'", hint)
