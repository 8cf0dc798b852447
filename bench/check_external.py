#!/usr/bin/env python3
"""Time `sitegen check --external` on a site citing N URLs served locally: the first run (every URL
asked) and the second (answered from the link cache), each in a fresh process.

Usage: python bench/check_external.py [--urls 1000] [--hosts 20] [--latency 0.02]

The URLs are spread over HOSTS loopback addresses (127.0.0.1, 127.0.0.2, …: all of 127/8 is the
loopback interface on Linux), each a server of its own that waits LATENCY seconds before answering,
as a distant server would; 1 in 20 answers 404 and 1 in 20 redirects (spread over the hosts). Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve(host: str, latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            time.sleep(latency)
            n = int(self.path.strip("/").split("/")[-1] or 0)
            if self.path.startswith("/new/"):
                self.send_response(200)
            elif (n // 20) % 20 == 7:
                self.send_response(404)
            elif (n // 20) % 20 == 13:
                self.send_response(301)
                self.send_header("Location", f"/new/{n}")
            else:
                self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()
    servers = [serve(f"127.0.0.{i + 1}", args.latency) for i in range(args.hosts)]
    bases = [f"http://127.0.0.{i + 1}:{s.server_address[1]}" for i, s in enumerate(servers)]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        (site / "content/articles").mkdir(parents=True)
        (site / "site.yaml").write_text(
            "title: {ar: أرشيف, en: Archive}\nlanguages: [ar, en]\n", encoding="utf-8"
        )
        per_article = 5
        for a in range(args.urls // per_article):
            links = [
                f"{bases[(a * per_article + k) % args.hosts]}/p/{a * per_article + k}"
                for k in range(per_article)
            ]
            body = "\n\n".join(f"فقرة {k} [المصدر]({u})" for k, u in enumerate(links[1:]))
            (site / f"content/articles/a{a}.ar.md").write_text(
                f"---\ntitle: مقال {a}\ndate: 2020-01-02\nsource:\n  name: x\n  url: {links[0]}\n---\n{body}\n",
                encoding="utf-8",
            )
        env = {**os.environ, "SITEGEN_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONPATH": str(ROOT)}
        runs = [
            ("first run", ["--external"]),
            ("second run (cached)", ["--external"]),
            ("without --external", []),
        ]
        for label, extra in runs:
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "sitegen", "check", str(site), *extra, "--format", "json"],
                check=False,
                capture_output=True,
                text=True,
                env=env,
            )
            elapsed = time.perf_counter() - started
            data = json.loads(result.stdout)
            print(
                f"{label}: {elapsed:.2f} s, exit {result.returncode}, {data['external_urls']} URLs, "
                f"{data['errors']} errors, {data['warnings']} warnings"
            )
    for s in servers:
        s.shutdown()


if __name__ == "__main__":
    main()
