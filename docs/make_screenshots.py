"""Screenshots for the README, at phone and desktop width: an article in Arabic and English, the Arabic
article's citation block, the timeline index (Arabic, English) and an Arabic tag page with its chart.

    .venv/bin/python docs/make_screenshots.py            # builds the demo site, writes docs/screenshots/*.png

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; the PNGs are reduced to 256 colours
(text and flat colours survive that) so they stay small enough to commit."""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from sitegen.build import BuildOptions, build  # noqa: E402

OUT = REPO / "docs" / "screenshots"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def pick_article(public: Path) -> str:
    """The first article that has both languages and the most text (it shows the most features)."""
    both = [p.name for p in (public / "articles").iterdir() if (public / "en" / "articles" / p.name).is_dir()]
    return max(sorted(both), key=lambda s: (public / "articles" / s / "index.html").stat().st_size)


def pick_tag(public: Path) -> str:
    """The Arabic tag page with the most articles (its coverage chart has the most to show)."""
    pages = [p for p in (public / "tags").iterdir() if (p / "index.html").is_file()]
    return max(
        sorted(pages), key=lambda p: (p / "index.html").read_text(encoding="utf-8").count("<li><h2>")
    ).name


def main(slug: str | None = None) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        public = Path(tmp) / "public"
        build(REPO, public, BuildOptions(search=False))
        slug = slug or pick_article(public)
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(public))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            tag = pick_tag(public)
            # (file name, path, element to scroll to or None)
            shots = [
                ("article-ar", f"/articles/{slug}/", None),
                ("article-en", f"/en/articles/{slug}/", None),
                ("article-ar-cite", f"/articles/{slug}/", ".cite"),
                ("timeline-ar", "/timeline/", None),
                ("timeline-en", "/en/timeline/", None),
                ("tag-ar", f"/tags/{tag}/", None),
            ]
            for name, path, element in shots:
                for size, viewport in SIZES.items():
                    page = browser.new_page(viewport=viewport, device_scale_factor=1)
                    page.goto(origin + path, wait_until="networkidle")
                    if element:
                        page.locator(element).scroll_into_view_if_needed()
                    target = OUT / f"{name}-{size}.png"
                    page.screenshot(path=str(target))
                    page.close()
                    Image.open(target).convert("RGB").quantize(256).save(target, optimize=True)
                    written.append(target)
            browser.close()
        server.shutdown()
    return written


if __name__ == "__main__":
    for path in main(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"{path.relative_to(REPO)}  {path.stat().st_size // 1024} KB")
