"""What the extractors find in one input: plain data handed from stage to stage."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit


@dataclass(frozen=True)
class Related:
    """A "read also" line: its title, and the address when the page gave one."""

    title: str
    url: str = ""


@dataclass(frozen=True)
class Draft:
    title: str
    body: str  # Markdown, already made safe
    date: dt.date | None = None
    author: str = ""
    source_name: str = ""
    source_url: str = ""
    accessed: dt.date | None = None  # when the copy was made, if the input says so
    related: tuple[Related, ...] = ()
    notes: tuple[str, ...] = field(default=())  # told to the user (encoding, what was guessed)


# ---- helpers shared by both extractors -------------------------------------------------------------

# Arabic labels are specific enough to take a title straight after them; English words like
# "Related" start ordinary sentences too, so there a colon (or nothing else on the line) is required.
_RELATED_LABEL = re.compile(
    r"^\s*(?:[*>-]\s*)?\**\s*(?:(?:[اإأ]قرأ\s+[أا]يض[اً]+|اقرأ\s+المزيد|شاهد\s+[أا]يض[اً]+|مواضيع\s+ذات\s+صلة)"
    r"\s*\**\s*[:：-]?|(?:read\s+(?:also|more)|see\s+also|related(?:\s+(?:articles?|stories|posts))?)"
    r"\s*\**\s*(?:[:：]|\**\s*$))\s*\**\s*(.*)$",
    re.IGNORECASE,
)
_MD_LINK = re.compile(r"\[([^\]]+)\]\(\s*([^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"https?://\S+")


def related_line(line: str) -> tuple[bool, list[Related]]:
    """(is this a "read also" line, the references on it). A label alone says the next lines are links."""
    m = _RELATED_LABEL.match(line)
    if not m:
        return False, []
    rest = m.group(1).strip().strip("*").strip()
    return True, references_in(rest)


def references_in(text: str) -> list[Related]:
    links = [Related(_clean_title(t), u) for t, u in _MD_LINK.findall(text) if safe_url(u)]
    if links:
        return links
    url = _BARE_URL.search(text)
    title = _clean_title(_BARE_URL.sub("", text))
    if not title and not url:
        return []
    return [Related(title or (url.group(0) if url else ""), url.group(0).rstrip(".,،)") if url else "")]


def _clean_title(text: str) -> str:
    return " ".join(text.replace("\\", "").strip(" *-–—:|").split())


def safe_url(url: str, base: str = "") -> str:
    """`url` made absolute against `base`, or '' unless it is an http(s) or mailto address.
    `javascript:`, `data:` and the like never reach the Markdown."""
    url = url.strip().strip("<>")
    if base and not urlsplit(url).scheme and not url.startswith("#"):
        url = urljoin(base, url)
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https") and urlsplit(url).netloc:
        return url
    if scheme == "mailto":
        return url
    return ""
