"""Showing problems to the user: one line each, file:line first, then how to fix it."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from sitegen.errors import BuildInterrupted, InternalError, SiteError

PLEASE_REPORT = "This is a bug in sitegen. Run the same command with --debug and report the output."


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


def internal_error(exc: BaseException, debug: bool) -> str:
    """The text shown for an exception in sitegen's own code: never blamed on the user's site."""
    what = str(exc) if isinstance(exc, InternalError) else f"{type(exc).__name__}: {exc}"
    text = f"sitegen: internal error: {what}\n    {PLEASE_REPORT}"
    if debug:
        trace = (
            exc.trace
            if isinstance(exc, InternalError) and exc.trace
            else "".join(traceback.format_exception(exc))
        )
        text = trace.rstrip() + "\n" + text
    return text


def interrupted(exc: BuildInterrupted, debug: bool) -> str:
    """The text shown when something outside took away what the build was using: what to do, no traceback
    unless asked (it is no bug to report)."""
    text = f"sitegen: error: {exc.message}\n    hint: {exc.hint}"
    if debug:
        text = (exc.trace or "".join(traceback.format_exception(exc))).rstrip() + "\n" + text
    return text
