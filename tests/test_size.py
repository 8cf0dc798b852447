"""The size of the built site: measured as GitHub Pages counts it, printed, and a warning near 1 GB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.size import GITHUB_PAGES_LIMIT, SiteSize, measure, size_warning
from tests.support import FIXTURES, build_site


def test_measure_counts_every_file_in_every_folder(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "x.html").write_bytes(b"12345")
    (tmp_path / "a" / "b" / "y.bib").write_bytes(b"123")
    assert measure(tmp_path) == SiteSize(8, 2)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (700_000_000, None),
        (850_000_000, "the built site (850 MB in 90,000 files) is at 85% of GitHub Pages' limit of 1 GB"),
        (
            1_200_000_000,
            "the built site (1,200 MB in 90,000 files) is larger than GitHub Pages' limit of 1 GB",
        ),
    ],
)
def test_warning_names_the_limit_near_and_past_it(size: int, expected: str | None) -> None:
    warning = size_warning(SiteSize(size, 90_000))
    assert (warning.message if warning else None) == expected
    if warning:
        assert warning.severity == "warning" and "docs/publishing.md" in warning.hint
    assert GITHUB_PAGES_LIMIT == 1_000_000_000


def test_build_prints_the_site_size(tmp_path: Path) -> None:
    out = tmp_path / "public"
    proc = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", str(FIXTURES / "search"), "-o", str(out), "--no-search"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )
    assert proc.returncode == 0, proc.stderr
    size = measure(out)
    assert f"({size.bytes / 1e3:,.0f} KB in {size.files:,} files)" in proc.stderr + proc.stdout
    assert "GitHub Pages" not in proc.stderr + proc.stdout


@pytest.mark.parametrize("search", [False, True], ids=["without search", "with search"])
def test_the_size_reported_is_the_output_walked(site_copy, tmp_path: Path, search: bool) -> None:
    """The build adds up what it wrote instead of walking its output again: static files that replace a
    page (an article's, robots.txt) or a theme asset count once, the search index is counted."""
    site = site_copy("search")
    for rel, text in {
        "robots.txt": "User-agent: *\n",
        "assets/style.css": "body { color: red }",
        "notes/a.txt": "ملاحظة",
    }.items():
        (site / "static" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "static" / rel).write_text(text, encoding="utf-8")
    article = next(p for p in build_site(site, tmp_path / "first").out.rglob("articles/*/index.html"))
    page = article.relative_to(tmp_path / "first")
    (site / "static" / page).parent.mkdir(parents=True)
    (site / "static" / page).write_text("<p>mine</p>", encoding="utf-8")
    built = build_site(site, tmp_path / "out", search=search)
    assert built.ok, built.problems
    assert built.report is not None
    assert (tmp_path / "out" / page).read_text(encoding="utf-8") == "<p>mine</p>"
    assert built.report.size == measure(tmp_path / "out")
    if search:  # the static page is not the article: not indexed (a bare fragment failed the indexer)
        entries = (tmp_path / "out/pagefind").glob("pagefind-entry.json")
        indexed = sum(
            lang["page_count"] for e in entries for lang in json.loads(e.read_text())["languages"].values()
        )
        assert indexed == len(list((tmp_path / "first").rglob("articles/*/index.html"))) - 1
