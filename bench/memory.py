#!/usr/bin/env python3
"""Where a build's memory peaks: the PSS of the whole process tree (build, render workers, Pagefind),
sampled every half second through one cold build, and its maximum within each stage.

Usage: flock /tmp/sitegen-bench.lock python bench/memory.py SITE [--out DIR] [--no-search]

The build is `sitegen build SITE -o DIR -v` in a fresh process with an empty parse cache (a temporary
SITEGEN_CACHE_DIR, removed afterwards); the stages are read from its `-v` line (counted from the
build's start, so ~0.5 s of interpreter start shifts them; a stage shorter than the sampling shows 0).
At 100k articles (`../shared/bench/make_corpus.py`) a run takes 10-15 minutes; deleting its ~400k output files takes
minutes more and slows the next run's file creation on ext4 (see docs/performance.md), so the output is
left in place unless --remove is given.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import _tree_pss  # the same sampler as bench/build.py


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "sitegen-memory-out")
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--remove", action="store_true", help="remove the output afterwards")
    args = parser.parse_args()
    if (args.out / "pagefind").is_dir() and not args.no_search:
        # the build copies the unchanged shards of the index it replaces: the search stage is not a cold one
        print(
            f"note: {args.out} holds an earlier build's search index, which this build reuses",
            file=sys.stderr,
        )
    cache = tempfile.mkdtemp(prefix="sitegen-memory-cache-")
    env = {**os.environ, "SITEGEN_CACHE_DIR": cache}
    cmd = [sys.executable, "-m", "sitegen", "build", str(args.site), "-o", str(args.out), "-v"]
    cmd += ["--no-search"] if args.no_search else []
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    series: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            series.append((time.perf_counter() - started, _tree_pss(proc.pid) // 1024))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.communicate()[1]
    done.set()
    sampler.join()
    shutil.rmtree(cache, ignore_errors=True)
    if proc.returncode != 0:
        print(err, file=sys.stderr)
        return proc.returncode
    line = next((x for x in err.splitlines() if x.strip().startswith("config ")), "")
    end, bounds = 0.0, []
    for stage, seconds in re.findall(r"(\w+) ([0-9.]+)s", line):
        end += float(seconds)
        bounds.append((stage, end))
    wall = time.perf_counter() - started
    peak_at, peak = max(series, key=lambda s: s[1], default=(0.0, 0))
    print(f"wall {wall:.1f} s, peak {peak} MiB at {peak_at:.0f} s")
    start = 0.0
    for stage, stop in [*bounds, ("end", wall)]:
        inside = [mib for t, mib in series if start <= t < stop]
        print(f"  {stage:10} {start:7.1f}-{stop:7.1f} s  max {max(inside, default=0):6d} MiB")
        start = stop
    if args.remove:
        shutil.rmtree(args.out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
