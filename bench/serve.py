#!/usr/bin/env python3
"""Benchmark `sitegen serve --watch`: time from a file write to the reloaded page's new content.

Usage: python bench/serve.py [--sizes 1000 10000] [--repeat 3]

For each corpus (../shared/bench/make_corpus.py, cached in bench/out/), starts the server, listens to
its live-reload event stream as the browser does, then for each edit writes the file, waits for the
`reload` event naming the page, fetches the page and checks the new text is in it. Edits:
  body      an article's Markdown body (the common case; target ≤ 200 ms)
  tag       a tag added to an article's front matter (lists, tag pages, timelines change)
  template  a site override of _article_extra.html (every article page changes)
The corpus is copied first: the cached one is never edited.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build import corpus  # noqa: E402  (the cached corpora of the build benchmark)
from sitegen.render import THEME_DIR  # noqa: E402


class Server:
    def __init__(self, site: Path):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "serve", str(site), "--watch", "--port", "0", "--no-search"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"http://([\d.]+):(\d+)/", line)
        if not match:
            raise SystemExit(
                f"the server did not start: {line} {self.proc.stderr.read() if self.proc.stderr else ''}"
            )
        self.startup = time.perf_counter() - started
        self.host, self.port = match.group(1), int(match.group(2))
        self.events: list[tuple[float, dict[str, object]]] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._listen, daemon=True).start()
        time.sleep(0.5)

    def _listen(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port)
        conn.request("GET", "/__sitegen/events")
        event = ""
        for raw in conn.getresponse():
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event in ("reload", "problem"):
                with self.cond:
                    self.events.append(
                        (
                            time.perf_counter(),
                            {"event": event, **json.loads(line[6:])}
                            if event == "reload"
                            else {"event": event},
                        )
                    )
                    self.cond.notify_all()

    def get(self, path: str) -> str:
        conn = http.client.HTTPConnection(self.host, self.port)
        conn.request("GET", path)
        return conn.getresponse().read().decode()

    def timed(
        self, write: Callable[[], None], url: str, expect: str, timeout: float = 600
    ) -> tuple[float, float]:
        """(ms to the reload event, ms to the new content fetched), from just before the write."""
        with self.cond:
            self.events.clear()
        t0 = time.perf_counter()
        write()
        deadline = t0 + timeout
        with self.cond:
            while True:
                hit = next(
                    (
                        t
                        for t, e in self.events
                        if e["event"] == "problem" or e.get("all") or url in e.get("urls", ())
                    ),
                    None,
                )  # type: ignore[operator]
                if hit is not None:
                    break
                if not self.cond.wait(deadline - time.perf_counter()):
                    raise SystemExit(f"no reload for {url} within {timeout} s")
        body = self.get(url)
        t2 = time.perf_counter()
        if expect not in body:
            raise SystemExit(f"reloaded {url} but {expect!r} is not in it")
        return (hit - t0) * 1000, (t2 - t0) * 1000

    def stop(self) -> None:
        # SIGTERM, which the server takes as Ctrl-C: a SIGINT would be ignored when this script runs in
        # the background (a shell starts background jobs with SIGINT ignored, and Python keeps that)
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def bench(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-serve-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(corpus(n), site)
        server = Server(site)
        print(f"{n} articles: server ready in {server.startup:.1f} s")
        article = sorted((site / "content" / "articles").rglob("*.en.md"))[0]
        slug = article.name.split(".")[0]
        url = f"/en/articles/{slug}/"
        results: dict[str, list[tuple[float, float]]] = {"body": [], "tag": [], "template": []}
        for i in range(repeat):
            marker = f"BENCH-BODY-{i}"
            text = article.read_text(encoding="utf-8")
            results["body"].append(
                server.timed(
                    lambda: article.write_text(text + f"\n{marker} paragraph.\n", encoding="utf-8"),
                    url,
                    marker,
                )
            )
            tag = f"bench-tag-{i}"
            text = article.read_text(encoding="utf-8")
            results["tag"].append(
                server.timed(
                    lambda: article.write_text(
                        text.replace("tags:\n", f"tags:\n  - {tag}\n", 1), encoding="utf-8"
                    ),
                    url,
                    f"/tags/{tag}/",
                )
            )
            override = site / "templates" / "_article_extra.html"
            source = (THEME_DIR / "templates" / "_article_extra.html").read_text(encoding="utf-8")

            def write_template(i: int = i) -> None:
                override.parent.mkdir(exist_ok=True)
                override.write_text(source + f"<p>BENCH-TEMPLATE-{i}</p>\n", encoding="utf-8")

            results["template"].append(server.timed(write_template, url, f"BENCH-TEMPLATE-{i}"))
        server.stop()
        for name, rows in results.items():
            event = statistics.median(r[0] for r in rows)
            page = statistics.median(r[1] for r in rows)
            print(
                f"  {name:9} reload event {event:8.0f} ms   page with new content {page:8.0f} ms"
                f"   (median of {len(rows)})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.sizes:
        bench(n, args.repeat)


if __name__ == "__main__":
    main()
