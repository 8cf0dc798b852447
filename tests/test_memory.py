"""Which process does what in a large build: what bounds its memory (docs/performance.md, "Memory").

A forked worker copies, by reference counting, every object of the main process it reads; these tests pin
down who reads what, since the memory itself is only measured at 100k articles (bench/build.py)."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import re
from pathlib import Path
from typing import Any

import pytest

import sitegen.parallel
import sitegen.render.job
from sitegen.model import Page
from sitegen.render.lists import ENTRY, EVENT
from tests.support import build_site
from tests.test_parallel import _big_site

pytestmark = pytest.mark.skipif(not sitegen.parallel.FORK_SAFE, reason="workers are forked only here")


def _log_calls(monkeypatch: pytest.MonkeyPatch, name: str, log: Path, what: Any) -> None:
    """Wrap a function of render/job.py so that every call appends `<pid> <what(args)>` to `log` (forked
    workers inherit the wrapper; appends of one short line do not interleave)."""
    real = getattr(sitegen.render.job, name)

    def logged(*args: Any) -> Any:
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {what(*args)}\n")
        return real(*args)

    monkeypatch.setattr(sitegen.render.job, name, logged)


def _lines(log: Path) -> list[tuple[int, str]]:
    return [(int(pid), rest) for pid, rest in (line.split(" ", 1) for line in log.read_text().splitlines())]


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitegen.parallel, "workers", lambda: 2)


@pytest.mark.usefixtures("two_workers")
@pytest.mark.parametrize("short", [True, False], ids=["memory short", "memory enough"])
def test_pages_that_read_the_whole_site_are_rendered_by_the_main_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short: bool
) -> None:
    """Before any worker is forked when memory is short (100k articles); otherwise while the workers render
    the other pages, so that neither core waits for the other."""
    if short:  # any main process is too big to be copied by every worker
        monkeypatch.setattr(sitegen.render.job, "COPY_BUDGET", 0)
    log = tmp_path / "rendered.log"

    def url(job: Any, page: Page) -> str:
        return f"{page.url} {len(page.slugs)} {len(multiprocessing.active_children())}"

    _log_calls(monkeypatch, "render_page", log, url)
    built = build_site(_big_site(tmp_path / "site"), tmp_path / "public", cache=False)
    assert built.ok, built.problems
    rendered = _lines(log)
    main = os.getpid()
    by_main = [rest.split()[0] for pid, rest in rendered if pid == main]
    # the sitemap and the site's timeline list all 500 articles
    assert "/sitemap.xml" in by_main
    assert any("timeline" in u for u in by_main), by_main
    assert not any("/articles/" in u for u in by_main), "the main process renders only whole-site pages"
    first_worker = next(i for i, (pid, _) in enumerate(rendered) if pid != main)
    if short:
        assert all(pid != main for pid, _ in rendered[first_worker:]), "rendered while workers were alive"
    alive = {int(rest.split()[2]) for pid, rest in rendered if pid == main}
    assert alive == ({0} if short else {2}), "workers alive while the main process rendered its pages"
    # every page that reads half the site or more was the main process's
    workers_read = [int(rest.split()[1]) for pid, rest in rendered if pid != main]
    assert max(workers_read) * 2 < 500


@pytest.mark.usefixtures("two_workers")
@pytest.mark.parametrize("big", [True, False], ids=["main process too big to copy", "small"])
def test_list_entry_workers_are_replaced_by_fresh_forks_when_the_main_process_is_big(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big: bool
) -> None:
    """Each one then copies only the articles of its last ranges, not half of the site's over the warm-up.
    For a small site a new fork is not worth it: it copies again what it reads and warms its caches again."""
    monkeypatch.setattr(sitegen.render.job, "FRESH_EVERY", 1)
    if big:  # any main process is too big to be copied by every worker
        monkeypatch.setattr(sitegen.render.job, "COPY_BUDGET", 0)
    log = tmp_path / "warmed.log"

    def kind(shared: Any, bounds: tuple[int, int, int]) -> str:
        return f"{shared[1][bounds[0]][0]} {'-'.join(map(str, bounds))}"

    _log_calls(monkeypatch, "_warm_range", log, kind)
    built = build_site(_big_site(tmp_path / "site"), tmp_path / "public", cache=False)
    assert built.ok, built.problems
    ranges = _lines(log)
    # 500 articles in two languages, 400 entries a range; the timelines' events in the same pool
    assert len([r for r in ranges if r[1].startswith(ENTRY)]) >= 3
    assert len([r for r in ranges if r[1].startswith(EVENT)]) >= 2
    workers = len({pid for pid, _ in ranges})
    if big:
        assert workers == len(ranges), "a worker rendered two ranges"
    else:
        assert workers <= 2, "workers were replaced"


def test_a_front_matter_error_found_after_validation_points_at_its_line(tmp_path: Path) -> None:
    """The articles do not keep their raw front matter (~160 MB at 100k articles): the graph's errors read
    it again from the file, split as the reader splits it (a BOM, Windows line endings)."""
    from sitegen.build import BuildOptions, load_site

    site = tmp_path / "site"
    articles = site / "content" / "articles"
    articles.mkdir(parents=True)
    (site / "site.yaml").write_text("title: Archive\nlanguages: [en]\n", encoding="utf-8")
    text = "---\ntitle: Report\n# a comment line\ndate: 2020-01-03\nrelated: [no-such-slug]\n---\n\nText.\n"
    (articles / "report.en.md").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    built = build_site(site, tmp_path / "public", cache=False)
    assert not built.ok
    assert re.search(
        r"report\.en\.md:5: error: link to an article that does not exist: 'no-such-slug'", built.text
    )
    (articles / "report.en.md").write_text(text.replace("no-such-slug", "report"), encoding="utf-8")
    linked = load_site(site, BuildOptions(cache=False))
    (article,) = linked.site.articles.values()
    values = [getattr(article, f.name) for f in dataclasses.fields(article)]
    assert not [v for v in values if isinstance(v, str) and "related:" in v]


def test_exports_are_written_from_rows_made_one_at_a_time() -> None:
    """The main process renders the exports (whole-site pages): their rows are never all held at once."""
    from sitegen.export import json_lines

    assert json_lines({"lang": "ar"}, "events", iter([])) == '{\n"lang": "ar",\n"events": []\n}\n'
    assert json_lines({}, "events", (n for n in (1, 2))) == '{\n"events": [\n 1,\n 2\n]\n}\n'


@pytest.mark.usefixtures("two_workers")
def test_each_list_entry_is_rendered_once_and_kept_packed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up renders every entry once; the render workers read the main process's packed copies
    (a few blobs and an index of integers: reading them copies no page of the text) and render none again."""
    import sitegen.render.lists

    log = tmp_path / "entries.log"
    real = sitegen.render.lists.render_template

    def logged(template: Any, ctx: dict[str, Any]) -> Any:
        if template.name == "_entry.html":
            with log.open("a", encoding="utf-8") as f:
                f.write(f"{ctx['lang']} {ctx['slug']}\n")
        return real(template, ctx)

    monkeypatch.setattr(sitegen.render.lists, "render_template", logged)
    built = build_site(_big_site(tmp_path / "site"), tmp_path / "public", cache=False)
    assert built.ok, built.problems
    rendered = log.read_text(encoding="utf-8").splitlines()
    assert len(rendered) == len(set(rendered)) == 2 * 500  # each article once per language


def test_packed_list_items_come_back_whole() -> None:
    from sitegen.render.lists import ENTRY, EVENT, _Packed

    packed = _Packed()
    first = ["نص عربي", "<li>b</li>", ""]
    packed.add(ENTRY, ["a", "b", "c"], "".join(first).encode(), [13, 23, 23])
    packed.add(EVENT, ["a"], b"<li>event</li>", [14])
    assert [packed.get(ENTRY, k) for k in "abc"] == [t.encode() for t in first]
    assert packed.get(EVENT, "a") == b"<li>event</li>"
    assert packed.get(ENTRY, "z") is None and packed.get(EVENT, "b") is None


def test_an_event_is_found_by_a_hash_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tag's timeline looks up each of its events among the packed items: hashing an event's fields each
    time wrote the reference counts of its title and dates, so a render worker copied a page of memory per
    event (at 100k articles ~40 MB a tag page). The hash is made with the event; equal events still match."""
    import pickle

    from sitegen.graph import TimelineEntry
    from sitegen.model import Lang, PartialDate, Slug
    from sitegen.render.lists import EVENT, _Packed

    def event() -> TimelineEntry:
        return TimelineEntry(PartialDate(2020, 3, 1), None, "اجتماع في بيروت", Slug("a"), Lang("ar"), False)

    entry, equal = event(), event()
    packed = _Packed()
    packed.add(EVENT, [entry], b"<li>x</li>", [10])

    def hashed_again(date: PartialDate) -> int:
        raise AssertionError(f"{date} hashed again")

    monkeypatch.setattr(PartialDate, "__hash__", hashed_again)
    assert packed.get(EVENT, entry) == b"<li>x</li>"
    assert packed.get(EVENT, equal) == b"<li>x</li>"  # the dev server's rebuilt timeline: equal, not the same
    monkeypatch.undo()
    copy = pickle.loads(pickle.dumps(entry))  # made again in the unpickling process
    assert copy == entry and hash(copy) == hash(entry)
    assert entry != TimelineEntry(PartialDate(2020, 3, 2), None, entry.title, entry.slug, entry.lang, False)


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(), reason="reads the PSS in /proc")
def test_the_memory_sampler_reads_the_tree_again_when_a_process_started_or_ended_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """bench/build.py's sampler sums the PSS of each process of the tree, one after the other: a worker forked
    after its parent was read counted their shared pages twice (a parent of 400 MiB forking short-lived
    children was sampled at up to 608 MiB), so the peaks of builds that re-fork their workers were too high."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_build", Path(__file__).parents[1] / "bench" / "build.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    me, gone = os.getpid(), 2**22 + 1  # a pid no process has (pid_max is at most 2**22)
    trees = iter([[me, gone], [me], [me], [me]])  # a child ended while the first sample was read
    calls: list[int] = []

    def tree(pid: int) -> list[int]:
        calls.append(pid)
        return next(trees)

    monkeypatch.setattr(bench, "_tree", tree)
    pss = bench._tree_pss(me)
    assert len(calls) == 4, "the changed sample was not read again"
    own = next(
        int(x.split()[1])
        for x in Path("/proc/self/smaps_rollup").read_text().splitlines()
        if x.startswith("Pss:")
    )
    assert 0.5 * own < pss < 2 * own


@pytest.mark.usefixtures("two_workers")
@pytest.mark.parametrize("short", [True, False], ids=["memory short", "memory enough"])
def test_the_page_plan_is_made_while_the_list_items_are_rendered_unless_memory_is_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short: bool
) -> None:
    """Beside the workers, the main process copies every page of its memory the plan touches: at 100k
    articles (memory short) it plans first."""
    import sitegen.build

    if short:
        monkeypatch.setattr(sitegen.render.job, "COPY_BUDGET", 0)
    alive: list[int] = []
    real = sitegen.build.plan_pages

    def plan_pages(*args: Any) -> Any:
        alive.append(len(multiprocessing.active_children()))
        return real(*args)

    monkeypatch.setattr(sitegen.build, "plan_pages", plan_pages)
    built = build_site(_big_site(tmp_path / "site"), tmp_path / "public", cache=False)
    assert built.ok, built.problems
    assert alive == ([0] if short else [2])


@pytest.mark.usefixtures("two_workers")
def test_a_list_item_worker_forked_after_the_plan_does_not_collect_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its collector would walk every object of the plan, copying the memory pages they are on (at 100k
    articles: the list items took 10x longer and the build passed 2 GiB)."""
    import gc

    monkeypatch.setattr(sitegen.render.job, "COPY_BUDGET", 0)  # memory short: the plan is made first
    log = tmp_path / "pages.log"

    def collectable_pages(shared: Any, bounds: Any) -> int:
        return sum(isinstance(o, Page) for o in gc.get_objects())  # frozen objects are not listed

    _log_calls(monkeypatch, "_warm_range", log, collectable_pages)
    built = build_site(_big_site(tmp_path / "site"), tmp_path / "public", cache=False)
    assert built.ok, built.problems
    counts = [int(rest) for pid, rest in _lines(log) if pid != os.getpid()]
    assert counts and set(counts) == {0}


def test_the_search_index_runs_beside_no_page_plan_graph_or_list_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k articles the plan, the graph and the kept list items are ~1 GB of the main process, which
    Pagefind runs beside: the indexer's peak was the build's (2,031 MiB when the views outlived the render)."""
    import gc

    import sitegen.build
    from sitegen.graph import Graph
    from sitegen.render import View

    alive: list[int] = []
    real = sitegen.build.index

    def index(*args: Any, **kwargs: Any) -> Any:
        alive.append(sum(isinstance(o, (Page, Graph, View)) for o in gc.get_objects()))
        return real(*args, **kwargs)

    monkeypatch.setattr(sitegen.build, "index", index)
    built = build_site(_big_site(tmp_path / "site"), tmp_path / "public", cache=False, search=True)
    assert built.ok, built.problems
    assert alive == [0]
