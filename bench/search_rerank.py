#!/usr/bin/env python3
"""Feasibility of issue 16's idea: re-score the merged shards' results with the archive's word statistics
instead of each shard's, in the browser, and compare with one Pagefind index over the same pages.

Usage (after `bench/search.py --keep` left the site with its `pagefind-one/` index):
    flock /tmp/sitegen-bench.lock python bench/search_rerank.py [--site bench/out/search-site-10000]

For every query of bench/search.py's QUERIES, in a fresh Chromium context each: the one index's top 10
(the reference: its order, not its scores), the merged shards as the search page runs them (Pagefind's
module, its web worker), and the re-scored merge. Prints same top result and top-5 overlap of both
against the one index, and the time of a search (cold: index chunks fetched; warm: the same query again).

How the re-scoring works (Pagefind 1.5.2, read from its playground output and checked result by result:
every shard score is rebuilt to 1e-5 before it is re-scored):
  page score = sum over the page's matching index words w of idf(t) * bm25_tf(w) * bonus(w)
               + sum over metadata fields f holding query words of weight(f) * mi * (mi / qi)^2
  idf(t) = ln((N - n + 0.5) / (n + 0.5) + 1), n: pages holding any word that query term t extends to;
  bm25_tf = 2.4 x / (1.4 (0.25 + 0.75 dl / apl) + x), x = weighted term frequency * length bonus;
  bonus(w) = 1.8 when the indexed form matches the query term as typed (diacritic_similarity 0.8), else 1;
  mi = sum of idf(t) of the field's matched words, qi = sum of idf(t) over the query terms.
A shard in playground mode returns, per result, dl/apl/N and per index word its weighted frequency,
length bonus, n and score, the meta fields' matches, and per query term its idf in that shard
(`query_term_idfs`; by Pagefind's source also when the shard has no result, not seen here: every shard
had results for every query). The archive's N is the sum of the shards' `page_count`
(pagefind-entry.json), n(t) the sum of the shards' n (inverted from their idf), apl the page-weighted
mean. What playground output lacks: which spelling variant earned the bonus (the word's own form is
not always the one that matched), so the bonus is found as the one subset of candidate words whose
sum gives the shard's score.

Playground mode is reachable only on Pagefind's internal classes: `pagefind.js` exports neither
`enterPlaygroundMode` nor the instances (its `createInstance` neither), and the worker's
`enterPlaygroundMode` reaches the primary index only. This script therefore loads the bundle's
`pagefind.js` as a blob module that also exports its `Pagefind` class, and searches on the main thread.
It is a measuring device, not a way to ship it.

Measured at 10k (4 Arabic, 2 English shards of ~2,500-3,000 pages; 2-core VM shared with other work):
same top result 11/32 merged → 32/32 re-scored, mean top-5 overlap 1.81 → 5.00, every shard score
rebuilt. The cost: a search takes longer by a median of 128 ms cold and 92 ms warm (×1.23, ×1.29), up
to +480 ms (a three-word query: 1.3 s → 1.8 s), on the main thread. The re-scoring itself is 17 ms
(median; at most 82); the rest is playground mode: per shard ~40 % more WASM time and ~2.7 times the
JSON (a word-level record for every match location of every result). A variant that would need no
per-word breakdown (one factor per shard and query: the sum of the archive's idf over the shard's; worked
out from the same playground data, not built) gave 27/32 and 4.75/5: its misses are near ties that the
shards' average page lengths decide, and two-word queries.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import CHROMIUM, OUT, QUERIES, QUERY_JS, _Quiet  # noqa: E402

# The search page's path: Pagefind's module (a web worker), the shards merged, filters loaded first as
# the Default UI does; then one search timed, its top 10 read, and the same search timed again.
STOCK_JS = """async ([bundles, query, filters]) => {
    const pf = await import(bundles[0] + 'pagefind.js');
    await pf.options({baseUrl: '/'});
    for (const other of bundles.slice(1)) await pf.mergeIndex(other, {baseUrl: '/'});
    await pf.filters();
    const term = window.sitegenSearch.normalize(query), opts = filters ? {filters} : {};
    const a = performance.now();
    const r = await pf.search(term, opts);
    const b = performance.now();
    const top = await Promise.all(r.results.slice(0, 10).map(x => x.data().then(d => d.url)));
    const c = performance.now();
    await pf.search(term, opts);
    return {count: r.results.length, top, cold: b - a, warm: performance.now() - c};
}"""

RESCORE_JS = """async ([bundles, query, filters]) => {
    const K1 = 1.4, B = 0.75, BONUS = 0.8;  // Pagefind 1.5.2's default ranking
    const f = Math.fround;  // Pagefind scores in 32-bit floats: near ties order alike
    if (window.rescoreKey !== bundles.join()) {
        const text = await (await fetch(bundles[0] + 'pagefind.js')).text();
        const blob = new Blob([text + '\\nexport {Pagefind as PagefindCore};'], {type: 'text/javascript'});
        const core = new (await import(URL.createObjectURL(blob))).PagefindCore({basePath: bundles[0], baseUrl: '/'});
        for (const other of bundles.slice(1)) await core.mergeIndex(other, {baseUrl: '/'});
        for (const instance of core.instances) await instance.enterPlaygroundMode();
        await core.filters();
        window.rescoreCore = core;
        window.rescoreKey = bundles.join();
    }
    const core = window.rescoreCore;
    const term = window.sitegenSearch.normalize(query);
    const started = performance.now();
    const shards = await Promise.all(core.instances.map(i => i.search(term, filters ? {filters} : {})));
    const searched = performance.now();

    // the archive's statistics from every shard's
    const stems = (shards.find(s => s.search_keywords) || {}).search_keywords || [];
    const typed = term.toLocaleLowerCase().replace(/[\\p{Pd}\\p{Pe}\\p{Pf}\\p{Pi}\\p{Po}\\p{Ps}]/gu, '')
        .replace(/\\s+/g, ' ').trim().split(' ');
    const idf = (N, n) => f(Math.log(f(f(f(N - n + 0.5) / f(n + 0.5)) + 1)));
    let N = 0, lengths = 0, lengthPages = 0;
    const n = stems.map(() => 0);
    shards.forEach((shard, i) => {
        const pages = core.instances[i].languages[core.instances[i].loadedLanguage].page_count;
        N += pages;
        (shard.query_term_idfs || []).forEach((q, t) => { n[t] += Math.max(0, Math.round((pages + 1) / Math.exp(q.idf) - 0.5)); });
        const first = shard.results.find(r => r.params);
        if (first) { lengths += first.params.average_page_length * pages; lengthPages += pages; }
    });
    const apl = lengthPages ? lengths / lengthPages : 1;
    const global = n.map(x => idf(N, x));
    const queryIdf = global.reduce((a, b) => a + b, 0);
    const termOf = w => {
        const t = stems.findIndex(s => w.startsWith(s));
        return t >= 0 ? t : stems.findIndex(s => s.startsWith(w));
    };
    const matches = (a, b) => a === b || a.startsWith(b) || b.startsWith(a);

    let unexplained = 0;
    const scored = [];
    for (const shard of shards) for (const r of shard.results) {
        if (!r.scores) { scored.push({r, score: r.score}); continue; }  // a quoted search: no breakdown
        const words = r.scores.map(s => {
            const t = termOf(s.search_term);
            const x = f(s.params.weighted_term_frequency * s.params.length_bonus);
            const tf = f(f((K1 + 1) * x) / f(K1 * f(1 - B + B * f(r.params.document_length / apl)) + x));
            return {local: s.score, global: f((t >= 0 ? global[t] : s.idf) * tf), bonus: 1,
                    maybe: t >= 0 && matches(typed[t] || '', s.search_term)};
        });
        const meta = (r.verbose_meta_scores || []).reduce((a, m) => a + m.coverage_boost, 0);
        const target = r.score - meta, plain = words.reduce((a, w) => a + w.local, 0);
        const maybe = words.filter(w => w.maybe);
        let found = -1;
        for (let mask = 0; maybe.length <= 10 && mask < (1 << maybe.length) && found < 0; mask++) {
            const sum = maybe.reduce((a, w, j) => a + (mask & (1 << j) ? BONUS * w.local : 0), plain);
            if (Math.abs(sum - target) <= 1e-5 * Math.max(target, 1e-6)) found = mask;
        }
        if (found >= 0) maybe.forEach((w, j) => { w.bonus = found & (1 << j) ? 1 + BONUS : 1; });
        else { unexplained++; words.forEach(w => { w.bonus = plain > 0 ? target / plain : 1; }); }
        let score = words.reduce((a, w) => a + w.global * w.bonus, 0);
        for (const m of r.verbose_meta_scores || []) {
            const mi = m.matched_terms.reduce((a, w) => a + (termOf(w) >= 0 ? global[termOf(w)] : 0), 0);
            if (queryIdf > 0) score += f(m.field_weight * mi * (mi / queryIdf) ** 2);
        }
        scored.push({r, score});
    }
    scored.sort((a, b) => b.score - a.score);
    const done = performance.now();
    const top = await Promise.all(scored.slice(0, 10).map(x => x.r.data().then(d => d.url)));
    return {count: scored.length, top, unexplained, search: searched - started, rescore: done - searched};
}"""


def overlap(one: list[str], other: list[str]) -> tuple[bool, int]:
    """Same top result, and how many of the one index's top 5 are in the other's top 5."""
    return one[:1] == other[:1], len(set(one[:5]) & set(other[:5]))


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    return (
        f"median {statistics.median(ordered):.0f} ms, p75 {ordered[3 * len(ordered) // 4]:.0f}, "
        f"max {ordered[-1]:.0f}"
    )


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=OUT / "search-site-10000")
    site = parser.parse_args().site
    if not (site / "pagefind-one").is_dir():
        sys.exit(f"{site}/pagefind-one is missing: run bench/search.py --keep first")
    listed = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows: list[dict[str, Any]] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])

            def run(script: str, args: list[object], lang: str, times: int = 1) -> list[dict[str, Any]]:
                context = browser.new_context()  # nothing cached from the other runs
                page = context.new_page()
                page.goto(f"{base}/{'en/' if lang == 'en' else ''}search/")
                page.wait_for_function("() => window.sitegenSearch")
                try:
                    return [page.evaluate(script, args) for _ in range(times)]
                finally:
                    context.close()

            for query, filters in QUERIES:
                lang = "en" if query.isascii() else "ar"
                shards = [f"/pagefind/{s['name']}/" for s in listed if lang in s["languages"]]
                (one,) = run(QUERY_JS, [["/pagefind-one/"], query, filters], lang)
                if not one["count"]:
                    continue
                (stock,) = run(STOCK_JS, [shards, query, filters], lang)
                cold, warm = run(RESCORE_JS, [shards, query, filters], lang, times=2)
                row = {
                    "query": query,
                    "filters": filters,
                    "counts": [one["count"], stock["count"], cold["count"]],
                    "merged": overlap(one["top"], stock["top"]),
                    "rescored": overlap(one["top"], cold["top"]),
                    "unexplained_scores": cold["unexplained"],
                    "stock_ms": [round(stock["cold"]), round(stock["warm"])],
                    "rescored_ms": [round(r["search"] + r["rescore"]) for r in (cold, warm)],
                    "rescore_js_ms": round(warm["rescore"]),
                }
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), flush=True)
            browser.close()
    finally:
        server.shutdown()
    for name in ("merged", "rescored"):
        same = sum(1 for r in rows if r[name][0])
        top5 = sum(r[name][1] for r in rows) / len(rows)
        print(f"{name}: same top result {same}/{len(rows)}, mean top-5 overlap {top5:.2f}/5")
    for i, when in enumerate(("cold", "warm")):
        baseline = [float(r["stock_ms"][i]) for r in rows]
        extra = [r["rescored_ms"][i] - b for r, b in zip(rows, baseline, strict=True)]
        ratio = statistics.median(r["rescored_ms"][i] / b for r, b in zip(rows, baseline, strict=True))
        print(
            f"{when}: merged search {spread(baseline)}; re-scored takes longer by {spread(extra)} "
            f"(median ×{ratio:.2f})"
        )


if __name__ == "__main__":
    main()
