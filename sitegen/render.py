"""Stage 6: pages → files. Jinja2 (autoescape, StrictUndefined), on every core, writing into the stage."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import jinja2
from markupsafe import Markup, escape

from sitegen import bidi, charts, cite, export, i18n, jinja_fast, search, urls
from sitegen.errors import SiteError
from sitegen.escape import esc
from sitegen.graph import Graph, TimelineEntry
from sitegen.markdown import resolve_markers
from sitegen.model import Article, Author, PartialDate, Site, Slug, direction
from sitegen.pages import Page, tag_languages
from sitegen.parallel import pmap
from sitegen.write import write_file

THEME_DIR = Path(__file__).parent / "theme"
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".json")
# partials that View renders from Python, by name: any page may show them (the dev server's
# dependency tracking reads this list)
ENTRY, EVENT, NAV = "_entry.html", "_timeline_entry.html", "_nav.html"
PYTHON_PARTIALS = (ENTRY, EVENT, NAV)
HEAVY = 300  # a page that depends on more articles than this is rendered first, on its own (render_all)


def make_environment(site_dir: Path, jinja_fast_code: bool = True) -> jinja2.Environment:
    """Site templates override the packaged theme's, file by file.

    `jinja_fast_code=False` compiles with Jinja's own code generator: the golden test builds with both and
    compares the pages byte for byte (tests/test_golden.py)."""
    loaders: list[jinja2.BaseLoader] = []
    if (site_dir / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(str(site_dir / "templates")))
    loaders.append(jinja2.FileSystemLoader(str(THEME_DIR / "templates")))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # every template, including .xml feeds: text from articles is never trusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    if jinja_fast_code and jinja_fast.supported():
        env.code_generator_class = jinja_fast.FastCodeGenerator  # same output, less work (jinja_fast.py)
    return env


def check_templates(env: jinja2.Environment) -> list[SiteError]:
    """Compile every template now: a syntax error is reported with its file and line, before rendering."""
    errors = []
    for name in env.list_templates(extensions=[s.lstrip(".") for s in TEMPLATE_SUFFIXES]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(
                SiteError(
                    Path(exc.filename or name),
                    exc.lineno,
                    f"template syntax error: {exc.message}",
                    "fix the {{ }} / {% %} tag on this line (every {% if/for/block %} needs "
                    "its {% end... %})",
                )
            )
    return errors


class View:
    """What templates may ask about the site, in one page language."""

    def __init__(self, site: Site, graph: Graph, lang: str, env: jinja2.Environment, search: bool = True):
        self.site, self.graph, self.config, self.lang, self.env = site, graph, site.config, lang, env
        self.search_enabled = search  # False with --no-search: the search page must not load a missing index
        # per-process caches of list items: each article shows up in many lists
        self._entries: dict[Slug, Markup] = {}
        self._events: dict[TimelineEntry, Markup] = {}
        self.t = i18n.strings(lang)
        self.dir = direction(lang)
        self._prefix = site.config.base_path.rstrip("/")  # computed once: href() runs ~50 times a page
        self._nav: dict[str, Markup] = {}
        self._citations: dict[int, tuple[Article, cite.Citation]] = {}
        self._locale = site.config.date_locale.get(lang, lang)
        self._digits = site.config.numerals.get(lang, "latn")
        self._export_rows: list[dict[str, Any]] | None = None

    # URLs
    def href(self, url: str) -> str:
        """The link to put in HTML: the URL path under the site's base path."""
        return self._prefix + url

    def absolute(self, url: str) -> str:
        return urls.absolute(self.config, url)

    def article(self, slug: Slug) -> Article:
        return self.graph.version(slug, self.lang)

    def article_path(self, slug: Slug) -> str:
        """The URL path (without the base path) of the article in this language, or its fallback."""
        return urls.article_url(self.config, self.graph.version(slug, self.lang).lang, slug)

    def article_href(self, slug: Slug) -> str:
        return self.href(self.article_path(slug))

    def link(self, slug: Slug) -> Markup:
        """A link to an article in this language; a fallback version is marked with its language.

        Written in Python, not as a template macro: lists call it thousands of times per build."""
        a = self.graph.version(slug, self.lang)
        href = esc(self.href(urls.article_url(self.config, a.lang, slug)))
        if a.lang == self.lang:
            title = bidi.isolate_ltr(a.title) if self.dir == "rtl" else esc(a.title)
            return Markup(f'<a href="{href}">{title}</a>')
        title = bidi.isolate_ltr(a.title) if direction(a.lang) == "rtl" else esc(a.title)
        return Markup(
            f'<a href="{href}" lang="{a.lang}" dir="{direction(a.lang)}" hreflang="{a.lang}">'
            f'{title}</a> <span class="lang-marker">({esc(self.lang_name(a.lang, self.lang))})'
            "</span>"
        )

    def link_items(self, slugs: Sequence[Slug]) -> Markup:
        """`<li>` links to these articles (related, backlinks)."""
        return Markup("".join(f"<li>{self.link(slug)}</li>" for slug in slugs))

    def tag_items(self, article: Article) -> Markup:
        """`<li>` links to the article's tag pages, in this language."""
        return Markup(
            "".join(
                f'<li><a href="{esc(self.tag_href(tid))}" rel="tag">{self.isolate(self.tag_label(tid))}'
                "</a></li>"
                for tid in article.tags
            )
        )

    def search_filters(self, article: Article) -> Markup:
        """Pagefind filter values (tags, authors, source, year), named in this language; hidden."""
        t = self.t
        spans = [
            f'<span data-pagefind-filter="{esc(t["tag"])}">{esc(self.tag_label(tid))}</span>'
            for tid in article.tags
        ]
        spans += [
            f'<span data-pagefind-filter="{esc(t["author"])}">{esc(self.author_name(aid))}</span>'
            for aid in article.authors
        ]
        if article.source.name:
            spans.append(f'<span data-pagefind-filter="{esc(t["source"])}">{esc(article.source.name)}</span>')
        spans.append(f'<span data-pagefind-filter="{esc(t["year"])}">{article.date.year}</span>')
        return Markup("<div hidden data-pagefind-ignore>" + "".join(spans) + "</div>")

    def alternate_links(self, page: Page) -> Markup:
        """`<link rel="alternate" hreflang>` for every language version of the page, and x-default."""
        if len(page.alternates) < 2:
            return Markup("")
        default = self.config.default_language
        links = [
            f'<link rel="alternate" hreflang="{lang}" href="{esc(self.absolute(url))}">'
            for lang, url in page.alternates
        ]
        links += [
            f'<link rel="alternate" hreflang="x-default" href="{esc(self.absolute(url))}">'
            for lang, url in page.alternates
            if lang == default
        ]
        return Markup("\n".join(links))

    def lang_switch(self, page: Page) -> Markup:
        """`<li>` links to this page in the other languages (their home page when it has no version)."""
        items = []
        for other in self.config.languages:
            if other == self.lang:
                continue
            url = page.alternate(other)
            href = self.href(url) if url else self.home_href(other)
            # an untranslated article's switch says so, in the language the reader is switching to
            note = (
                ""
                if url or page.kind != "article"
                else f' <span class="lang-note">({esc(self.t_in(other, "not_translated_short"))})</span>'
            )
            items.append(
                f'<li><a href="{esc(href)}" lang="{other}" dir="{direction(other)}" hreflang="{other}">'
                f"{esc(self.lang_name(other))}{note}</a></li>"
            )
        return Markup("".join(items))

    def _partial(
        self, cache: dict[Any, Markup], key: Any, template: str, make_ctx: Callable[[], dict[str, Any]]
    ) -> Markup:
        """A small template rendered once per key and language, then reused by every page that shows it;
        its variables are made only when it is rendered."""
        cached = cache.get(key)
        if cached is None:
            cached = cache[key] = Markup(
                render_template(
                    self.env.get_template(template),
                    {"h": self, "t": self.t, "lang": self.lang, "dir": self.dir, **make_ctx()},
                )
            )
        return cached

    def entry(self, slug: Slug) -> Markup:
        """An article as a list item (`_entry.html`); each article shows up in many lists."""

        def ctx() -> dict[str, Any]:
            # the parts made here, not called from the template: 60k list items at 10k articles, and a
            # call from a template costs more than the helper it calls
            a = self.article(slug)
            return {
                "slug": slug,
                "a": a,
                "link": self.link(slug),
                "day": self.date(a.date),
                "iso": a.date.isoformat(),
                "authors": self.author_links(a) if a.authors else Markup(""),
                "source": self.bidi(a.source.name) if a.source.name else Markup(""),
            }

        return self._partial(self._entries, slug, ENTRY, ctx)

    def entries(self, slugs: Sequence[Slug]) -> Markup:
        """Articles as list items: one call for a whole list (a template loop pays Jinja's call per item)."""
        return Markup("".join([self.entry(slug) for slug in slugs]))

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
                "link": self.link(entry.slug),
                "day": self.pdate(entry.date),
                "iso": entry.date.iso(),
                "end": self.pdate(entry.end) if entry.end else "",
                "end_iso": entry.end.iso() if entry.end else "",
            },
        )

    def nav(self, kind: str) -> Markup:
        """The site navigation (`_nav.html`) for a kind of page."""
        return self._partial(self._nav, kind, NAV, lambda: {"kind": kind})

    def search_words(self, article: Article) -> Markup:
        """The hidden, indexed normalized spellings of the article's words (empty with --no-search)."""
        if not self.search_enabled:
            return Markup("")
        return Markup(search.search_region(article.title, article.summary, article.search_words))

    def article_events(self, article: Article) -> list[TimelineEntry]:
        """The events an article reports (not its own publication), in its language, oldest first."""
        entries = self.graph.events.get(article.slug, ())
        return sorted(
            (e for e in entries if e.lang == article.lang and not e.is_publication),
            key=lambda e: e.date.sort_key(),
        )

    def author_links(self, article: Article) -> Markup:
        sep = "، " if self.lang == "ar" else ", "
        return Markup(
            sep.join(
                f'<a href="{escape(self.section_href("authors", aid))}" rel="author">{self.bidi(self.author_name(aid))}'
                "</a>"
                for aid in article.authors
            )
        )

    def home_path(self) -> str:
        return urls.home_url(self.config, self.lang)

    def home_href(self, lang: str | None = None) -> str:
        return self.href(urls.home_url(self.config, lang or self.lang))

    def section_href(self, section: str, key: str = "", lang: str | None = None) -> str:
        return self.href(urls.section_url(self.config, lang or self.lang, section, key))

    def asset(self, path: str) -> str:
        return self.href(urls.asset_url(path))

    # taxonomies
    def tag_label(self, tag_id: str) -> str:
        tag = self.site.tags[tag_id]  # type: ignore[index]
        return tag.labels.get(self.lang) or next(iter(tag.labels.values()), tag_id)

    def tag_href(self, tag_id: str) -> str:
        langs = tag_languages(self.site, tag_id)
        return self.section_href("tags", tag_id, self.lang if self.lang in langs else langs[0])

    def tag_langs(self, tag_id: str) -> tuple[str, ...]:
        return tag_languages(self.site, tag_id)

    def author(self, author_id: str) -> Author:
        return self.site.authors[author_id]

    def author_name(self, author_id: str) -> str:
        return self.site.authors[author_id].name(self.lang)

    def source_name(self, source_id: str) -> str:
        return self.site.sources[source_id].name

    def source_id(self, name: str) -> str:
        return urls.safe_segment(name)

    # text
    def date(self, day: Any) -> str:
        return i18n.format_day(day, self._locale, self._digits)

    def pdate(self, date: PartialDate) -> str:
        return i18n.format_partial(date, self._locale, self._digits, self.t["circa"])

    def month(self, year: int, month: int) -> str:
        return i18n.format_month(year, month, self._locale, self._digits) if month else self.num(year)

    def num(self, n: int) -> str:
        return i18n.format_number(n, self._digits)

    def count(self, n: int) -> str:
        return i18n.article_count(n, self.lang, self._digits)

    def t_in(self, lang: str, key: str) -> str:
        """An interface string in another language (e.g. 'Read in English' on an Arabic page)."""
        return i18n.strings(lang).get(key, "")

    def timeline_json(self, entries: Sequence[TimelineEntry]) -> Markup:
        """The timeline as data for other tools: ISO dates, titles, absolute article URLs."""
        rows = [
            {
                "date": e.date.iso(),
                "end": e.end.iso() if e.end else None,
                "circa": e.date.circa,
                "title": e.title,
                "kind": "publication" if e.is_publication else "event",
                "slug": e.slug,
                "lang": e.lang,
                "url": self.absolute(urls.article_url(self.config, e.lang, e.slug)),
            }
            for e in entries
        ]
        return Markup(export.json_lines({"lang": self.lang}, "events", rows).rstrip("\n"))

    def lang_name(self, lang: str, in_lang: str | None = None) -> str:
        return i18n.language_name(lang, in_lang)

    def dir_of(self, lang: str) -> str:
        return direction(lang)

    def site_title(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return self.config.title.get(lang) or next(iter(self.config.title.values()), "")

    def body(self, article: Article) -> Markup:
        """The article's HTML with links to other articles resolved in this page's language."""

        def url_for(slug: str, _lang: str) -> str:
            if not slug:  # the base-path marker before a site-absolute link
                return self._prefix
            version = self.graph.version(Slug(slug), self.lang)
            link = self.href(urls.article_url(self.config, version.lang, slug))
            # a fallback to another language is marked for browsers and screen readers
            return link if version.lang == self.lang else f'{link}" hreflang="{version.lang}'

        def title_for(slug: str) -> str:
            # the default text of a wikilink is the target's title: in the other language when falling back
            version = self.graph.version(Slug(slug), self.lang)
            if version.lang == self.lang:
                return bidi.isolate_ltr(version.title) if self.dir == "rtl" else esc(version.title)
            title = (
                bidi.isolate_ltr(version.title) if direction(version.lang) == "rtl" else esc(version.title)
            )
            return (
                f'<bdi lang="{version.lang}" dir="{direction(version.lang)}">{title}</bdi> '
                f'<span class="lang-marker">({esc(self.lang_name(version.lang, self.lang))})</span>'
            )

        return Markup(resolve_markers(article.body_html, url_for, title_for))

    # research layer: citations (cite.py) and data export (export.py); the logic lives there
    def citation(self, article: Article) -> cite.Citation:
        """The article's citation data, made once per article: its page uses it three times, .bib and .ris once."""
        key = id(article)
        cached = self._citations.get(key)
        if cached is None or cached[0] is not article:
            cached = self._citations[key] = (article, cite.citation(self, article))
        return cached[1]

    def citation_text(self, article: Article) -> Markup:
        return cite.text_html(self, self.citation(article))

    def bibtex(self, article: Article) -> Markup:
        return Markup(cite.bibtex(self.citation(article)))  # Markup: a .bib file is not HTML

    def ris(self, article: Article) -> Markup:
        return Markup(cite.ris(self.citation(article)))

    def citation_head(self, article: Article, page: Page) -> Markup:
        """Highwire, Open Graph and JSON-LD metadata of an article page."""
        return cite.head_html(self, self.citation(article), page.url, page.alternates)

    def json_ld(self, article: Article) -> Markup:
        return cite.script_json(cite.json_ld(self.citation(article)))

    def og_locale(self, lang: str) -> str:
        return cite.og_locale(self, lang)

    def bidi(self, text: str) -> Markup:
        """Text from an article, isolated, with `lang` when its script is not the page's."""
        return cite.fragment(text, self.lang, self.config.languages)

    def chart(self, coverage: charts.Coverage, small: bool = False) -> Markup:
        return charts.figure(self, coverage, small)

    def isolate(self, text: str) -> Markup:
        """Text in the page's language, its Latin runs isolated on a right-to-left page (bidi.py)."""
        return Markup(bidi.isolate_ltr(text) if self.dir == "rtl" else esc(text))

    def export(self, fmt: str) -> Markup:
        if self._export_rows is None:  # the JSON and CSV pages share them (one worker renders both)
            self._export_rows = export.rows(self.site, self.graph)
        rows = self._export_rows
        return Markup(export.to_json(rows) if fmt == "json" else export.to_csv(rows))


@dataclass(frozen=True)
class RenderJob:
    site: Site
    graph: Graph
    env: jinja2.Environment
    pages: Sequence[Page]
    out: Path
    views: dict[str, View]
    extra_head: str = ""  # injected by the dev server only (live reload); never in `build`


# Templates that are one helper call, rendered without Jinja unless the site overrides them: at 10k
# articles there are 32k citation files, and Jinja's per-render set-up was most of their cost.
DIRECT: dict[str, Callable[["View", Page], str]] = {
    "cite.bib": lambda view, page: view.bibtex(page.ctx["article"]),
    "cite.ris": lambda view, page: view.ris(page.ctx["article"]),
}


def _direct(env: jinja2.Environment, name: str) -> Callable[["View", Page], str] | None:
    fn = DIRECT.get(name)
    if fn is None:
        return None
    filename = env.get_template(name).filename or ""
    return fn if Path(filename).resolve().is_relative_to(THEME_DIR.resolve()) else None


def render_page(job: RenderJob, page: Page, direct: Callable[["View", Page], str] | None = None) -> str:
    view = job.views[page.lang]
    if direct is not None:
        return direct(view, page)
    template = job.env.get_template(page.template)
    return render_template(
        template,
        {
            "page": page,
            "h": view,
            "t": view.t,
            "lang": page.lang,
            "dir": view.dir,
            "config": job.site.config,
            "site": job.site,
            "extra_head": Markup(job.extra_head),
            **page.ctx,
        },
    )


_GLOBALS: dict[int, tuple[jinja2.Template, dict[str, Any]]] = {}


def render_template(template: jinja2.Template, variables: dict[str, Any]) -> str:
    """`template.render(**variables)`, less its per-call copy of the environment's globals.

    Template.render merges the globals (a ChainMap, read key by key) into every call's context: ~30 us,
    paid 80k times by a 10k-article build for list entries and pages. Here they are merged once per
    template; the rest is what Template.render does (tracebacks still point at template lines)."""
    known = _GLOBALS.get(id(template))
    if known is None or known[0] is not template:
        known = _GLOBALS[id(template)] = (template, dict(template.globals))
    context = template.new_context({**known[1], **variables}, shared=True)
    try:
        return template.environment.concat(template.root_render_func(context))  # type: ignore[attr-defined]
    except Exception:
        return template.environment.handle_exception()


def _render_range(job: RenderJob, bounds: tuple[int, int]) -> list[SiteError]:
    errors: list[SiteError] = []
    made: set[Path] = set()
    direct = {name: _direct(job.env, name) for name in DIRECT}
    for page in job.pages[bounds[0] : bounds[1]]:
        try:
            text = render_page(job, page, direct.get(page.template))
        except Exception as exc:  # a template bug: report where, keep rendering the rest
            errors.append(_template_error(exc, page))
            continue
        target = urls.output_file(job.out, page.url)
        if target.parent not in made:
            # a stat is ~100x cheaper than a mkdir that fails on this kind of disk (ext4 in a VM), and
            # .bib/.ris files land in folders another worker or range has already made
            if not target.parent.is_dir():
                target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        write_file(target, text)
    return errors


def _template_error(exc: Exception, page: Page) -> SiteError:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(TEMPLATE_SUFFIXES)]
    where = frames[-1] if frames else None
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    return SiteError(
        Path(where.filename) if where else Path(page.template),
        where.lineno if where else None,
        f"template error while rendering {page.url}: {type(exc).__name__}: {message}",
        "check the variable names used on this line of the template",
    )


def make_views(site: Site, graph: Graph, env: jinja2.Environment, search: bool = True) -> dict[str, View]:
    return {lang: View(site, graph, lang, env, search) for lang in site.config.languages}


def warm_partials(job: RenderJob, chunk: int = 400) -> None:
    """Render every list entry (article and event, per language) on all cores, before the pages.

    Home, tag, author, source and timeline pages all list them: rendered lazily, each render worker would
    end up making nearly every entry itself (measured at 10k articles: render 21.0 s without this, 2.9 s
    here and 14.3 s render with it). A template error in an entry is not raised here: render_all reports
    it, with file and line, for the first page that shows the entry."""
    items: list[tuple[str, str, Any]] = [
        (ENTRY, lang, slug) for lang in job.views for slug in job.graph.order
    ]
    for page in job.pages:
        if page.kind == "timeline_year":
            items += [
                (EVENT, page.lang, e)
                for _, months in page.ctx["groups"]
                for _, entries in months
                for e in entries
            ]
    ranges = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
    try:
        made = pmap(_warm_range, (job, items), ranges, chunksize=1, work=len(items))
    except Exception:
        return
    for (lo, _), texts in zip(ranges, made):
        for (kind, lang, key), text in zip(items[lo:], texts):
            view = job.views[lang]
            (view._entries if kind == ENTRY else view._events)[key] = Markup(text)


def _warm_range(shared: tuple[RenderJob, list[tuple[str, str, Any]]], bounds: tuple[int, int]) -> list[str]:
    job, items = shared
    return [
        str(job.views[lang].entry(key) if kind == ENTRY else job.views[lang].timeline_entry(key))
        for kind, lang, key in items[bounds[0] : bounds[1]]
    ]


def render_all(
    job: RenderJob, chunk: int = 200, progress: Callable[[int], None] | None = None
) -> list[SiteError]:
    """Render and write every page; returns template errors (file, line) instead of raising.

    `progress(n)` is told of each range of n pages written (progress.py's bar)."""
    heavy: list[tuple[int, int]] = []
    ranges: list[tuple[int, int]] = []
    start = 0
    for i, page in enumerate(job.pages):
        if len(page.slugs) > HEAVY:
            # a page that lists much of the site (sitemap, exports, timelines) gets a range of its own, handed
            # out first: one of them last would leave the other cores idle at the end, and a dev-server
            # rebuild of a few pages with two of them spreads over the cores
            if start < i:
                ranges.append((start, i))
            heavy.append((i, i + 1))
            start = i + 1
        elif i + 1 - start >= chunk:
            ranges.append((start, i + 1))
            start = i + 1
    if start < len(job.pages):
        ranges.append((start, len(job.pages)))
    # a heavy page weighs like a range of ordinary ones in deciding whether a pool is worth starting
    bounds = heavy + ranges
    done = None if progress is None else (lambda i: progress(bounds[i][1] - bounds[i][0]))
    results = pmap(
        _render_range, job, bounds, chunksize=1, work=len(job.pages) + chunk * len(heavy), on_result=done
    )
    return [e for errs in results for e in errs]


def check_unique_urls(pages: Sequence[Page]) -> list[SiteError]:
    """Two pages writing one file is always a bug (e.g. a tag and an author named alike)."""
    seen: dict[str, Page] = {}
    errors = []
    for page in pages:
        if page.url in seen:
            errors.append(
                SiteError(
                    None,
                    None,
                    f"two pages would be written to {page.url} ({seen[page.url].kind} and {page.kind})",
                    "rename one of the tags/authors/slugs involved",
                )
            )
        seen[page.url] = page
    return errors
