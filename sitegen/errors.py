"""Errors are data: collected by every stage, then shown once, in the user's words."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class SiteError:
    """One problem in the user's site: where it is, what is wrong, how to fix it."""

    path: Path | None
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = "error"

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return "site"
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                pass
        return f"{shown}:{self.line}" if self.line else str(shown)

    def format(self, root: Path | None = None) -> str:
        text = f"{self.location(root)}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class SiteErrors(Exception):
    """Raised by a stage with every problem it found (never just the first)."""

    def __init__(self, errors: Iterable[SiteError]):
        self.errors = sorted(errors, key=_sort_key)
        super().__init__(f"{len(self.errors)} problem(s) in the site")


class InternalError(Exception):
    """A bug in sitegen itself, not a mistake in the site: shown with a "please report" message, and with
    the traceback (`trace`, formatted where it happened, possibly in a worker process) under --debug."""

    def __init__(self, message: str, trace: str = ""):
        super().__init__(message, trace)  # both in args: the exception crosses process boundaries
        self.message, self.trace = message, trace

    def __str__(self) -> str:
        return self.message


class BuildInterrupted(Exception):
    """Neither a mistake in the site nor a bug in sitegen: something outside the build took away what it was
    using (a cache folder cleared while it ran). Shown as a plain error saying what to do, with the
    traceback (`trace`, formatted where it happened, possibly in a worker process) only under --debug."""

    def __init__(self, message: str, hint: str = "run the same command again", trace: str = ""):
        super().__init__(message, hint, trace)  # all in args: the exception crosses process boundaries
        self.message, self.hint, self.trace = message, hint, trace

    def __str__(self) -> str:
        return self.message


def _sort_key(e: SiteError) -> tuple[str, int]:
    return (str(e.path or ""), e.line or 0)


@dataclass
class Problems:
    """A collector that stages append to; `raise_if_errors` ends the stage when needed."""

    items: list[SiteError] = field(default_factory=list)
    # kept as items are added: validation asks it once per article (counting would be pages x problems)
    error_count: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.error_count = sum(1 for e in self.items if e.severity == "error")

    def error(self, path: Path | None, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(SiteError(path, line, message, hint, "error"))
        self.error_count += 1

    def warning(self, path: Path | None, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(SiteError(path, line, message, hint, "warning"))

    def extend(self, other: Iterable[SiteError]) -> None:
        added = list(other)
        self.items.extend(added)
        self.error_count += sum(1 for e in added if e.severity == "error")

    @property
    def warnings(self) -> list[SiteError]:
        return [e for e in self.items if e.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.error_count:
            raise SiteErrors(self.items)


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str:
    """A 'did you mean …?' hint naming the closest choices, or '' when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    if not close:
        return ""
    return "did you mean " + ", ".join(f"'{c}'" for c in close) + "?"


class TemplateMisuse(Exception):
    """A site's template asked for something sitegen no longer offers: reported as an error of that
    template (file and line), not as sitegen's own bug, and never rendered as empty text."""
