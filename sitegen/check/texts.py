"""The Markdown body of a content file as written, with the line it starts on (the model keeps only HTML)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.read import closing_fence, opens_front_matter


@dataclass(frozen=True)
class RawFile:
    text: str  # the whole file, line endings made "\n"
    fm_end: int  # 0-based index of the closing '---' line
    body: str
    body_line: int  # 1-based line of the body's first line


def read_raw(path: Path) -> RawFile | None:
    """None when the file cannot be read again (it was read and validated a moment ago: a race, not a mistake)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or not opens_front_matter(lines[0]):
        return None
    close = closing_fence(lines)
    if close is None:
        return None
    return RawFile(text, close, "\n".join(lines[close + 1 :]), close + 2)


def line_of(raw: RawFile, needle: str) -> int | None:
    """The 1-based line where `needle` first appears in the file, if it does."""
    at = raw.text.find(needle)
    return None if at < 0 else raw.text.count("\n", 0, at) + 1
