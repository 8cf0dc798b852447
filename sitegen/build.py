"""The pipeline, in order: config → read → validate → graph → pages → render → write → search.

This is the only module that calls the stages. It exposes the steps — load the model, check it, render a
set of pages into a folder, finish (static files, search) — and `build()` composes them; the dev server
(serve/incremental.py) composes the same steps for the pages an edit touched.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from sitegen import cache
from sitegen import progress as show
from sitegen.bodies import BodyStore
from sitegen.config import load_config
from sitegen.data import load_registries
from sitegen.errors import Problems, SiteError, SiteErrors
from sitegen.graph import Graph, TimelineEntry, link
from sitegen.heap import Clock, long_lived_heap
from sitegen.model import Article, Config, Lang, Page, Site
from sitegen.pages import plan_pages, site_timelines
from sitegen.parallel import release_freed_memory
from sitegen.read import ReadResult, content_files, read_content
from sitegen.render import (
    Rendered,
    RenderJob,
    View,
    check_templates,
    check_unique_urls,
    make_environment,
    make_views,
    render_all,
    warm_partials,
)
from sitegen.search import BUNDLE, SHARD_PAGES, Regions, filters_html, index_search
from sitegen.size import SiteSize, measure, size_warning
from sitegen.urls import output_file
from sitegen.validate import ValidateMemo, validate
from sitegen.write import clean_stale_stages, copy_static, staged_output, static_addresses, static_files
from sitegen.write import page_file as page_file  # noqa: PLC0414 - for serve/output.py
from sitegen.write import remove_page as remove_page  # noqa: PLC0414 - for serve/incremental.py
from sitegen.write import static_over_pages as static_over_pages  # noqa: PLC0414 - for serve/output.py

ARTICLE_GLOB = "**/articles/*/index.html"  # only article pages carry indexed regions (see pages.py, urls.py)


@dataclass(frozen=True)
class BuildOptions:
    base_url: str | None = None
    drafts: bool = False
    search: bool = True
    cache: bool = True  # reuse what earlier builds parsed of unchanged files (cache.py)
    # False: Jinja's own code generator, for the golden test (render/environment.py)
    jinja_fast_code: bool = True
    search_shard_pages: int = SHARD_PAGES  # pages per search shard (search/shards.py); tests make it small


@dataclass
class BuildReport:
    out: Path
    articles: int = 0
    pages: int = 0
    warnings: list[SiteError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)  # articles per language
    base_url: str = ""
    size: SiteSize | None = None  # of the whole output, what the host counts


@dataclass(frozen=True)
class Model:
    """Everything up to the page plan: what the dev server keeps between rebuilds."""

    site: Site
    graph: Graph
    pages: list[Page]
    warnings: list[SiteError]


def search_wanted(config: Config, options: BuildOptions) -> bool:
    """The one place that decides whether the search index (and its hidden word regions) is made."""
    return options.search and config.search


@dataclass(frozen=True)
class Linked:
    """The model before its page plan: the validated site and its graph (see `load_site`)."""

    site: Site
    graph: Graph
    warnings: list[SiteError]


def load_model(
    site_dir: Path,
    options: BuildOptions,
    timings: dict[str, float] | None = None,
    read: Callable[[Path, Config], list[ReadResult]] | None = None,
    writes: cache.Writes | None = None,
    memo: ValidateMemo | None = None,
    bodies: BodyStore | None = None,
) -> Model:
    """Config, content, validation, graph and page plan; raises SiteErrors with every problem found.

    `read` lets the dev server reuse the files it parsed before (only changed files are read again);
    with `writes`, the parse cache is written in the background: the caller waits for it; with `memo`,
    documents validated before (the very same SourceDoc objects) are not validated again. `bodies`: where
    the articles' bodies go (`read` puts them there); by default the site's store (bodies.py)."""
    timings = {} if timings is None else timings
    return plan(load_site(site_dir, options, timings, read, writes, memo, bodies), timings)


def new_memo() -> ValidateMemo:
    """What the dev server keeps between rebuilds so that an edit re-validates only the edited files."""
    return ValidateMemo()


def load_site(
    site_dir: Path,
    options: BuildOptions,
    timings: dict[str, float] | None = None,
    read: Callable[[Path, Config], list[ReadResult]] | None = None,
    writes: cache.Writes | None = None,
    memo: ValidateMemo | None = None,
    bodies: BodyStore | None = None,
    progress: Callable[[str], None] | None = None,
) -> Linked:
    """`load_model` up to the graph; the dev server renders an edited article's own page before the plan.
    `progress`: told of the reading (a bar of the files read, progress.py)."""
    clock = Clock({} if timings is None else timings)
    config, warnings = load_config(site_dir, options.base_url)
    problems = Problems(list(warnings))
    clock("config")
    bodies = BodyStore.for_site(site_dir, options.cache) if bodies is None else bodies
    if read is None:
        files = content_files(site_dir)
        if progress and files:  # an empty site says so after the reading
            progress(f"reading {len(files)} files")
        advance = show.bar(progress, "files", len(files)) if files else None
        search = search_wanted(config, options)
        try:
            results = read_content(
                site_dir, config, files, options.cache, search, writes, bodies=bodies, advance=advance
            )
        finally:
            show.end(progress)
    else:
        results = read(site_dir, config)
    for result in results:
        problems.extend(result.errors)
    docs = [r.doc for r in results if r.doc is not None]
    clock("read")
    registries = load_registries(config, problems)
    site = validate(docs, config, registries, problems, drafts=options.drafts, memo=memo, bodies=bodies)
    if not docs and not problems.error_count:
        problems.warning(
            site_dir / "content" / "articles",
            None,
            "no articles found",
            "add Markdown files named <slug>.<lang>.md under content/articles/",
        )
    clock("validate")
    graph = link(site, problems)
    clock("graph")
    problems.raise_if_errors()
    return Linked(site, graph, problems.warnings)


def plan(
    linked: Linked,
    timings: dict[str, float] | None = None,
    timelines: dict[Lang, list[TimelineEntry]] | None = None,
) -> Model:
    """Every page of the site (pages.py); `timelines`: the site's (site_timelines), if made already."""
    clock = Clock({} if timings is None else timings)
    pages = plan_pages(linked.site, linked.graph, timelines)
    clock("plan")
    return Model(linked.site, linked.graph, pages, linked.warnings)


def templates(site_dir: Path, jinja_fast_code: bool = True) -> jinja2.Environment:
    """The site's templates over the theme's."""
    return make_environment(site_dir, jinja_fast_code)


def check(model: Model, env: jinja2.Environment) -> list[SiteError]:
    """What can be known wrong before rendering: template syntax, two pages on one URL."""
    return check_templates(env) + check_unique_urls(model.pages)


def plan_and_warm(
    linked: Linked, env: jinja2.Environment, options: BuildOptions, timings: dict[str, float]
) -> tuple[Model, dict[str, View]]:
    """The page plan, made while the other cores render every list entry and timeline item (for all but
    the smallest sites): alone, the plan kept one core busy (0.7 s at 10k articles) and the others idle."""
    clock = Clock(timings)
    views = make_views(linked.site, linked.graph, env, search_wanted(linked.site.config, options))
    timelines = site_timelines(linked.graph, linked.site.config.languages)
    planned: list[Model] = []

    def planning() -> None:
        planned.append(plan(linked, timings, timelines))
        gc.freeze()  # workers forked after the plan (memory short) must not collect (so copy) its objects

    warm_partials(
        RenderJob(linked.site, linked.graph, env, (), Path(), views), events=timelines, meanwhile=planning
    )
    clock("lists")
    timings["lists"] -= timings["plan"]  # what the list items took beyond the plan beside them
    return planned[0], views


def render_pages(
    model: Model,
    env: jinja2.Environment,
    pages: Sequence[Page],
    out: Path,
    options: BuildOptions,
    warm: bool = True,
    freeze: bool = False,
    timings: dict[str, float] | None = None,
    progress: Callable[[int], None] | None = None,
    warmed: dict[str, View] | None = None,
) -> Rendered:
    """Render `pages` of `model` into `out`; returns the template errors (file, line) of the site's templates
    and the size of the files written.

    `progress(n)` is told of every n pages written (a progress bar: progress.py).

    `warm` renders every list entry first, on all cores: worth it when most of the site is rendered.
    `freeze` keeps those entries out of the collector's sight (shared with the forked workers): only for a
    process that ends with the build; the dev server would never free them. `warmed`: views whose list
    items were rendered already (plan_and_warm)."""
    clock = Clock({} if timings is None else timings)
    search = search_wanted(model.site.config, options)
    views = make_views(model.site, model.graph, env, search) if warmed is None else warmed
    job = RenderJob(model.site, model.graph, env, pages, out, views)
    if warm and warmed is None:
        warm_partials(job)
        if freeze:
            gc.freeze()
        clock("lists")
    rendered = render_all(job, progress=progress)
    clock("render")
    return rendered


def write_static(
    site_dir: Path, out: Path, pages: Sequence[Page] = (), base_path: str = "/"
) -> tuple[list[SiteError], SiteSize, dict[str, Path]]:
    """Theme and site static files, and `.nojekyll` (GitHub Pages must serve folders starting with _);
    returns a warning for each of `pages` (HTML) that a static file replaces, what the files add to the
    output's size, and the addresses they take (static_addresses)."""
    files = static_files(site_dir)
    added = copy_static(files, out)
    (out / ".nojekyll").write_text("", encoding="utf-8")
    added += SiteSize(0, 1)
    taken = static_addresses(site_dir, files)
    return static_over_pages(taken, pages, site_dir, base_path), added, taken


def index(
    out: Path, regions: Mapping[Path, str], previous: Path | None = None, options: BuildOptions | None = None
) -> list[SiteError]:
    """The search index of the article pages in `out`, with their normalized words (`regions`, from
    search_regions); shards unchanged since the last index of `previous` (default: `out`) are not indexed
    again, unless the build keeps no cache."""
    o = options or BuildOptions()
    return index_search(out, ARTICLE_GLOB, previous, o.search_shard_pages, regions, keep=o.cache)[0]


def search_regions(model: Model, hidden: Collection[str] = ()) -> Regions[Article]:
    """What the indexer adds to each article page, by its file relative to the output: its search filters
    and its hidden region of normalized words, if it has any. The indexer reads them beside the page;
    readers never download them (~10 % of a page and ~480 B). Only these pages are indexed: not those
    whose URL is in `hidden`, replaced by a file of the site's static/ (static_addresses), which is not
    the article and may not even be a whole HTML page (Pagefind then fails).
    Each is made when the indexer asks for it, from the words in the body store: never all at once."""
    articles: dict[Path, Article] = {}
    for page in model.pages:
        article = page.ctx.get("article") if page.template == "article.html" else None
        if isinstance(article, Article) and page.url not in hidden:
            articles[output_file(Path(), page.url)] = article
    site = model.site
    return Regions(articles, site.bodies.words, lambda article: filters_html(site, article))


def build(
    site_dir: Path,
    out: Path,
    options: BuildOptions = BuildOptions(),
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the site into `out` atomically; raises SiteErrors (all of them) on a user mistake."""
    report = BuildReport(out)
    writes = cache.Writes()
    bodies = BodyStore.for_site(site_dir, options.cache)
    try:
        with long_lived_heap():
            return _build(site_dir, out, options, progress, report, writes, bodies)
    finally:
        writes.wait()  # the parse cache, written by a thread while the build went on
        bodies.close()  # a temporary store (no cache) is removed


def _build(
    site_dir: Path,
    out: Path,
    options: BuildOptions,
    progress: Callable[[str], None] | None,
    report: BuildReport,
    writes: cache.Writes,
    bodies: BodyStore,
) -> BuildReport:
    # Up to the page plan nearly every object made lives until the end: the collector would only rescan
    # them (measured at 10k articles: 0.8 s of the single-core stages). Frozen afterwards, they also stay
    # shared with the forked render workers (no copy-on-write by the collector).
    gc.disable()
    try:
        linked = load_site(site_dir, options, report.timings, writes=writes, bodies=bodies, progress=progress)
        env = templates(site_dir, options.jinja_fast_code)
        if errors := check_templates(env):
            raise SiteErrors(errors + linked.warnings)
        writes.wait()  # the parse cache's thread (long done at any size): none runs when workers are forked
        gc.freeze()  # shared with the workers forked next
        model, views = plan_and_warm(linked, env, options, report.timings)
        if errors := check_unique_urls(model.pages):
            raise SiteErrors(errors + model.warnings)
    finally:
        gc.freeze()
        gc.enable()
    clean_stale_stages(out)
    with staged_output(out) as stage:
        if progress:
            progress(f"rendering {len(model.pages)} pages")
        try:
            rendered = render_pages(
                model,
                env,
                model.pages,
                stage,
                options,
                freeze=True,
                warmed=views,
                timings=report.timings,
                progress=show.bar(progress, "pages", len(model.pages)),
            )
        finally:
            show.end(progress)
        if rendered.errors:
            raise SiteErrors(rendered.errors + model.warnings)
        clock = Clock(report.timings)
        replaced, static_size, taken = write_static(site_dir, stage, model.pages, model.site.config.base_path)
        size = rendered.size + static_size
        clock("render")
        _report_model(report, model)
        report.warnings += replaced
        regions = search_regions(model, taken) if search_wanted(model.site.config, options) else None
        # the page plan, the graph and the templates are not needed any more: with them gone the index runs
        # beside a main process holding little more than the articles (at 100k articles the model is ~1.5 GB)
        del model, env, views, linked  # the list items the views keep: hundreds of MB at 100k
        if regions is not None:
            # frozen since the plan, the model's objects in reference cycles outlive the del: collected here
            # and their memory given back, the index runs beside a smaller main process
            gc.unfreeze()
            gc.collect()
            release_freed_memory()
            if progress:
                progress("indexing for search")
            show.bar(progress, "search index", None)
            try:
                errors = index(stage, regions, previous=out, options=options)
            finally:
                show.end(progress)
            if errors:
                raise SiteErrors(errors)
            clock("search")
            if (stage / BUNDLE).is_dir():
                size += measure(stage / BUNDLE)  # the index is all the search adds
        report.size = size
    warning = size_warning(size)
    report.warnings += [warning] if warning else []
    return report


def _report_model(report: BuildReport, model: Model) -> None:
    """What the build report says of the model: counts, warnings, the base URL."""
    report.articles = len(model.site.articles)
    report.pages = len(model.pages)
    report.warnings = list(model.warnings)
    report.base_url = model.site.config.base_url
    langs = [lang for _, lang in model.site.articles]
    report.languages = {lang: langs.count(lang) for lang in model.site.config.languages}
