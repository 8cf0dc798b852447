"""The batch summary: one row per input — what was found, what is missing — as a CSV file beside the
output folder and as a table on the terminal, so a user who imported 500 pages knows which to check.

CSV rather than JSON: the reader is a researcher who sorts and filters it in a spreadsheet. It is
UTF-8 with a byte-order mark (without it Excel shows Arabic as mojibake), and a cell that a
spreadsheet would run as a formula starts with ' (imported titles are hostile text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

MISSING = "missing"
SEPARATOR = " | "  # as articles.csv separates list items; notes hold "; " themselves
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as sitegen/export.py guards articles.csv


@dataclass(frozen=True)
class Row:
    input: str
    status: str  # ok | skipped | failed
    reason: str  # why it was skipped or failed
    output: str
    title: str
    date: str  # YYYY-MM-DD or "missing"
    author: str  # or "missing"
    source: str  # the publication's name, else its URL, else "missing"
    related: str  # how many entries `related:` got ('' when nothing was written)
    warnings: str  # the importer's notes for this input, SEPARATOR between them

    @property
    def needs_check(self) -> bool:
        # not "has a warning": nearly every input has one ("language: guessed"); the CSV has them all
        return self.status != "ok" or MISSING in (self.date, self.author, self.source)


COLUMNS = tuple(f.name for f in fields(Row))


def row(
    label: str,
    status: str,
    path: Path | None,
    meta: dict[str, Any] | None,
    message: str,
    notes: tuple[str, ...],
    cwd: Path,
) -> Row:
    """The summary row of one input; `meta` is the front matter written (None when nothing was)."""
    meta = meta or {}
    source: dict[str, Any] = meta["source"] if isinstance(meta.get("source"), dict) else {}
    author = meta.get("author") or ""
    date = meta.get("date")
    ok = status in ("imported", "dry-run")
    return Row(
        input=_shown(Path(label), cwd) if "://" not in label else label,
        status="ok" if ok else status,
        reason="" if ok else message,
        output=_shown(path, cwd) if path else "",
        title=str(meta.get("title") or ""),
        date=date.isoformat()
        if isinstance(date, dt.date)
        else (MISSING if ok or "publication date" in message else ""),
        author=(", ".join(author) if isinstance(author, list) else str(author)) or (MISSING if ok else ""),
        source=str(source.get("name") or source.get("url") or "") or (MISSING if ok else ""),
        related=str(len(meta.get("related") or ())) if meta else "",
        warnings=SEPARATOR.join(notes),
    )


def _shown(path: Path, cwd: Path) -> str:
    path = path.absolute()
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([_cell(v) for v in astuple(r)] for r in rows)
    return "\ufeff" + buf.getvalue()


def write_csv(rows: list[Row], folder: Path, now: dt.datetime) -> Path:
    """`import-summary-<time>.csv` in `folder`: a new name per batch, so no file is ever overwritten
    (an earlier batch's summary, or a user's own file)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"import-summary-{now:%Y%m%d-%H%M%S}"
    data = to_csv(rows).encode("utf-8")
    for n in range(1, 1000):
        path = folder / (f"{stem}.csv" if n == 1 else f"{stem}-{n}.csv")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # fails if it exists
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return path
    raise FileExistsError(f"{folder / stem}.csv")


def show(rows: list[Row], console: Console) -> None:
    """A table on a terminal; one plain tab-separated line per input otherwise (for pipes and logs)."""
    if not console.is_terminal:
        # written past rich, which would turn the tabs into spaces
        lines = ["\t".join(COLUMNS)] + ["\t".join(" ".join(str(v).split()) for v in astuple(r)) for r in rows]
        console.file.write("\n".join(lines) + "\n")
        return
    table = Table(title="Import summary", show_lines=False)
    for name in ("status", "file", "title", "date", "author", "source", "related", "warnings"):
        table.add_column(name, overflow="fold", max_width=60 if name == "title" else None)
    style = {"ok": "", "skipped": "yellow", "failed": "red"}
    for r in rows:
        status = r.status if not r.reason else f"{r.status}: {r.reason}"
        warnings = str(len(r.warnings.split(SEPARATOR))) if r.warnings else ""  # the text is in the CSV
        cells = [
            status,
            Path(r.output or r.input).name,
            r.title,
            r.date,
            r.author,
            r.source,
            r.related,
            warnings,
        ]
        # rich markup is off for imported text: a title like "[red]" stays text
        table.add_row(*(Text(c) for c in cells), style=style.get(r.status, "") or None)
    console.print(table)
    check = sum(r.needs_check for r in rows)
    if check:
        console.print(
            f"{check} of {len(rows)} to check (failed, skipped, or a field missing)",
            markup=False,
            highlight=False,
        )
