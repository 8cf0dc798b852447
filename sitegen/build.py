"""The pipeline, in order: config → read → validate → graph → pages → render → write → search.

This is the only module that calls the stages one after another.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from sitegen import cache, progress as show
from sitegen.config import load_config
from sitegen.data import load_registries
from sitegen.errors import Problems, SiteError, SiteErrors
from sitegen.graph import Graph, link
from sitegen.model import Config, Site
from sitegen.pages import Page, plan_pages
from sitegen.read import ReadResult, read_content
from sitegen.render import (
    RenderJob,
    check_templates,
    check_unique_urls,
    make_environment,
    make_views,
    render_all,
    warm_partials,
)
from sitegen.search import index_search
from sitegen.validate import validate
from sitegen.write import clean_stale_stages, copy_static, staged_output


ARTICLE_GLOB = "**/articles/*/index.html"  # only article pages carry indexed regions (see pages.py, urls.py)
# collector thresholds for a process holding a site model: young collections every 20k allocations
# instead of 700 (CPython's default rescans the model's objects again and again)
LONG_LIVED_GC = (20_000, 20, 50)


@dataclass(frozen=True)
class BuildOptions:
    base_url: str | None = None
    drafts: bool = False
    search: bool = True
    cache: bool = True  # reuse what earlier builds parsed of unchanged files (cache.py)
    extra_head: str = ""  # the dev server's live-reload snippet; empty for `build`
    jinja_fast_code: bool = True  # False: Jinja's own code generator, for the golden test (render.py)


@dataclass
class BuildReport:
    out: Path
    articles: int = 0
    pages: int = 0
    warnings: list[SiteError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)  # articles per language
    base_url: str = ""


@dataclass(frozen=True)
class Model:
    """Everything up to the page plan: what the dev server keeps between rebuilds."""

    site: Site
    graph: Graph
    pages: list[Page]
    warnings: list[SiteError]


def load_model(
    site_dir: Path,
    options: BuildOptions,
    timings: dict[str, float] | None = None,
    read: Callable[[Path, Config], list[ReadResult]] | None = None,
) -> Model:
    """Config, content, validation and graph; raises SiteErrors with every problem found.

    `read` lets the dev server reuse the files it parsed before (only changed files are read again)."""
    timings = {} if timings is None else timings
    clock = _Clock(timings)
    config, warnings = load_config(site_dir, options.base_url)
    problems = Problems(list(warnings))
    clock("config")
    results = (
        read(site_dir, config)
        if read
        else read_content(site_dir, config, use_cache=options.cache, search=options.search and config.search)
    )
    for result in results:
        problems.extend(result.errors)
    docs = [r.doc for r in results if r.doc is not None]
    clock("read")
    registries = load_registries(config, problems)
    site = validate(docs, config, registries, problems, drafts=options.drafts)
    if not docs and not any(e.severity == "error" for e in problems.items):
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
    pages = plan_pages(site, graph)
    clock("plan")
    return Model(site, graph, pages, problems.warnings)


def build(
    site_dir: Path,
    out: Path,
    options: BuildOptions = BuildOptions(),
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the site into `out` atomically; raises SiteErrors (all of them) on a user mistake."""
    report = BuildReport(out)
    try:
        with _long_lived_heap():
            return _build(site_dir, out, options, progress, report)
    finally:
        cache.wait()  # the parse cache, written in the background while the build went on


def _build(
    site_dir: Path,
    out: Path,
    options: BuildOptions,
    progress: Callable[[str], None] | None,
    report: BuildReport,
) -> BuildReport:
    # Up to the page plan nearly every object made lives until the end: the collector would only rescan
    # them (measured at 10k articles: 0.8 s of the single-core stages). Frozen afterwards, they also stay
    # shared with the forked render workers (no copy-on-write by the collector).
    gc.disable()
    try:
        model = load_model(site_dir, options, report.timings)
        clock = _Clock(report.timings)
        env = make_environment(site_dir, options.jinja_fast_code)
        errors = check_templates(env) + check_unique_urls(model.pages)
    finally:
        gc.freeze()
        gc.enable()
    if errors:
        raise SiteErrors(errors + model.warnings)
    clean_stale_stages(out)
    with staged_output(out) as stage:
        if progress:
            progress(f"rendering {len(model.pages)} pages")
        search = options.search and model.site.config.search
        job = RenderJob(
            model.site,
            model.graph,
            env,
            model.pages,
            stage,
            make_views(model.site, model.graph, env, search),
            options.extra_head,
        )
        warm_partials(job)
        gc.freeze()  # again: the entries just made stay shared with the render workers too
        clock("lists")
        try:
            errors = render_all(job, progress=show.bar(progress, "pages", len(model.pages)))
        finally:
            show.end(progress)
        if errors:
            raise SiteErrors(errors + model.warnings)
        copy_static(site_dir, stage)
        (stage / ".nojekyll").write_text("", encoding="utf-8")
        clock("render")
        if search:
            if progress:
                progress("indexing for search")
            show.bar(progress, "search index", None)
            try:
                errors = index_search(stage, ARTICLE_GLOB)
            finally:
                show.end(progress)
            if errors:
                raise SiteErrors(errors)
            clock("search")
    report.articles = len(model.site.articles)
    report.pages = len(model.pages)
    report.warnings = model.warnings
    report.base_url = model.site.config.base_url
    langs = [lang for _, lang in model.site.articles]
    report.languages = {lang: langs.count(lang) for lang in model.site.config.languages}
    return report


@contextmanager
def _long_lived_heap() -> Iterator[None]:
    """A build holds tens of thousands of long-lived objects; with CPython's default thresholds the
    collector rescans them all every few thousand allocations (measured: up to a third of a 10k build)."""
    old = gc.get_threshold()
    gc.set_threshold(*LONG_LIVED_GC)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


class _Clock:
    def __init__(self, timings: dict[str, float]):
        self.timings, self.last = timings, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now
