"""Showing what `check` found: grouped by kind of problem, each with file:line; a rich table on a terminal,
plain lines otherwise (CI logs, pipes), JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sitegen.check.findings import GROUPS, Finding
from sitegen.errors import SiteError
from sitegen.report import count

NOTES_SHOWN = 10  # notes (e.g. untranslated articles) can be thousands: the terminal shows a few per group


@dataclass(frozen=True)
class Totals:
    errors: int
    warnings: int
    notes: int


def apply_strict(findings: Sequence[Finding], strict: bool) -> list[Finding]:
    """With --strict, warnings are errors (notes stay notes: they list work to do, not mistakes)."""
    if not strict:
        return list(findings)
    return [
        Finding(
            f.group,
            SiteError(f.problem.path, f.problem.line, f.problem.message, f.problem.hint, "error"),
            f.note,
        )
        if f.problem.severity == "warning" and not f.note
        else f
        for f in findings
    ]


def totals(findings: Sequence[Finding]) -> Totals:
    notes = sum(1 for f in findings if f.note)
    errors = sum(1 for f in findings if not f.note and f.problem.severity == "error")
    return Totals(errors, len(findings) - notes - errors, notes)


def _level(f: Finding) -> str:
    return "note" if f.note else f.problem.severity


def grouped(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """Groups in a fixed order; in each, errors, then warnings, then notes, each by file and line."""
    rank = {"error": 0, "warning": 1, "note": 2}
    out = []
    for group, title in GROUPS.items():
        items = [f for f in findings if f.group == group]
        if items:
            items.sort(key=lambda f: (rank[_level(f)], str(f.problem.path or ""), f.problem.line or 0))
            out.append((title, items))
    return out


def print_text(findings: Sequence[Finding], root: Path, console: Console, all_notes: bool = False) -> None:
    """Plain lines: `file:line: error: what` and an indented hint, under a heading per group."""
    for title, items in grouped(findings):
        console.print(f"\n[bold]{escape(title)}[/bold] ({len(items)})")
        for f in _shown(items, all_notes):
            level = _level(f)
            colour = {"error": "red", "warning": "yellow", "note": "cyan"}[level]
            console.print(
                f"{escape(f.problem.location(root))}: [{colour}]{level}[/{colour}]: "
                f"{escape(f.problem.message)}"
            )
            if f.problem.hint:
                console.print(f"    hint: {escape(f.problem.hint)}")
        _more(items, all_notes, console)


def print_table(findings: Sequence[Finding], root: Path, console: Console, all_notes: bool = False) -> None:
    for title, items in grouped(findings):
        table = Table(title=f"{title} ({len(items)})", title_justify="left", show_lines=False, expand=True)
        table.add_column("Where", no_wrap=True, overflow="fold")
        table.add_column("", no_wrap=True)
        table.add_column("Problem and how to fix it", ratio=1)
        for f in _shown(items, all_notes):
            level = _level(f)
            colour = {"error": "red", "warning": "yellow", "note": "cyan"}[level]
            text = escape(f.problem.message) + (
                f"\n[dim]{escape(f.problem.hint)}[/dim]" if f.problem.hint else ""
            )
            table.add_row(escape(f.problem.location(root)), f"[{colour}]{level}[/{colour}]", text)
        console.print(table)
        _more(items, all_notes, console)


def _shown(items: list[Finding], all_notes: bool) -> list[Finding]:
    if all_notes:
        return items
    notes = [f for f in items if f.note]
    return [f for f in items if not f.note] + notes[:NOTES_SHOWN]


def _more(items: list[Finding], all_notes: bool, console: Console) -> None:
    hidden = sum(1 for f in items if f.note) - NOTES_SHOWN
    if not all_notes and hidden > 0:
        console.print(
            f"  … and {count(hidden, 'more note')} (--all-notes shows them; --format json lists them)"
        )


def to_json(findings: Sequence[Finding], root: Path, summary: dict[str, Any]) -> str:
    problems = []
    for _title, items in grouped(findings):
        for f in items:
            path = f.problem.path
            shown = None
            if path is not None:
                try:
                    shown = path.relative_to(root).as_posix()
                except ValueError:
                    shown = str(path)
            problems.append(
                {
                    "group": f.group,
                    "severity": _level(f),
                    "file": shown,
                    "line": f.problem.line,
                    "message": f.problem.message,
                    "hint": f.problem.hint,
                }
            )
    t = totals(findings)
    return (
        json.dumps(
            {**summary, "errors": t.errors, "warnings": t.warnings, "notes": t.notes, "problems": problems},
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )
