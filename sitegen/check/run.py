"""The checks in order, on the model `build` validates: the one place `check` calls them."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.build import BuildOptions, Model, load_model
from sitegen.check.duplicates import find_duplicates, store_file
from sitegen.check.findings import Finding
from sitegen.check.integrity import check_integrity
from sitegen.check.texts import RawFile, read_raw
from sitegen.check.translations import check_labels, check_translations, translation_states
from sitegen.errors import SiteError, SiteErrors
from sitegen.model import Article, Lang, Slug
from sitegen.render import check_templates, check_unique_urls, make_environment


@dataclass(frozen=True)
class CheckOptions:
    drafts: bool = False
    cache: bool = True
    external: bool = False
    duplicates: bool = True


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    articles: int = 0
    urls: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    model: Model | None = None  # None when the site did not validate


def site_findings(problems: list[SiteError]) -> list[Finding]:
    return [Finding("site", p) for p in problems]


def run_checks(
    site_dir: Path,
    options: CheckOptions,
    external: Callable[[Model, dict[Path, RawFile | None]], tuple[list[Finding], int]] | None = None,
) -> CheckReport:
    """Everything `build` validates (without rendering), then the archive's health checks."""
    # as in build: the model is long-lived and the checks make no cycles, so the collector would only
    # rescan the model again and again (measured: a third of the duplicate search on 1.6k articles)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(site_dir, options, external)
    finally:
        if collecting:
            gc.enable()


def _run(
    site_dir: Path,
    options: CheckOptions,
    external: Callable[[Model, dict[Path, RawFile | None]], tuple[list[Finding], int]] | None,
) -> CheckReport:
    report = CheckReport()
    clock = time.perf_counter()

    def tick(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.timings[name] = now - clock
        clock = now

    # with the cache, search=True: the parse cache is salted with it, and a default build (and the Pages
    # workflow) builds with search; without the cache, search words would be made for nothing
    build_options = BuildOptions(drafts=options.drafts, cache=options.cache, search=options.cache)
    try:
        model = load_model(site_dir, build_options, report.timings)
    except SiteErrors as exc:
        report.findings = site_findings(exc.errors)
        return report
    clock = time.perf_counter()
    report.model = model
    report.articles = len(model.site.articles)
    report.findings.extend(site_findings(model.warnings))
    env = make_environment(site_dir)
    report.findings.extend(Finding("templates", p) for p in check_templates(env))
    report.findings.extend(Finding("site", p) for p in check_unique_urls(model.pages))
    tick("templates")
    raw: dict[Path, RawFile | None] = {}
    states = translation_states(model.site, model.graph, raw)
    report.findings.extend(check_translations(model.site, model.graph, states))
    report.findings.extend(check_labels(model.site, model.graph))
    tick("translations")
    report.findings.extend(check_integrity(model.site))
    tick("integrity")
    if options.duplicates:
        bodies: dict[tuple[Slug, Lang], tuple[Article, str]] = {}
        for key, article in model.site.articles.items():
            text = raw.get(article.source_path) or read_raw(article.source_path)
            if text is not None:
                bodies[key] = (article, text.body)
        report.findings.extend(find_duplicates(bodies, store_file(site_dir) if options.cache else None))
        tick("duplicates")
    if external is not None:
        found, report.urls = external(model, raw)
        report.findings.extend(found)
        tick("external")
    return report
