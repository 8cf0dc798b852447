"""What `sitegen build` shows while it works and when it is done: a bar on a terminal, plain lines in a log,
nothing with -q; then a summary (articles per language, pages, size, warnings) and the base_url warning."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from sitegen import progress
from tests.support import FIXTURES, build


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_at_most_every_few_seconds_with_rate_and_time_left() -> None:
    out, clock = io.StringIO(), Clock()
    p = progress.PlainProgress(out, every=5.0, clock=clock)
    p("rendering 1000 pages")
    p.begin("pages", 1000)
    for _ in range(10):
        clock.now += 1.0
        p.advance(50)
    p.end()
    lines = out.getvalue().splitlines()
    assert lines[0] == "rendering 1000 pages…"
    assert lines[1:] == [
        "  pages: 250/1000 (25%), 50/s, about 15 s left",
        "  pages: 500/1000 (50%), 50/s, about 10 s left",
        "  pages: 500 done in 10.0 s",
    ]


def test_a_terminal_gets_a_bar_a_log_gets_lines_and_quiet_gets_nothing() -> None:
    tty = Console(file=io.StringIO(), force_terminal=True, width=100)
    log = Console(file=io.StringIO(), force_terminal=False)
    shown = progress.for_console(tty, quiet=False)
    assert isinstance(shown, progress.TerminalProgress)
    assert isinstance(progress.for_console(log, quiet=False), progress.PlainProgress)
    assert progress.for_console(tty, quiet=True) is None
    advance = progress.bar(shown, "pages", 5)
    assert advance is not None
    advance(5)
    progress.end(shown)
    assert "5/5" in tty.file.getvalue()  # type: ignore[attr-defined]
    # a plain callable (what the dev server passes) gets stage lines only
    assert progress.bar(print, "pages", 5) is None


def test_build_in_a_log_prints_lines_then_a_summary(tmp_path: Path) -> None:
    result = build(FIXTURES / "bilingual", tmp_path / "out")  # not a terminal: captured
    assert result.returncode == 0, result.stderr
    err = result.stderr
    assert "rendering" in err and "  pages: " in err and " done in " in err
    # the reading too: at 100k articles it is a minute
    assert err.index("reading 4 files…") < err.index("  files: 4 done in ") < err.index("rendering")
    summary = err.strip().splitlines()[-1]
    assert re.match(
        r"built 4 articles \(ar 2, en 2\), \d+ pages \([\d,.]+ [KM]?B in [\d,]+ files\) in ", summary
    ), summary
    assert err.count("base_url is not set") == 1  # once, not per page
    assert summary.endswith("(2 warnings)")  # the fixture's own warning, and base_url's


def test_quiet_prints_nothing_and_a_full_base_url_silences_the_warning(tmp_path: Path) -> None:
    quiet = build(FIXTURES / "bilingual", tmp_path / "q", "-q")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""
    full = build(FIXTURES / "bilingual", tmp_path / "f", "--base-url", "https://example.org/archive/")
    assert full.returncode == 0, full.stderr
    assert "base_url is not set" not in full.stderr


def test_verbose_shows_the_time_of_each_stage(tmp_path: Path) -> None:
    result = build(FIXTURES / "bilingual", tmp_path / "out", "-v")
    assert result.returncode == 0
    assert all(f"{stage} " in result.stderr for stage in ("read", "render", "lists"))
