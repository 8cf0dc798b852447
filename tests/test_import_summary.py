"""A batch import writes a summary (CSV beside the output folder, a table or plain lines on the
terminal) saying per input what was found and what is missing; -q prints only failures."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from rich.console import Console

from sitegen.importer import summary
from tests.support import run_sitegen

FIX = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(FIX / "site", target)
    return target


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """Two inputs that state their date, one that states none, one that is not an article."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("dated.ar.txt", "crlf-bom.en.txt", "seed-shaped.ar.txt", "directory.cp1256.html"):
        shutil.copy(FIX / name, folder / name)
    return folder


def imp(site: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_sitegen("import", *args, cwd=site, timeout=120)


def summaries(site: Path) -> list[Path]:
    return sorted((site / "content").glob("import-summary-*.csv"))


def read_rows(path: Path) -> dict[str, dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads Arabic right only with it
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(summary.COLUMNS)
    return {Path(r["input"]).name: r for r in rows}


def test_batch_summary_lists_every_input(site: Path, batch: Path) -> None:
    result = imp(site, batch)
    assert result.returncode == 1  # two inputs failed
    [path] = summaries(site)
    rows = read_rows(path)
    assert set(rows) == {"dated.ar.txt", "crlf-bom.en.txt", "seed-shaped.ar.txt", "directory.cp1256.html"}
    dated = rows["dated.ar.txt"]
    assert dated["status"] == "ok" and dated["reason"] == ""
    assert dated["output"].startswith("content/articles/") and (site / dated["output"]).is_file()
    assert dated["title"] == "مدنيون يعودون إلى بيوتهم في ريف حلب الشمالي بعد أشهر من النزوح"
    assert (dated["date"], dated["author"], dated["source"], dated["related"]) == (
        "2020-12-21",
        "salma-haddad",
        "missing",
        "1",
    )
    assert "language: ar" in dated["warnings"]
    undated = rows["seed-shaped.ar.txt"]
    assert (undated["status"], undated["date"], undated["output"]) == ("failed", "missing", "")
    assert "no publication date" in undated["reason"]
    assert rows["directory.cp1256.html"]["status"] == "failed"
    assert "does not look like an article" in rows["directory.cp1256.html"]["reason"]
    # not a terminal: one plain tab-separated line per input after a header, and where the file is
    lines = result.stdout.splitlines()
    assert "\t".join(summary.COLUMNS) in lines
    cells = [line.split("\t") for line in lines if line.count("\t") == len(summary.COLUMNS) - 1]
    assert [c[1] for c in cells if c[0] == str(batch / "dated.ar.txt")] == ["ok"], lines
    assert f"summary: {path.relative_to(site)}" in lines


def test_a_second_batch_never_overwrites_the_first_summary(site: Path, batch: Path) -> None:
    imp(site, batch, "--date", "2020-12-21")
    first = summaries(site)
    before = first[0].read_bytes()
    assert imp(site, batch, "--date", "2020-12-21").returncode == 1
    second = summaries(site)
    assert len(second) == 2 and first[0].read_bytes() == before
    rows = read_rows(second[-1])
    assert (
        rows["dated.ar.txt"]["status"] == "skipped" and "already imported" in rows["dated.ar.txt"]["reason"]
    )
    assert rows["seed-shaped.ar.txt"]["status"] == "skipped"  # imported the first time with --date


def test_date_given_on_the_command_line_is_said(site: Path, batch: Path) -> None:
    imp(site, batch, "--date", "2020-12-21")
    row = read_rows(summaries(site)[0])["seed-shaped.ar.txt"]
    assert (row["status"], row["date"]) == ("ok", "2020-12-21")
    assert "none found in the input; --date 2020-12-21 used" in row["warnings"]


def test_summary_file_chosen_is_not_overwritten_without_force(site: Path, batch: Path) -> None:
    mine = site / "notes.csv"
    mine.write_text("my own notes\n", encoding="utf-8")
    result = imp(site, batch, "--summary", "notes.csv")
    assert result.returncode == 2
    assert "notes.csv: this file already exists" in result.stderr and "--force" in result.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    assert not (site / "content" / "articles").exists()  # refused before importing anything
    assert imp(site, batch, "--summary", "notes.csv", "--force").returncode == 1
    assert set(read_rows(mine)) >= {"dated.ar.txt"} and summaries(site) == []


def test_quiet_prints_only_failures(site: Path, batch: Path) -> None:
    result = imp(site, batch, "-q")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "failed" in result.stderr and "directory.cp1256.html" in result.stderr
    assert "dated.ar.txt" not in result.stderr
    assert len(summaries(site)) == 1


def test_all_ok_exits_0_and_dry_run_writes_no_summary(site: Path, batch: Path) -> None:
    (batch / "directory.cp1256.html").unlink()
    result = imp(site, batch, "--date", "2020-12-21", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert summaries(site) == [] and "\t".join(summary.COLUMNS) in result.stdout
    assert imp(site, batch, "--date", "2020-12-21").returncode == 0
    assert {r["status"] for r in read_rows(summaries(site)[0]).values()} == {"ok"}


def test_a_single_file_writes_no_summary(site: Path) -> None:
    assert imp(site, FIX / "dated.ar.txt").returncode == 0
    assert summaries(site) == []


def _row(**fields: str) -> summary.Row:
    base = dict.fromkeys(summary.COLUMNS, "")
    return summary.Row(**{**base, **fields})


def test_formulas_in_imported_text_stay_text_in_the_csv() -> None:
    text = summary.to_csv([_row(title='=HYPERLINK("http://evil.example","x")', author="@someone")])
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["title"].startswith("'=") and row["author"] == "'@someone"


def test_terminal_table_marks_what_to_check() -> None:
    console = Console(record=True, force_terminal=True, width=200, color_system=None)
    summary.show(
        [
            _row(
                status="ok",
                output="content/articles/a.ar.md",
                title="[red]عنوان[/red]",
                date="2020-01-02",
                author="x",
                source="y",
                related="0",
                warnings="a (b; c) | d",
            ),
            _row(status="failed", reason="no publication date found", input="b.txt", date="missing"),
        ],
        console,
    )
    text = console.export_text()
    assert "[red]عنوان[/red]" in text  # imported text is never rich markup
    assert "failed: no publication date found" in text and "b.txt" in text
    assert "a.ar.md" in text and "content/articles" not in text  # the folder is the same for all
    assert "1 of 2 to check" in text
    assert "│ 2 " in text  # two warnings, counted
