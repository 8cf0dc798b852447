"""Live reload in a real browser (Debian's Chromium): edit on disk, see it without touching the browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import FIXTURES
from tests.test_serve_http import Served, start

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", site)
    s = start(site, tmp_path, "--watch")
    yield s
    if s.proc.poll() is None:
        s.stop()


def test_edit_break_and_fix_an_article_while_it_is_open(served: Served) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    f = served.site / "content" / "articles" / "withdrawal.en.md"
    good = f.read_text(encoding="utf-8")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            page.goto(f"http://{served.host}:{served.port}/en/articles/withdrawal/")
            title = page.locator("h1").first
            assert "Assad regime withdraws forces" in title.inner_text()
            page.wait_for_timeout(300)  # the event stream connects

            f.write_text(
                good.replace("title: Assad regime withdraws", "title: Edited live - regime withdraws"),
                encoding="utf-8",
            )
            sync_api.expect(title).to_contain_text("Edited live - regime withdraws", timeout=15000)

            f.write_text(good.replace("date: 2020-12-21", "date: [2020-12-21 <b>bold</b>"), encoding="utf-8")
            overlay = page.locator("#sitegen-overlay")
            sync_api.expect(overlay).to_be_visible(timeout=15000)
            assert "content/articles/withdrawal.en.md" in overlay.locator(".sitegen-where").first.inner_text()
            assert page.locator("#sitegen-overlay b").count() == 0  # the message is text, not HTML
            assert "Edited live" in page.locator("h1").first.inner_text()  # the last good page stays

            f.write_text(good, encoding="utf-8")
            sync_api.expect(overlay).to_have_count(0, timeout=15000)
            sync_api.expect(page.locator("h1").first).to_contain_text("Assad regime withdraws", timeout=15000)
        finally:
            browser.close()


BANNER = {
    "ar": ("تعذّر بناء الموقع من جديد", "إخفاء", "rtl"),
    "en": ("The site could not be rebuilt", "Hide", "ltr"),
}


@pytest.mark.parametrize("default", ["ar", "en"])
def test_the_error_banner_speaks_the_sites_default_language(tmp_path: Path, default: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", site)
    (site / "site.yaml").write_text(f"languages: [ar, en]\ndefault_language: {default}\n", encoding="utf-8")
    served = start(site, tmp_path, "--watch")
    f = site / "content" / "articles" / "trenches.ar.md"
    title, hide, direction = BANNER[default]
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(f"http://{served.host}:{served.port}/")
                page.wait_for_timeout(300)  # the event stream connects
                f.write_text(f.read_text(encoding="utf-8").replace("date: 2020-12-18", "date: [x"), "utf-8")
                overlay = page.locator("#sitegen-overlay")
                sync_api.expect(overlay).to_be_visible(timeout=15000)
                assert overlay.get_attribute("lang") == default
                assert overlay.get_attribute("dir") == direction
                assert overlay.locator("h2").inner_text() == title
                assert overlay.locator("button").inner_text() == hide
                path = overlay.locator(".sitegen-where bdi").first
                assert path.get_attribute("dir") == "ltr"
                assert path.inner_text().startswith("content/articles/trenches.ar.md:")
                assert overlay.locator(".sitegen-message").first.get_attribute("dir") == "auto"
            finally:
                browser.close()
    finally:
        served.stop()
