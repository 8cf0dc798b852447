"""The search index as built (no browser): what Pagefind indexed, what readers download, and errors."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from sitegen.search import SENTINEL
from tests.support import FIXTURES, REPO, build_site


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("search-index") / "public"
    result = build_site(FIXTURES / "search", target, search=True)
    assert result.ok, result.text
    return target


def fragments(out: Path) -> dict[str, dict]:
    """Pagefind's per-page records (gzip, after a `pagefind_dcd` signature), keyed by URL."""
    pages = {}
    for path in (out / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{") :])
        pages[record["url"]] = record
    return pages


def test_one_index_per_language(out: Path) -> None:
    names = {p.name.split("_")[0] for p in (out / "pagefind").glob("pagefind.*.pf_meta")}
    assert names == {"pagefind.ar", "pagefind.en"}


def test_only_articles_are_indexed_with_body_title_and_summary(out: Path) -> None:
    pages = fragments(out)
    assert set(pages) == {
        "/articles/ain-issa/",
        "/articles/shelling/",
        "/articles/raqqa/",
        "/articles/hama/",
        "/en/articles/ain-issa/",
        "/en/articles/shelling/",
    }
    ain = pages["/articles/ain-issa/"]
    assert ain["meta"]["title"] == "نظام الأسد يسحب قواته من عين عيسى"  # as written
    # the summary is searched and shown as part of the content, after the title; not stored again as a
    # meta the results drop
    assert "عيسى. انسحاب قوات النظام من مواقع في المنطقة. واصل" in ain["content"]
    assert "summary" not in ain["meta"]
    assert ain["meta"]["date"] == "2020-12-21"
    # search results show the date as the article page does (CLDR, Arabic month), not the ISO one
    assert ain["meta"]["date_text"] == "21 كانون الأول 2020"
    # both come from the indexer's copy (search.dates_html): the published page only shows the date, and
    # the date's words are not searched as content
    published = (out / "articles/ain-issa/index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-meta="date' not in published and "data-date-text" not in published
    assert "كانون الأول 2020" not in ain["content"]
    assert "إسرائيل" in ain["content"]
    for outside in ("الرئيسية", "الوسوم", "طيف بوست", "رامي فاخوري", "غارات"):  # nav, filters, related
        assert outside not in ain["content"], outside


def test_filters_are_named_in_the_page_language(out: Path) -> None:
    pages = fragments(out)
    assert pages["/articles/shelling/"]["filters"] == {
        "الوسم": ["القصف"],
        "الكاتب": ["رامي فاخوري"],
        "المصدر": ["عنب بلدي"],
        "السنة": ["2021"],
    }
    assert pages["/en/articles/shelling/"]["filters"] == {
        "Tag": ["Shelling"],
        "Author": ["Rami Fakhori"],
        "Source": ["Enab Baladi"],
        "Year": ["2021"],
    }


def test_normalized_words_are_indexed_but_never_shown(out: Path) -> None:
    shelling = fragments(out)["/articles/shelling/"]["content"]
    written, extra = shelling.split(SENTINEL)
    assert "القـ.ـصف" in written and "القصف" not in written
    assert "القصف" in extra.split() and "الاسد" in extra.split()
    # the indexer read them beside the page; no published page carries them (readers never download them)
    body = lxml.html.fromstring((out / "articles/shelling/index.html").read_bytes())
    assert "القـ.ـصف" in body.xpath('//div[@class="article-body"]')[0].text_content()
    pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
    assert pages and not any(SENTINEL in p.read_text(encoding="utf-8") for p in pages)


def test_english_pages_get_no_extra_words(out: Path) -> None:
    assert SENTINEL not in fragments(out)["/en/articles/ain-issa/"]["content"]


def test_search_page_loads_only_local_assets(out: Path) -> None:
    page = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'src="/assets/search.js"' in page and 'href="/assets/search.css"' in page
    assert (out / "assets" / "search.js").is_file() and (out / "pagefind" / "pagefind-ui.js").is_file()


def test_no_search_build_has_no_index_and_says_so(tmp_path: Path) -> None:
    result = build_site(FIXTURES / "search", tmp_path / "public")
    assert result.ok, result.text
    assert not (tmp_path / "public" / "pagefind").exists()
    page = (tmp_path / "public" / "search" / "index.html").read_text(encoding="utf-8")
    assert "البحث غير متاح" in page and "pagefind-ui.js" not in page


def fake_pagefind(tmp_path: Path, main: str | None) -> dict[str, str]:
    """An environment where `python -m pagefind` is a stand-in: broken, or (main=None) not runnable."""
    package = tmp_path / "fake" / "pagefind"
    package.mkdir(parents=True)
    if main is None:  # what Python says when the package is missing
        (package / "__init__.py").write_text("raise ModuleNotFoundError('No module named pagefind')\n")
    else:
        (package / "__init__.py").write_text("")
        (package / "__main__.py").write_text(main, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": f"{tmp_path / 'fake'}{os.pathsep}{REPO}", "NO_COLOR": "1"}


@pytest.mark.parametrize(
    ("main", "message"),
    [
        (
            "import sys; sys.exit('Error: Pagefind ran out of memory')",
            ("the search indexer (Pagefind) failed: Error: Pagefind ran out of memory"),
        ),
        (None, "the search indexer (Pagefind) is not installed"),
    ],
)
def test_failing_pagefind_is_a_plain_error(tmp_path: Path, main: str | None, message: str) -> None:
    out = tmp_path / "public"
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", str(FIXTURES / "search"), "-o", str(out)],
        capture_output=True,
        text=True,
        env=fake_pagefind(tmp_path, main),
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 1
    assert message in proc.stderr, proc.stderr
    assert "--no-search" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()  # nothing half-built was published
    assert not list(tmp_path.glob(".search-*")) and not list(tmp_path.glob(".pagefind-*"))


def test_the_cli_merges_a_language_in_a_worker_and_builds_once(tmp_path: Path) -> None:
    """`python -m sitegen build`: the Arabic index is merged in a spawned worker while Pagefind indexes
    the English pages. The worker must not run the command line again (a package's `__main__` is not
    re-run in a spawned process): one build line, a complete index."""
    out = tmp_path / "public"
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", str(FIXTURES / "search"), "-o", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "SITEGEN_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"},
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout + proc.stderr).count("built ") == 1
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == {"ar": 4, "en": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "public"]
