"""Links between articles as a reader meets them: `[[slug#section]]` to a fallback keeps its fragment."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitegen.build import BuildOptions, build
from tests.support import FIXTURES, html

ARTICLES = Path("content/articles")


def test_a_wikilink_with_a_fragment_to_a_fallback_keeps_both(tmp_path: Path) -> None:
    """On an English page, a link to an article that exists only in Arabic goes to the Arabic page, marked
    with hreflang, and still to the section it names."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", site)
    (site / ARTICLES / "old-report.en.md").write_text(
        "---\ntitle: An English-only report\ndate: 2019-03-02\n---\n"
        "See [[trenches#the-second-line]], [[trenches]] and [[withdrawal#convoy]].\n",
        encoding="utf-8",
    )
    build(site, tmp_path / "out", BuildOptions(search=False))
    page = html(tmp_path / "out" / "en" / "articles" / "old-report" / "index.html")
    links = {
        a.get("href"): a.get("hreflang")
        for a in page.iter("a")
        if "/articles/" in (a.get("href") or "") and a.getparent() is not None and a.xpath("ancestor::main")
    }
    assert links.get("/articles/trenches/#the-second-line") == "ar", links
    assert links.get("/articles/trenches/") == "ar", links
    assert links.get("/en/articles/withdrawal/#convoy") is None and "/en/articles/withdrawal/#convoy" in links
    assert not any("#" in (lang or "") for lang in links.values())
