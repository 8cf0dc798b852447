"""Showing problems to the user: one line each, file:line first, then how to fix it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.markup import escape

from sitegen.errors import SiteError


def error_console() -> Console:
    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def print_problems(problems: Sequence[SiteError], root: Path | None, console: Console | None = None) -> None:
    console = console or error_console()
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        where = escape(problem.location(root))
        console.print(
            f"[bold]{where}[/bold]: [{colour}]{problem.severity}[/{colour}]: {escape(problem.message)}"
        )
        if problem.hint:
            console.print(f"    hint: {escape(problem.hint)}")


def count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
