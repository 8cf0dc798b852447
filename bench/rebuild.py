#!/usr/bin/env python3
"""A rebuild after editing one article against the first build (issue 16: at most half its time).

Usage: flock /tmp/sitegen-bench.lock python bench/rebuild.py [--articles 10000] [--no-search]

The corpus (../shared/bench/make_corpus.py, cached in bench/out/) is copied to a scratch folder; a cold
build with search (empty parse cache), then one paragraph added to one Arabic article, then the same
build again into the same output, as a user's daily build does. Each build is `sitegen build -v` in a fresh
process, measured as bench/build.py measures (wall, CPU of the whole tree, PSS peak, stages). The scratch
folder is left in place (deleting 40k files slows the next run's file creation on this VM's ext4); give
--remove to delete it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import OUT, ROOT, corpus, measure  # the same corpus cache and the same measurement

EDITED = 4000  # which Arabic article (in name order) gets a new paragraph
PARAGRAPH = "\n\nفقرة جديدة أضيفت بعد البناء الأول.\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--no-search", action="store_true")
    parser.add_argument("--remove", action="store_true", help="remove the scratch folder afterwards")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sitegen-rebuild-", dir=OUT))
    site, out = root / "site", root / "public"
    shutil.copytree(corpus(args.articles), site)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "300", "SITEGEN_CACHE_DIR": str(root / "cache")}
    env["PYTHONPATH"] = str(ROOT)  # this checkout, as bench/build.py runs it
    cmd = [sys.executable, "-m", "sitegen", "build", str(site), "-o", str(out), "-v"]
    cmd += ["--no-search"] if args.no_search else []
    try:
        first = measure(cmd, env)
        articles = sorted((site / "content" / "articles").glob("*.ar.md"))
        edited = articles[min(EDITED, len(articles) - 1)]
        edited.write_text(edited.read_text(encoding="utf-8").rstrip("\n") + PARAGRAPH, encoding="utf-8")
        second = measure(cmd, env)
    finally:
        if args.remove:
            shutil.rmtree(root, ignore_errors=True)
    for name, run in (("first", first), ("rebuild", second)):
        print(name, json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in run.items()}))
    print(
        f"rebuild ÷ first: wall {second['wall'] / first['wall']:.2f}, cpu {second['cpu'] / first['cpu']:.2f}"
    )
    print(f"scratch folder: {root}" if not args.remove else "scratch folder removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
