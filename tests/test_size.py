"""The size of the built site: measured as GitHub Pages counts it, printed, and a warning near 1 GB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.size import GITHUB_PAGES_LIMIT, SiteSize, measure, size_warning
from tests.support import FIXTURES


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
