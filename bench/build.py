#!/usr/bin/env python3
"""Benchmark clean builds on generated corpora: pages/s, ms/page, peak memory, time per stage.

Usage: python bench/build.py [--sizes 1000 10000] [--search] [--repeat N] [--keep]

Each size is built twice from an empty output folder: "cold", with an empty parse cache (the first
build on a machine, or CI), then "warm", with the cache the cold build left (every later build).

Outputs are deleted only at the end: on ext4 without a journal (this project's VM), creating files in
the minutes after tens of thousands were deleted costs many times the system time (the inode allocator
skips recently deleted inodes one by one), which would measure the last run's clean-up, not sitegen.

Corpora come from ../shared/bench/make_corpus.py (deterministic) and are cached in bench/out/.
Each build runs `sitegen build CORPUS -o OUT -v` in a fresh process; peak RSS is the largest
process of the build (the main process or one of its workers), from wait4().
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"
OUT = ROOT / "bench" / "out"


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


def run_build(site: Path, out: Path, search: bool, cache: Path) -> dict[str, float | str]:
    cmd = [sys.executable, "-m", "sitegen", "build", str(site), "-o", str(out), "-v"]
    if not search:
        cmd.append("--no-search")
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "300", "SITEGEN_CACHE_DIR": str(cache)},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"build failed:\n{stderr}")
    stages = dict(re.findall(r"(\w+) ([0-9.]+)s", stderr.split("built")[0]))
    pages = int(re.search(r"(\d+) pages", stderr).group(1))  # type: ignore[union-attr]
    # wait4 reports the largest descendant it reaped (workers are reaped by the build process)
    peak_self = usage.ru_maxrss / 1024
    # CPU of the build and its workers: on this machine's disk, creating files costs more system time
    # than rendering them costs user time, so both are shown
    cpu = {"user": usage.ru_utime, "sys": usage.ru_stime}
    return {
        "wall": wall,
        "pages": pages,
        "peak_mib": peak_self,
        **cpu,
        **{k: float(v) for k, v in stages.items()},
    }


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
        "--out-root",
        type=Path,
        default=Path(tempfile.gettempdir()),
        help="where the builds are written (default: the system's temporary folder)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    args.out_root.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="sitegen-bench-", dir=args.out_root))
    rows = []
    for n in args.sizes:
        site = corpus(n)
        cache = root / f"cache-{n}"
        for kind in ("cold", "warm"):
            runs = []
            for i in range(args.repeat):
                if kind == "cold":
                    shutil.rmtree(cache, ignore_errors=True)
                runs.append(run_build(site, root / f"public-{n}-{kind}-{i}", args.search, cache))
            r = min(runs, key=lambda x: x["wall"])
            rows.append((n, kind, r))
            stages = "  ".join(
                f"{k} {v:.2f}s" for k, v in r.items() if k not in ("wall", "pages", "peak_mib", "user", "sys")
            )
            spread = (
                f" (best of {len(runs)}; slowest {max(x['wall'] for x in runs):.2f} s)"
                if len(runs) > 1
                else ""
            )
            print(
                f"{n:>6} articles {kind}  {r['pages']:>6} pages  {r['wall']:6.2f} s{spread}  "
                f"{r['pages'] / r['wall']:7.0f} pages/s  {r['wall'] * 1000 / r['pages']:5.2f} ms/page  "
                f"peak {r['peak_mib']:.0f} MiB  cpu user {r['user']:.1f}s sys {r['sys']:.1f}s\n        {stages}",
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
