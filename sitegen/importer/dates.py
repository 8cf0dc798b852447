"""Dates as news pages write them: ISO, `17.03.2020`, `24 أغسطس 2020`, `8 فيفري 2019`,
`24 نيسان / أبريل 2020`, `January 14, 2015`, with Latin or Arabic-Indic digits.

A date is only ever read from the text; nothing here guesses one.
"""

from __future__ import annotations

import datetime as dt
import re

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})

# Egyptian/Gulf, Levantine (Syrian readers) and Maghrebi month names, plus English.
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "يناير جانفي|كانون الثاني|january jan",
        "فبراير فيفري شباط|february feb",
        "مارس اذار|march mar",
        "ابريل افريل نيسان|april apr",
        "مايو ماي ايار|may",
        "يونيو يونيه جوان حزيران|june jun",
        "يوليو يوليه جويليه تموز|july jul",
        "اغسطس اوت اب|august aug",
        "سبتمبر ايلول|september sep sept",
        "اكتوبر|تشرين الاول|october oct",
        "نوفمبر|تشرين الثاني|november nov",
        "ديسمبر|كانون الاول|december dec",
    ],
    start=1,
):
    for _group in _names.split("|"):
        # a group with a space is one two-word name (كانون الاول); otherwise names separated by spaces
        for _name in (
            [_group] if " " in _group and _group.split()[0] in ("كانون", "تشرين") else _group.split()
        ):
            _MONTHS[_name] = _number

_MONTH = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({_MONTH})(?:\s*[/(-]\s*(?:{_MONTH})\)?)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![\w])({_MONTH})(?:\s*/\s*(?:{_MONTH}))?\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_ISO = re.compile(r"(?<!\d)(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?!\d)")
# An HTTP `Date:` header as crawlers save it: the time of the copy, never the publication date.
HTTP_DATE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) \d\d:\d\d:\d\d GMT$"
)


def _make(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        found = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2100 else None


def normalise(text: str) -> str:
    """Latin digits, one alef, lowercase: the form the patterns above match."""
    return text.translate(_DIGITS).translate(_ALEF).lower()


def find_date(text: str) -> dt.date | None:
    """The first complete date written in `text` (day, month and year), or None."""
    text = normalise(text)
    found: list[tuple[int, dt.date]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        d = _make(m.group(3), _MONTHS[m.group(2)], m.group(1))
        if d:
            found.append((m.start(), d))
    for m in _MONTH_DAY_YEAR.finditer(text):
        d = _make(m.group(3), _MONTHS[m.group(1)], m.group(2))
        if d:
            found.append((m.start(), d))
    for m in _ISO.finditer(text):
        d = _make(m.group(1), m.group(2), m.group(3))
        if d:
            found.append((m.start(), d))
    for m in _DMY.finditer(text):  # Arab and European order: day first
        d = _make(m.group(3), m.group(2), m.group(1))
        if d:
            found.append((m.start(), d))
    return min(found, key=lambda pair: pair[0])[1] if found else None


def parse_iso_prefix(value: str) -> dt.date | None:
    """The date part of an ISO date-time as written (its local date, so a page published at
    01:59 +02:00 keeps its own day rather than the UTC one)."""
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value.translate(_DIGITS))
    return _make(m.group(1), m.group(2), m.group(3)) if m else None


def parse_http_date(line: str) -> dt.date | None:
    m = HTTP_DATE.match(line.strip())
    if not m:
        return None
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    month = m.group(2).lower()
    return _make(m.group(3), months.index(month) + 1, m.group(1)) if month in months else None
