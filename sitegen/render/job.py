"""Rendering pages into files, on every core: the list entries first (warm_partials), then the pages
(render_all). A mistake in the site's templates comes back as a SiteError; an exception in our own code as
an InternalError."""

from __future__ import annotations

import gc
import os
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

from sitegen import urls
from sitegen.errors import BuildInterrupted, InternalError, SiteError, TemplateMisuse
from sitegen.graph import Graph, TimelineEntry
from sitegen.model import Lang, Page, Site
from sitegen.parallel import pmap, release_freed_memory, resident_bytes, workers
from sitegen.render.environment import TEMPLATE_SUFFIXES, render_template
from sitegen.render.lists import ENTRY, EVENT, TITLE
from sitegen.render.view import View
from sitegen.size import SiteSize
from sitegen.write import write_file

# A render worker touches (so copies, by reference counting) each shared object of the main process it
# reads: over a whole render, nearly the whole model. Replaced by a new fork after this many ranges, it
# holds only what its last ranges touched. Not for free: each new worker copies again what it reads and
# warms its own caches (10k articles: ~3.8 s more CPU over the list entries and the render). So workers are
# replaced only when their copies could break the memory budget: when the main process, copied whole by
# every worker, would take more than COPY_BUDGET, what a whole build may take (2 GiB at 100k articles:
# the main process then holds ~1.3 GB; at 10k ~250 MB, and a worker copied ~60 MB of it over the render).
FRESH_EVERY = 8
COPY_BUDGET = 2 << 30
HEAVY = 300  # a page that depends on more articles than this is rendered first, on its own (render_all)
# a range of pages ends after `chunk` pages or once its pages depend on this many articles: a re-forked
# worker copies what its ranges read, and a list page of 100 titles reads 100 articles where an article
# page reads ~15 (at 100k, with 200 such pages a range, the end of the render peaked at 1,934 MiB for the
# tree; 1,835 MiB with this)
RANGE_READS = 4000
WHOLE_SITE = 2  # a page that reads 1/WHOLE_SITE of the articles or more is rendered by the main process
# `extra_head` stays defined, empty, for sites whose base.html copied an older theme's (the dev server now
# adds its live-reload script to the pages it serves)
NO_EXTRA_HEAD = Markup("")
# an exception raised inside these libraries' Python was caused by the template that called them
TEMPLATE_LIBRARIES = tuple(Path(m.__file__ or "").resolve().parent for m in (jinja2, markupsafe))


@dataclass(frozen=True)
class RenderJob:
    site: Site
    graph: Graph
    env: jinja2.Environment
    pages: Sequence[Page]
    out: Path
    views: dict[str, View]


def render_page(job: RenderJob, page: Page) -> str:
    view = job.views[page.lang]
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
            "extra_head": NO_EXTRA_HEAD,
            **page.ctx,
        },
    )


# a template mistake found on a page: the error (its message without the page) and the page's address
Failure = tuple[SiteError, str]


@dataclass(frozen=True)
class Rendered:
    """What rendering pages gave: the template mistakes (file, line), and the size of the files written
    (the build's size line: walking a 10k-article site again to measure it took ~0.3 s)."""

    errors: list[SiteError]
    size: SiteSize


def _render_range(job: RenderJob, bounds: tuple[int, int]) -> tuple[list[Failure], SiteSize]:
    errors: list[Failure] = []
    made: set[Path] = set()
    size = files = 0
    for page in job.pages[bounds[0] : bounds[1]]:
        try:
            text = render_page(job, page)
        except BuildInterrupted:
            raise  # the cache taken away under the build (bodies.MissingBody): neither template nor bug
        except Exception as exc:  # noqa: BLE001 - sorted out just below: the site's template, or our bug
            if _raised_by_sitegen(exc):
                raise InternalError(
                    f"{type(exc).__name__}: {exc} (while rendering {page.url})", traceback.format_exc()
                ) from None
            errors.append((_template_error(exc, page), page.url))  # the site's template: render the rest
            continue
        target = urls.output_file(job.out, page.url)
        if target.parent not in made:
            # most page folders are new (an article's own): one mkdir, not a stat before it (~8 us a
            # folder on this project's VM; a mkdir that fails costs what a stat does, ~2 us)
            try:
                os.mkdir(target.parent)
            except FileExistsError:
                pass
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        size += write_file(target, text)
        files += 1
    return errors, SiteSize(size, files)


def _raised_by_sitegen(exc: Exception) -> bool:
    """Whether the exception comes from sitegen's Python rather than from a template.

    A template's mistake surfaces as a Jinja error, or is raised in the template's own frame or in Jinja's
    filters and tests it called; raised anywhere else (a helper of ours, or what it called) it is a bug of
    ours, whatever template was being rendered."""
    if isinstance(exc, (jinja2.TemplateError, TemplateMisuse)):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return False
    if isinstance(exc, RecursionError) and any(f.filename.endswith(TEMPLATE_SUFFIXES) for f in frames):
        return False  # a macro or include that calls itself without end: deep in our helpers, not ours
    innermost = Path(frames[-1].filename)
    return innermost.suffix == ".py" and not any(
        innermost.resolve().is_relative_to(d) for d in TEMPLATE_LIBRARIES
    )


def _template_error(exc: Exception, page: Page) -> SiteError:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(TEMPLATE_SUFFIXES)]
    where = frames[-1] if frames else None
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    hint = "check the variable names used on this line of the template"
    if isinstance(exc, RecursionError):
        message = "this template calls itself without end"
        hint = "a macro, include or extends on this line leads back to itself: give it a way to stop"
    return SiteError(
        Path(where.filename) if where else Path(page.template),
        where.lineno if where else None,
        f"{type(exc).__name__}: {message}",
        hint,
    )


def _one_per_mistake(failures: Sequence[Failure]) -> list[SiteError]:
    """One error per mistake in a template, naming the first page it broke and how many others.

    A mistake in the article template breaks every article page: reported once per page it would bury the
    one line that matters under thousands (10k articles: 16k lines)."""
    pages: dict[SiteError, list[str]] = {}
    for error, url in failures:
        pages.setdefault(error, []).append(url)
    out = []
    for error, where in pages.items():
        n = len(where) - 1
        others = f" (and {n:,} other page{'s' if n > 1 else ''})" if n else ""
        message = f"template error while rendering {min(where)}{others}: {error.message}"
        out.append(SiteError(error.path, error.line, message, error.hint, error.severity))
    return out


def warm_partials(
    job: RenderJob,
    chunk: int = 400,
    events: Mapping[Lang, Sequence[TimelineEntry]] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Render every list entry (article and event, per language) on all cores, before the pages.

    Home, tag, author, source and timeline pages all list them: rendered lazily, each render worker would
    end up making nearly every entry itself (measured at 10k articles: render 21.0 s without this, 2.9 s
    here and 14.3 s render with it). A template error in an entry is not raised here: render_all reports
    it, with file and line, for the first page that shows the entry.

    `events`: the timeline items to render per language (default: those of the timeline pages among
    `job.pages`). `meanwhile()`: the main process's own work while the
    workers render (parallel.pmap); its exceptions are raised."""
    # the keys come in runs of one kind and language, each run a sequence the model already holds: no
    # tuple per item (at 100k articles ~800k items, ~55 MB held by the main process through the warm-up)
    runs: list[tuple[str, str, Sequence[Any]]] = [
        (kind, lang, job.graph.order) for kind in (ENTRY, TITLE) for lang in job.views
    ]
    if events is not None:
        runs += [(EVENT, lang, items) for lang, items in events.items()]
    for page in job.pages if events is None else ():
        if page.kind in ("timeline_year", "timeline_month"):
            items = [e for _, months in page.ctx["groups"] for _, group in months for e in group]
            runs.append((EVENT, page.lang, items))
    ranges = [
        (run, lo, min(lo + chunk, len(keys)))
        for run, (_, _, keys) in enumerate(runs)
        for lo in range(0, len(keys), chunk)
    ]

    def keep(i: int, made: tuple[bytes, list[int]] | None) -> None:
        if made is None:
            return  # a mistake in a template: render_all meets it again and reports it with its page
        run, lo, hi = ranges[i]
        kind, lang, keys = runs[run]
        job.views[lang].keep(kind, keys[lo:hi], *made)

    # workers re-forked as in render_all: each one copies only the articles of its last ranges (all of
    # them over a whole warm-up: 3.7 GB for the tree at 100k articles); each range is kept as it comes
    refork = fresh_every()
    if meanwhile is not None and refork is not None:
        # memory is short (100k articles): done first, as render_all's own pages, for what the main
        # process touches after a fork is copied (at 100k the plan reads most of a ~1.2 GB model)
        meanwhile()
        meanwhile = None
    pmap(
        _warm_range,
        (job, runs),
        ranges,
        chunksize=1,
        work=sum(len(keys) for _, _, keys in runs),
        fresh_every=refork,
        consume=keep,
        meanwhile=meanwhile,
    )


def _warm_range(
    shared: tuple[RenderJob, list[tuple[str, str, Sequence[Any]]]], bounds: tuple[int, int, int]
) -> tuple[bytes, list[int]] | None:
    """A range of list items of one kind and language (`bounds`: the run, and where in it) as one UTF-8
    blob, and where each item ends in it (the main process keeps them so: ListHelpers.keep); None when
    one of them fails."""
    if not gc.isenabled():
        gc.enable()  # forked while the main process plans with its collector off (build.py): collect here
    job, runs = shared
    run, lo, hi = bounds
    kind, lang, keys = runs[run]
    view = job.views[lang]
    make: Callable[[Any], Markup] = (
        view.entry if kind == ENTRY else view.title_entry if kind == TITLE else view.timeline_entry
    )
    parts, ends, end = [], [], 0
    try:
        for key in keys[lo:hi]:
            part = str(make(key)).encode()
            parts.append(part)
            end += len(part)
            ends.append(end)
    except Exception:  # noqa: BLE001 - render_all meets the same error again and reports it with its page
        return None
    return b"".join(parts), ends


def render_all(job: RenderJob, chunk: int = 200, progress: Callable[[int], None] | None = None) -> Rendered:
    """Render and write every page; returns template errors (file, line) instead of raising.

    `progress(n)` is told of each range of n pages written (progress.py's bar)."""
    own = [i for i, page in enumerate(job.pages) if reads_whole_site(job, page)]
    errors: list[Failure] = []
    written = SiteSize(0, 0)

    def render_own() -> None:
        nonlocal written
        for i in own:
            failures, size = _render_range(job, (i, i + 1))
            errors.extend(failures)
            written += size
            if progress is not None:
                progress(1)
        if own:
            release_freed_memory()  # what their text took (exports: ~40 MB at 10k articles)

    refork = fresh_every()
    if refork is not None:
        # memory is short (100k articles): before any worker is forked, while the main process owns the
        # model, so that reading all of it copies nothing and no new fork inherits the exports' text
        render_own()
    heavy: list[tuple[int, int]] = []
    ranges: list[tuple[int, int]] = []
    start = reads = 0
    skip = set(own)
    for i, page in enumerate(job.pages):
        reads += len(page.slugs)
        if i in skip or len(page.slugs) > HEAVY:
            # a page that lists much of the site (tags, authors, timeline years) gets a range of its own,
            # handed out first: one of them last would leave the other cores idle at the end, and a
            # dev-server rebuild of a few pages with two of them spreads over the cores
            if start < i:
                ranges.append((start, i))
            if i not in skip:
                heavy.append((i, i + 1))
            start, reads = i + 1, 0
        elif i + 1 - start >= chunk or reads >= RANGE_READS:
            ranges.append((start, i + 1))
            start, reads = i + 1, 0
    if start < len(job.pages):
        ranges.append((start, len(job.pages)))
    # a heavy page weighs like a range of ordinary ones in deciding whether a pool is worth starting
    bounds = heavy + ranges
    done = None if progress is None else (lambda i: progress(bounds[i][1] - bounds[i][0]))
    results = pmap(
        _render_range,
        job,
        bounds,
        chunksize=1,
        work=len(job.pages) - len(own) + chunk * len(heavy),
        on_result=done,
        fresh_every=refork,
        # otherwise while the workers render the rest: alone, the main process kept one core busy for ~1.2 s
        # (10k articles) and the other idle; the workers read the same articles, so little more is copied
        meanwhile=render_own if refork is None else None,
    )
    for failures, size in results:
        errors.extend(failures)
        written += size
    return Rendered(_one_per_mistake(errors), written)


def fresh_every() -> int | None:
    """How many ranges a worker renders before a new fork replaces it; None: it stays for the stage."""
    return FRESH_EVERY if resident_bytes() * (1 + workers()) > COPY_BUDGET else None


def reads_whole_site(job: RenderJob, page: Page) -> bool:
    """A page that reads at least half of the articles (sitemap, exports, site timeline, status).

    Rendered by a forked worker it would copy most of the model, by reference counting, while the other
    workers do the same (at 100k articles 4.3 GB for the tree); the main process renders it instead."""
    return len(page.slugs) > HEAVY and len(page.slugs) * WHOLE_SITE >= len(job.graph.order)


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
