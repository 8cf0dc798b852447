"""Showing a long build as it goes: a bar on a terminal, plain lines in a CI log, nothing with -q.

The build knows only the small `Progress` protocol: a stage line (`progress("indexing for search")`), and
for long steps `begin(label, total)`, `advance(n)`, `end()`. A plain `Callable[[str], None]` still works
as `progress` (stage lines only): `bar()` and `end()` here ask whether the object can do more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, Protocol, runtime_checkable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text


@runtime_checkable
class Progress(Protocol):
    def __call__(self, message: str) -> None: ...
    def begin(self, label: str, total: int | None) -> None: ...
    def advance(self, n: int) -> None: ...
    def end(self) -> None: ...


def bar(
    progress: Callable[[str], None] | None, label: str, total: int | None
) -> Callable[[int], None] | None:
    """Start a counted step on `progress` and return its `advance`, or None when it only prints lines."""
    if not isinstance(progress, Progress):
        return None
    progress.begin(label, total)
    return progress.advance


def end(progress: Callable[[str], None] | None) -> None:
    if isinstance(progress, Progress):
        progress.end()


class RateColumn(ProgressColumn):
    """Items a second (rich's own speed column shows only for uncounted tasks)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


class TerminalProgress:
    """A rich bar per step (done / total, rate, time left); stage lines above it."""

    def __init__(self, console: Console):
        self.console = console
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __call__(self, message: str) -> None:
        self.console.print(f"[dim]{message}…[/dim]")

    def begin(self, label: str, total: int | None) -> None:
        self.end()
        columns = [
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn() if total else TextColumn(""),
            RateColumn() if total else TextColumn(""),
            TimeRemainingColumn() if total else TimeElapsedColumn(),
        ]
        self._bar = RichProgress(*columns, console=self.console, transient=False)
        self._bar.start()
        self._task = self._bar.add_task(label, total=total)

    def advance(self, n: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, n)

    def end(self) -> None:
        if self._bar is not None and self._task is not None:
            task = self._bar.tasks[0]
            if task.total is None:  # an uncounted step (the search index) shows as done when it ends
                self._bar.update(self._task, total=1, completed=1)
            self._bar.stop()
        self._bar = self._task = None


class PlainProgress:
    """Lines a CI log can keep: the stage, then at most one line per `every` seconds, then the total."""

    def __init__(self, stream: IO[str], every: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.stream, self.every, self.clock = stream, every, clock
        self._label, self._done = "", 0
        self._total: int | None = None
        self._start = self._last = 0.0

    def __call__(self, message: str) -> None:
        self._line(f"{message}…")

    def begin(self, label: str, total: int | None) -> None:
        self._label, self._total, self._done = label, total, 0
        self._start = self._last = self.clock()

    def advance(self, n: int) -> None:
        self._done += n
        now = self.clock()
        if now - self._last >= self.every and self._total:
            self._last = now
            rate = self._done / max(now - self._start, 1e-9)
            left = (self._total - self._done) / rate if rate else 0.0
            self._line(
                f"  {self._label}: {self._done}/{self._total} ({100 * self._done // self._total}%), "
                f"{rate:.0f}/s, about {left:.0f} s left"
            )

    def end(self) -> None:
        if self._label:
            counted = f"{self._done} " if self._total else ""
            self._line(f"  {self._label}: {counted}done in {self.clock() - self._start:.1f} s")
        self._label = ""

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


def for_console(console: Console, quiet: bool) -> Progress | None:
    """Nothing with -q, a bar on a terminal, plain lines otherwise (CI logs, `> build.log`)."""
    if quiet:
        return None
    if console.is_terminal:
        return TerminalProgress(console)
    return PlainProgress(console.file)
