"""Stage: a plain-text copy of a news page → Draft.

The shape met in practice (../shared/seed): site chrome lines (menus, "أخر الأخبار"), the title twice,
a byline `طيف بوست – فريق التحرير`, the body with "اقرأ أيضاً: …" lines, an author box (name + bio),
then more chrome ("مقالات ذات صلة", comment form, copyright). Crawler copies (BBC Arabic) instead have
`<title> - Site` on line 1 and the HTTP `Date:` header of the crawl on line 2.
"""

from __future__ import annotations

import datetime as dt
import re

from sitegen.arabic import fold
from sitegen.importer.bylines import is_agency, is_generic, is_not_a_person, is_place
from sitegen.importer.chrome import drop_chrome
from sitegen.importer.dates import find_date, hijri_seen, is_relative, parse_http_date
from sitegen.importer.draft import Draft, Related, related_line
from sitegen.importer.repair import repair, repair_line
from sitegen.importer.sanitize import escape_plain

# Lines that belong to the page around the article, matched on their start (folded).
_END_MARKERS = (
    "مقالات ذات صلة",
    "مقالات مشابهة",
    "اخبار ذات صلة",
    "أخبار ذات صلة",
    "اترك تعليق",
    "أترك تعليق",
    "أضف تعليق",
    "اضف تعليق",
    "إضافة تعليق",
    "التعليقات",
    "لن يتم نشر عنوان بريدك",
    "زر الذهاب إلى الأعلى",
    "جميع الحقوق محفوظة",
    "حقوق النشر",
    "الوسوم",
    "كلمات مفتاحية",
    "الكلمات المفتاحية",
    "تاجز",
    "شارك هذا",
    "شارك المقال",
    "©",
    "copyright",
    "all rights reserved",
    "related articles",
    "related posts",
    "related stories",
    "leave a comment",
    "leave a reply",
    "share this",
    "tags:",
    "comments",
)
_CHROME = {
    "أخر الأخبار",
    "آخر الأخبار",
    "اخر الاخبار",
    "الرئيسية",
    "الرئيسيه",
    "شارك",
    "مشاركة",
    "تويتر",
    "فيسبوك",
    "واتساب",
    "تلغرام",
    "طباعة",
    "القائمة",
    "بحث",
    "عاجل",
    "أخبار",
    "home",
    "menu",
    "search",
    "share",
    "tweet",
    "print",
    "latest news",
    "breaking news",
    "facebook",
    "twitter",
    "whatsapp",
    "telegram",
    "email",
}
_BIO_START = re.compile(
    r"^(?:كاتب|كاتبة|صحفي|صحفية|صحافي|صحافية|محرر|محررة|مراسل|مراسلة|باحث|باحثة|إعلامي|إعلامية"
    r"|journalist|writer|reporter|editor|correspondent|researcher|\S+ is an? )",
    re.IGNORECASE,
)
# `Source – Author` (spaces around a dash; en/em dash or hyphen), or `(City - Paper)`.
_DASH_BYLINE = re.compile(r"^(?P<left>[^–—\-|:()]{2,40}?)\s+[–—-]\s+(?P<right>[^–—\-|:()]{2,40})$")
_PAREN_BYLINE = re.compile(r"^\((?P<left>[^()–—-]{2,30})\s*[–—-]\s*(?P<right>[^()]{2,30})\)$")
_PREFIX_BYLINE = re.compile(
    r"^(?:كتب|كتبت|بقلم|حوار|إعداد|اعداد|تقرير|ترجمة|by|written by)\s*[:：]?\s+(?P<name>[^\d:.!?]{2,60})$",
    re.IGNORECASE,
)
_PUBLISHED_LINE = re.compile(
    r"^\W*(?:نشر|نُشر|تاريخ النشر|بتاريخ|published|posted|first published)\b", re.IGNORECASE
)
GENERIC_AUTHORS = {
    "فريق التحرير",
    "التحرير",
    "هيئة التحرير",
    "المحرر",
    "editorial team",
    "editors",
    "staff",
    "the editors",
    "newsroom",
}
_TITLE_SUFFIX = re.compile(r"^(?P<title>.{10,}?)\s+[-–|]\s+(?P<site>[^-–|]{2,30})$")


_END_KEYS = tuple(fold(m) for m in _END_MARKERS)
_CHROME_KEYS = frozenset(fold(c) for c in _CHROME)


def _is_end(line: str) -> bool:
    if _words(line) > 8:  # chrome lines are short; a body sentence may well start with "Comments"
        return False
    f = fold(line)
    return f.startswith(_END_KEYS)


def _is_chrome(line: str) -> bool:
    return fold(line.strip(" :|•·-–")) in _CHROME_KEYS


def _is_relative_time(line: str) -> bool:
    """`منذ ساعتين`, `Updated 3 hours ago`: when the copy was seen, not when the page was published."""
    return _words(line) <= 5 and is_relative(line)


def _words(line: str) -> int:
    return len(line.split())


def parse_byline(line: str) -> tuple[str, str] | None:
    """(source name, author) from a byline line, or None when the line is not one."""
    if _words(line) > 8 or re.search(r"[.!?؟]$", line):
        return None
    m = _PAREN_BYLINE.match(line)
    if m:  # "(أبوظبي - البيان)": a place and the paper, no person
        return m.group("right").strip(), ""
    m = _PREFIX_BYLINE.match(line)
    if m:
        return "", m.group("name").strip()
    m = _DASH_BYLINE.match(line)
    if m:
        return _sides(m.group("left").strip(), m.group("right").strip())
    return None


def _sides(left: str, right: str) -> tuple[str, str]:
    """(source, author) from `left - right`: usually `Site – Author`, but a dateline puts a place on one
    side (`Name - City`, `City - Agency`) and a wire credit may stand on either side."""
    if (is_place(left) or is_generic(left)) and (is_place(right) or is_generic(right)):
        return "", ""  # `إدلب - خاص`: a place and a credit, nobody named
    if is_place(right):
        return ("", left) if not is_not_a_person(left) else (left if not is_place(left) else "", "")
    if is_place(left):
        return (right, "") if is_not_a_person(right) else ("", right)
    if is_agency(left) or is_agency(right):
        agency, other = (left, right) if is_agency(left) else (right, left)
        return agency, "" if is_not_a_person(other) else other
    return left, right


def _find_title(lines: list[str]) -> tuple[int, str, str]:
    """(index of the title line, title, site name from a title suffix)."""
    head = lines[:25]
    for i, line in enumerate(head):  # the title repeated (page header + article header)
        if _words(line) < 3 or _is_chrome(line):
            continue
        for j in range(i + 1, min(i + 4, len(lines))):
            if fold(lines[j]) == fold(line):
                return j, line, ""
    for i, line in enumerate(head):
        if _is_chrome(line) or _words(line) < 3:
            continue
        m = _TITLE_SUFFIX.match(line)
        if m and i + 1 < len(lines) and parse_http_date(lines[i + 1]):
            return i, m.group("title").strip(), m.group("site").strip()
        if m and _words(m.group("site")) <= 3 and not re.search(r"[.!?؟]", m.group("site")):
            return i, m.group("title").strip(), m.group("site").strip()
        return i, line, ""
    raise ValueError("no title")


def extract_text(text: str) -> Draft:
    """Find title, byline, date, body and "read also" lines in a plain-text copy."""
    lines = [repair_line(raw) for raw in repair(text).split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        raise ValueError("empty")
    title_at, title, site = _find_title(lines)
    notes: list[str] = []
    author = source = ""
    date: dt.date | None = None
    accessed: dt.date | None = None

    i = title_at + 1
    # header lines right after the title: crawl date, byline, a date line (in any order, a few at most)
    for _ in range(4):
        if i >= len(lines):
            break
        line = lines[i]
        crawl = parse_http_date(line)
        if crawl:
            accessed = crawl
            notes.append(
                f"'{line}' is when the copy was made, not the publication date: used as source.accessed"
            )
            i += 1
            continue
        byline = parse_byline(line) if not (author or source) else None
        if byline:
            source, author = byline
            i += 1
            continue
        if date is None and _words(line) <= 10 and find_date(line):
            date = find_date(line)
            i += 1
            continue
        if _is_chrome(line) or _is_relative_time(line):
            i += 1
            continue
        break

    if date is None:  # a labelled publication line elsewhere ("نشر في …", "Published …"), never an update
        date = next(
            (
                d
                for line in lines[i:]
                if _PUBLISHED_LINE.match(line) and _words(line) <= 14 and (d := find_date(line))
            ),
            None,
        )
    if date is None and (hijri := next((h for line in lines[: i + 6] if (h := hijri_seen(line))), "")):
        notes.append(f"only a Hijri date was seen ('{hijri}'); it is not converted: pass --date YYYY-MM-DD")

    end = next((k for k in range(i, len(lines)) if _is_end(lines[k])), len(lines))
    # an author box just before the end: a short name line, then a bio
    box_author = ""
    if (
        end - i >= 3
        and _BIO_START.match(lines[end - 1])
        and _words(lines[end - 2]) <= 4
        and not re.search(r"[.!?؟:،,]", lines[end - 2])
    ):
        box_author = lines[end - 2]
        end -= 2
    if box_author and (not author or fold(author) in {fold(g) for g in GENERIC_AUTHORS}):
        if author:
            notes.append(f"author '{box_author}' taken from the author box (the byline said '{author}')")
        author = box_author

    if end < len(lines):
        notes.append(
            f"left out {len(lines) - end} line(s) of page chrome at the end, starting at '{lines[end][:40]}'"
        )
    body: list[str] = []
    related: list[Related] = []
    expecting_links = False
    for line in lines[i:end]:
        is_related, refs = related_line(line)
        if is_related:
            related.extend(refs)
            expecting_links = not refs
            continue
        if expecting_links and _words(line) <= 25 and not re.search(r"[.!?؟]$", line):
            related.append(Related(line))  # a bare "read also" label followed by a headline
            expecting_links = False
            continue
        expecting_links = False
        if _is_chrome(line) or parse_http_date(line) or _is_relative_time(line):
            continue
        body.append(line)
    body, dropped = drop_chrome(body)
    if dropped:
        notes.append(f"{dropped} line(s) of page chrome (share/follow prompts, link lists) left out")
    body = [escape_plain(line) for line in body]
    return Draft(
        title=title,
        body="\n\n".join(body) + "\n",
        date=date,
        author=author,
        source_name=source or site,
        accessed=accessed,
        related=tuple(related),
        notes=tuple(notes),
    )
