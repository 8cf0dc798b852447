"""Dates as news pages write them: ISO, `17.03.2020`, `الإثنين، 24 أغسطس 2020 09:23 ص`, `8 فيفري 2019`,
`24 نيسان / أبريل 2020`, `١٥/١٢/٢٠٢٠`, `January 14, 2015`, `18 Jan 2020 18:29`.

Arabic has four month-name systems (Egyptian/Gulf from the Latin names, Levantine from the Syriac ones,
Maghrebi from French/Spanish, Algerian/Tunisian from French); pages often pair two (`آب/اغسطس`). CLDR
(Babel) only knows the first, so they are a table here. A date is only ever read from the text; nothing
here guesses one. Hijri dates are recognised only to tell the user one was seen: they are not converted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from sitegen.arabic import normalize

# Month names after `normalize` (hamza-less alef, ي for ى, ه for ة), lowercased.
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("يناير", "جانفي", "كانون الثاني", "كانون ثاني", "january", "jan"),
    2: ("فبراير", "فيفري", "شباط", "february", "feb"),
    3: ("مارس", "اذار", "march", "mar"),
    4: ("ابريل", "افريل", "نيسان", "april", "apr"),
    5: ("مايو", "ماي", "ايار", "may"),
    6: ("يونيو", "يونيه", "جوان", "حزيران", "june", "jun"),
    7: ("يوليو", "يوليه", "يوليوز", "جويليه", "تموز", "july", "jul"),
    8: ("اغسطس", "اغشت", "غشت", "اوت", "اب", "august", "aug"),
    9: ("سبتمبر", "شتنبر", "ايلول", "september", "sept", "sep"),
    10: ("اكتوبر", "تشرين الاول", "تشرين اول", "october", "oct"),
    11: ("نوفمبر", "نونبر", "تشرين الثاني", "تشرين ثاني", "november", "nov"),
    12: ("ديسمبر", "دجنبر", "كانون الاول", "كانون اول", "december", "dec"),
}
MONTHS: dict[str, int] = {name: n for n, names in _MONTH_NAMES.items() for name in names}
_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
# a month name, optionally paired with another system's name: `نيسان / ابريل`, `اب/اغسطس`, `ابريل (نيسان)`
_PAIRED = rf"(?P<month>{_MONTH})(?!\w)(?:\s*[/(-]\s*(?:{_MONTH})(?!\w)\s*\)?)?"
_NOT_LETTER = r"(?<![\w])"
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:من\s+)?(?:شهر\s+)?{_PAIRED}\.?,?\s*(?:عام\s+|سنه\s+)?"
    rf"(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"{_NOT_LETTER}{_PAIRED}\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_YMD = re.compile(r"(?<![\d/.-])(?P<year>\d{4})[-/.](?P<a>\d{1,2})[-/.](?P<b>\d{1,2})(?![\d/])")
_NUMERIC = re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<year>\d{4})(?![\d/])")
# "updated", "modified", "محدثة", "آخر تحديث" just before a date: that date is not the publication date
# (a label whose own time is relative, `Updated 2 hours ago · 18 January 2024`, or set apart by `|`/`•`,
# does not reach the date after it: that one is the publication date)
_UPDATED = re.compile(
    r"(?:updated|modified|last edited|محدث|تحديث|تم التعديل|عدل في)"
    r"(?:(?!\d{4}|ago\b|منذ)[^\n|•·]){0,25}$",
    re.IGNORECASE,
)
# "منذ 3 ساعات", "2 hours ago", "قبل يومين": relative to when the page was seen, never a publication date
RELATIVE = re.compile(
    r"(?:منذ|قبل)\s+(?:\d+\s*)?(?:ثاني|دقيق|ساع|يوم|اسبوع|شهر|سن)\S*|\b\d+\s*(?:sec|min|hour|day|week|month|year)s?\s+ago\b"
    r"|\b(?:an?|one)\s+(?:hour|day|week|minute)\s+ago\b",
    re.IGNORECASE,
)


def is_relative(text: str) -> bool:
    """True when `text` holds a relative time (`منذ ٣ ساعات`, `2 hours ago`)."""
    return bool(RELATIVE.search(normalise(text)))


# Hijri: a day, a Hijri month and a year followed by هـ (or the word هجري)
_HIJRI_MONTHS = (
    "محرم",
    "صفر",
    "ربيع الاول",
    "ربيع الاخر",
    "ربيع الثاني",
    "جمادي الاولي",
    "جمادي الاخره",
    "جمادي الثانيه",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعده",
    "ذي القعده",
    "ذو الحجه",
    "ذي الحجه",
)
_HIJRI = re.compile(rf"\d{{1,2}}\s+(?:{'|'.join(_HIJRI_MONTHS)})\s+1[3-5]\d\d\s*(?:ه\b|هـ|هجري)")
# An HTTP `Date:` header as crawlers save it: the time of the copy, never the publication date.
HTTP_DATE = re.compile(
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) \d\d:\d\d:\d\d GMT$"
)
_ISO = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)


@dataclass(frozen=True)
class Found:
    """A date read from a text, and where in the (normalised) text it was written."""

    date: dt.date
    start: int


def _make(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        found = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2100 else None


def normalise(text: str) -> str:
    """Latin digits, Arabic letters folded as search folds them, lowercase: what the patterns match."""
    return normalize(text).lower()


def find_dates(text: str, day_first: bool = True) -> list[Found]:
    """Every complete date written in `text` (day, month and year), in text order, skipping dates
    labelled as an update. `day_first`: how `02/11/2023` reads (Arab and European pages: day first)."""
    text = normalise(text)
    found: list[Found] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for m in pattern.finditer(text):
            d = _make(m.group("year"), MONTHS[m.group("month")], m.group("day"))
            if d:
                found.append(Found(d, m.start()))
    for m in _YMD.finditer(text):
        d = _make(m.group("year"), m.group("a"), m.group("b"))
        if d:
            found.append(Found(d, m.start()))
    for m in _NUMERIC.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        day, month = (a, b) if (day_first and b <= 12) or a > 12 else (b, a)
        d = _make(m.group("year"), month, day)
        if d:
            found.append(Found(d, m.start()))
    found = [f for f in found if not _UPDATED.search(text[max(0, f.start - 40) : f.start])]
    return sorted(found, key=lambda f: f.start)


def find_date(text: str, day_first: bool = True) -> dt.date | None:
    """The first complete date written in `text` that is not an update's, or None."""
    found = find_dates(text, day_first)
    return found[0].date if found else None


def hijri_seen(text: str) -> str:
    """A Hijri date written in `text` (as written), or ''. Never converted: the user is told instead."""
    m = _HIJRI.search(normalise(text))
    return m.group(0) if m else ""


def parse_iso_prefix(value: str) -> dt.date | None:
    """The date part of an ISO date-time as written (its local date, so a page published at
    01:59 +02:00 keeps its own day rather than the UTC one)."""
    m = _ISO.match(normalize(value))
    return _make(m.group(1), m.group(2), m.group(3)) if m else None


def has_local_offset(value: str) -> bool:
    """True when an ISO date-time carries a non-UTC offset (`+02:00`, `+0400`): the page's own clock."""
    m = _ISO.match(normalize(value))
    return bool(m and m.group(6) and m.group(6).lower() != "z" and m.group(6).strip("+-").strip("0:") != "")


def parse_meta_date(value: str, day_first: bool = True) -> dt.date | None:
    """A date from a machine-readable field: ISO, or written in words (some CMSs put
    `الخميس، 24 ديسمبر 2020 - 11:59 م` into `article:published_time`)."""
    return parse_iso_prefix(value) or find_date(value, day_first)


def date_in_url(url: str) -> dt.date | None:
    """A `/2020/08/24/` or `/2020-08-24-` date in an address's path (a last resort; say so)."""
    path = unquote(urlsplit(url).path)
    m = re.search(r"(?<!\d)((?:19|20)\d\d)([/_-])(\d{1,2})\2(\d{1,2})(?!\d)", path)
    return _make(m.group(1), m.group(3), m.group(4)) if m else None


def parse_http_date(line: str) -> dt.date | None:
    m = HTTP_DATE.match(line.strip())
    if not m:
        return None
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    month = m.group(2).lower()
    return _make(m.group(3), months.index(month) + 1, m.group(1)) if month in months else None
