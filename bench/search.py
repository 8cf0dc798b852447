#!/usr/bin/env python3
"""Benchmark the search index at 10k and more: sharded (sitegen) against one Pagefind index over the same
pages, interleaved in one run, and the same query set against both in Chromium.

Usage: flock /tmp/sitegen-bench.lock python bench/search.py [--articles 10000] [--rounds 2] [--keep]

1. `sitegen build` of the corpus with search (sharded): wall, CPU (user+sys of the whole process tree),
   peak memory of the whole process tree (sum of RSS, sampled every 0.2 s) and of its largest process.
2. On those very pages, `rounds` times interleaved: Pagefind alone (one index, the CLI as sitegen ran it
   before shards), Pagefind alone over the same pages with sitegen's normalized words (one folder laid
   out for it, as the shards are), and sitegen's sharded indexing from scratch. Every run starts without
   its output folder (removing the last run's ~16k files is not part of any of them).
3. One article edited, the site built again into the same folder (the parse cache and the shards of the
   unchanged years are reused).
4. The query set (QUERIES) in Chromium through Pagefind's JS API: the top 10 of one index (one Pagefind
   run over every page with its normalized words) against the merged shards, each query normalized by
   search.js as the search page does.
Prints one table; the load average is printed at the start and the end (the machine is shared).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sitegen.build import ARTICLE_GLOB, BuildOptions, load_model, search_regions  # noqa: E402
from sitegen.search import run_pagefind  # noqa: E402
from sitegen.search.shards import SHARD_PAGES, _lay_out, index_search  # noqa: E402
from sitegen.search.store import Shard, shard_store  # noqa: E402

OUT = ROOT / "bench" / "out"
CORPORA = Path("/work/corpora")
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
CHROMIUM = "/usr/bin/chromium"

# (query as typed, filter or None): Arabic and English words of the generated corpus as written and
# as commonly misspelled (hamza, ta marbuta, alef maqsura, tashkeel, Persian letters), words on nearly
# every page of every shard, several words, and filters. Every query must find something in both.
QUERIES: list[tuple[str, dict[str, str] | None]] = [
    ("الإقليمية", None),
    ("الاقليمية", None),
    ("الاقليميه", None),
    ("أسعار", None),
    ("اسعار", None),
    ("إلى", None),
    ("الي", None),
    ("المنطقه", None),
    ("عسكريّة", None),
    ("المدفعي", None),
    ("أعلنت الحكومة", None),
    ("اعلنت الحكومه", None),
    ("السيطرة على المدينة", None),
    ("نشطة", None),
    ("التحصينات", None),
    ("نزوح", None),
    ("في", None),
    ("الطريق", None),
    ("کرد", None),
    ("انقطاع", None),
    ("القصف", {"السنة": "2015"}),
    ("الاقليمية", {"السنة": "2023"}),
    ("shelling", None),
    ("Shelling", None),
    ("artillery", None),
    ("neighbourhoods", None),
    ("medical trenches", None),
    ("prices documented", None),
    ("fortifications", None),
    ("the", None),
    ("northern city", None),
    ("activists", {"Year": "2012"}),
    ("prices", {"Year": "2020"}),
]


@contextmanager
def tree_memory() -> Iterator[dict[str, float]]:
    """Peak of the summed RSS of this process and all its descendants (MiB), sampled every 0.2 s."""
    result = {"peak": 0.0}
    stop = threading.Event()

    def sample() -> None:
        me = os.getpid()
        while not stop.wait(0.2):
            parents: dict[int, int] = {}
            rss: dict[int, int] = {}
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                    fields = stat[stat.rindex(")") + 2 :].split()
                    parents[int(entry.name)] = int(fields[1])
                    rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
                except (OSError, ValueError, IndexError):
                    continue
            tree, changed = {me}, True
            while changed:
                grown = tree | {pid for pid, ppid in parents.items() if ppid in tree}
                changed, tree = grown != tree, grown
            result["peak"] = max(result["peak"], sum(rss.get(p, 0) for p in tree) / 2**20)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()


def measured(label: str, run: Callable[[], object]) -> dict[str, object]:
    before = os.times()
    started = time.perf_counter()
    with tree_memory() as memory:
        value = run()
    after = os.times()
    cpu = sum(
        getattr(after, f) - getattr(before, f) for f in ("user", "system", "children_user", "children_system")
    )
    children = sum(getattr(after, f) - getattr(before, f) for f in ("children_user", "children_system"))
    row = {
        "step": label,
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s": round(cpu, 1),
        # this process's own share includes the memory sampler's walks over /proc (every 0.2 s)
        "cpu_children_s": round(children, 1),
        "tree_peak_MiB": round(memory["peak"]),
        "value": value,
    }
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def build(site: Path, out: Path, cache: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", str(site), "-o", str(out), "-v"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "300", "SITEGEN_CACHE_DIR": str(cache)},
        check=False,
    )
    if proc.returncode:
        sys.exit(proc.stderr)
    return proc.stderr.strip().splitlines()[-2].strip()  # the time per stage


def corpus(n: int) -> Path:
    """A private copy of the corpus (one article gets edited)."""
    site = OUT / f"search-corpus-{n}"
    if not site.is_dir():
        shared = CORPORA / f"c{n}"
        if shared.is_dir():
            shutil.copytree(shared, site)
        else:
            subprocess.run(
                [sys.executable, str(MAKE_CORPUS), str(site), "--articles", str(n)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    return site


def site_size(out: Path) -> tuple[int, int]:
    files = [p for p in out.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


QUERY_JS = """async ([bundles, query, filters]) => {
    const pf = await import(bundles[0] + 'pagefind.js');
    await pf.options({baseUrl: '/'});
    for (const other of bundles.slice(1)) await pf.mergeIndex(other, {baseUrl: '/'});
    const r = await pf.search(window.sitegenSearch.normalize(query), filters ? {filters} : {});
    const top = await Promise.all(r.results.slice(0, 10).map(x => x.data().then(d => d.url)));
    return {count: r.results.length, top, ids: r.results.map(x => x.id), scores: r.results.map(x => x.score)};
}"""


def from_scratch(out: Path, empty: Path, limit: int, regions: object) -> object:
    """sitegen's indexing with no shard kept from before (its store emptied first)."""
    store = shard_store(empty)
    if store is not None:
        shutil.rmtree(store, ignore_errors=True)
    return index_search(out, ARTICLE_GLOB, previous=empty, limit=limit, extra=regions)[1]  # type: ignore[arg-type]


def one_index(out: Path, files: list[Path], regions: dict[Path, str]) -> list[object]:
    """One Pagefind run over every article page with its normalized words, into out/pagefind-one."""
    folder = out.parent / "one-index-pages"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        _lay_out(out, Shard("one", tuple(files), ""), folder, regions)
        return list(run_pagefind(folder, out / "pagefind-one"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def closeness(one: dict[str, list[object]], many: dict[str, list[object]]) -> dict[str, object]:
    """Where the merged shards' top 5 stand in the one index's ranking, and the one index's own score of
    the merged top result relative to its best (1.0: an equally good page; generated text has many near
    ties, which per-shard word statistics reorder)."""
    position = {pid: i for i, pid in enumerate(one["ids"])}
    score = dict(zip(one["ids"], one["scores"], strict=True))
    top = [pid for pid in many["ids"][:5] if pid in position]
    best = float(one["scores"][0]) if one["scores"] else 0.0  # type: ignore[arg-type]
    return {
        "worst_rank_of_merged_top5": max((position[p] + 1 for p in top), default=0),
        "top1_score_ratio": round(float(score[top[0]]) / best, 3) if top and best else None,
    }  # type: ignore[arg-type]


def compare_queries(out: Path) -> list[dict[str, object]]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for query, filters in QUERIES:
                lang = "en" if query.isascii() else "ar"
                page = browser.new_page()
                page.goto(f"{base}/{'en/' if lang == 'en' else ''}search/")
                page.wait_for_function("() => window.sitegenSearch")
                sharded = ["/pagefind/"]  # the shards merged into one index (search/merge.py)
                one = page.evaluate(QUERY_JS, [["/pagefind-one/"], query, filters])
                many = page.evaluate(QUERY_JS, [sharded, query, filters])
                page.close()
                rows.append(
                    {
                        "query": query,
                        "filters": filters,
                        "count_one": one["count"],
                        "count_sharded": many["count"],
                        "same_top1": one["top"][:1] == many["top"][:1],
                        "top5_overlap": len(set(one["top"][:5]) & set(many["top"][:5])),
                        "top10_overlap": len(set(one["top"]) & set(many["top"])),
                        **closeness(one, many),
                    }
                )
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
            browser.close()
    finally:
        server.shutdown()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the built site in bench/out/")
    parser.add_argument(
        "--index-only",
        action="store_true",
        help="reuse the site a --keep run left; measure only the indexing rounds",
    )
    parser.add_argument(
        "--shard-pages",
        type=int,
        default=SHARD_PAGES,
        help="pages per shard for the indexing runs and the query comparison",
    )
    args = parser.parse_args()
    print("load average at start:", os.getloadavg(), flush=True)
    site = corpus(args.articles)
    out, cache = OUT / f"search-site-{args.articles}", OUT / f"search-cache-{args.articles}"
    if not (args.index_only and out.is_dir()):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        measured("first build (sharded search)", lambda: build(site, out, cache))
    size, count = site_size(out)
    print(json.dumps({"site_bytes": size, "files": count}), flush=True)
    empty = OUT / "no-previous-index"
    empty.mkdir(parents=True, exist_ok=True)
    os.environ["SITEGEN_CACHE_DIR"] = str(cache)  # the normalized words, as the build read them
    regions = search_regions(load_model(site, BuildOptions(search=True)))
    files = sorted(p.relative_to(out) for p in out.glob(ARTICLE_GLOB))
    for _ in range(args.rounds):  # interleaved: the machine's speed drifts
        shutil.rmtree(out / "pagefind-one", ignore_errors=True)
        measured(
            "Pagefind alone, one index (published pages)",
            lambda: run_pagefind(out, out / "pagefind-one", ARTICLE_GLOB),
        )
        shutil.rmtree(out / "pagefind-one", ignore_errors=True)
        measured("Pagefind alone, one index (with normalized words)", lambda: one_index(out, files, regions))
        shutil.rmtree(out / "pagefind", ignore_errors=True)
        measured(
            "sitegen shards from scratch, merged (with normalized words)",
            lambda: from_scratch(out, empty, args.shard_pages, regions),
        )
    measured(
        "no change: shards reused",
        lambda: index_search(out, ARTICLE_GLOB, limit=args.shard_pages, extra=regions)[1],
    )
    if args.index_only:
        print("load average at end:", os.getloadavg(), flush=True)
        return
    article = sorted((site / "content" / "articles").glob("*.ar.md"))[
        len(list((site / "content" / "articles").glob("*.ar.md"))) // 2
    ]
    original = article.read_text(encoding="utf-8")
    article.write_text(original + "\nفقرة أضيفت للقياس.\n", encoding="utf-8")
    try:
        # the pagefind-one folder is kept out of the rebuild's output by rebuilding into the same folder
        measured("rebuild after editing one article", lambda: build(site, out, cache))
    finally:
        article.write_text(original, encoding="utf-8")
    # the comparison: one index against the shards, both over the same pages and normalized words
    shutil.rmtree(out / "pagefind-one", ignore_errors=True)
    one_index(out, files, regions)
    from_scratch(out, empty, args.shard_pages, regions)
    rows = [r for r in compare_queries(out) if r["count_one"] or r["count_sharded"]]
    same = sum(1 for r in rows if r["same_top1"])
    print(
        f"query set: {len(rows)}/{len(QUERIES)} queries found something; same top result {same}/{len(rows)}; mean top-5 overlap "
        f"{sum(int(r['top5_overlap']) for r in rows) / len(rows):.2f}/5, top-10 "
        f"{sum(int(r['top10_overlap']) for r in rows) / len(rows):.2f}/10; same counts "
        f"{sum(1 for r in rows if r['count_one'] == r['count_sharded'])}/{len(rows)}; merged top 5 within the "
        f"one index's top {max(int(r['worst_rank_of_merged_top5']) for r in rows)}; one-index score of the "
        f"merged top result ≥ {min(float(r['top1_score_ratio'] or 0) for r in rows):.3f} of the best"
    )
    print(
        "largest process of this run (MiB):", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    )
    print("load average at end:", os.getloadavg(), flush=True)
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
