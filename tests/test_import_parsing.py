"""Tables for the small parsers: dates as pages write them, bylines, slugs, tags, "read also" lines."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.importer.dates import find_date, parse_http_date, parse_iso_prefix
from sitegen.importer.draft import Related, related_line
from sitegen.importer.enrich import find_tags, summary_of
from sitegen.importer.extract_text import parse_byline
from sitegen.importer.slug import is_valid, slug_from_url, slugify

DATES = [
    ("الجمعة 8 فيفري 2019", dt.date(2019, 2, 8)),
    ("الإثنين، 24 أغسطس 2020 09:23 ص", dt.date(2020, 8, 24)),
    ("الأحد 21 كانون الأول 2020", dt.date(2020, 12, 21)),
    ("30 تشرين الثاني 2020", dt.date(2020, 11, 30)),
    ("24 نيسان / أبريل 2020", dt.date(2020, 4, 24)),
    ("3 مايو/أيار 2017", dt.date(2017, 5, 3)),
    ("٢٤ ديسمبر ٢٠٢٠", dt.date(2020, 12, 24)),
    ("ديسمبر 25, 2020", dt.date(2020, 12, 25)),
    ("January 14, 2015", dt.date(2015, 1, 14)),
    ("14 May 2017", dt.date(2017, 5, 14)),
    ("GMT 17:27 17.03.2020", dt.date(2020, 3, 17)),
    ("2020/12/25 - 1:59 صباحًا", dt.date(2020, 12, 25)),
    ("2020-06-03", dt.date(2020, 6, 3)),
    ("31 تشرين الثاني 2020", None),  # no such day: nothing rather than a guess
    ("منذ عام 2011", None),  # a year alone is not a publication date
    ("no date here", None),
]


@pytest.mark.parametrize("text, expected", DATES, ids=[d[0] for d in DATES])
def test_find_date(text: str, expected: dt.date | None) -> None:
    assert find_date(text) == expected


def test_iso_date_keeps_the_page_local_day() -> None:
    assert parse_iso_prefix("2020-12-25T01:59:50+02:00") == dt.date(2020, 12, 25)
    assert parse_iso_prefix("0001-01-01 00:00:00Z") is None


def test_http_date_header_is_recognised() -> None:
    assert parse_http_date("Fri, 11 Aug 2017 15:19:36 GMT") == dt.date(2017, 8, 11)
    assert parse_http_date("الجمعة 11 أغسطس 2017") is None


BYLINES = [
    ("طيف بوست – فريق التحرير", ("طيف بوست", "فريق التحرير")),
    ("North News - Salma Haddad", ("North News", "Salma Haddad")),
    ("(أبوظبي - البيان)", ("البيان", "")),
    ("كتبت أسماء نصار", ("", "أسماء نصار")),
    ("حوار: آسيا العتروس", ("", "آسيا العتروس")),
    ("By Malcolm Harris", ("", "Malcolm Harris")),
    ("واصل نظام الأسد خلال الأيام الماضية عملية سحب قواته من عدة مواقع في المنطقة.", None),
    ("قال المتحدث – في بيان – إن القوات انسحبت.", None),
]


@pytest.mark.parametrize("line, expected", BYLINES, ids=[b[0] for b in BYLINES])
def test_parse_byline(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_byline(line) == expected


SLUGS_FROM_URLS = [
    ("https://example.org/2020/12/ain-issa.html", "ain-issa"),
    (
        "http://talkingpointsmemo.com/ts/why-is-america-ignoring-kurdish-freedom-movement",
        "why-is-america-ignoring-kurdish-freedom-movement",
    ),
    (
        "https://www.polygraph.info/a/fact-check-russia-us-al-tanf-rukban/30279001.html",
        "fact-check-russia-us-al-tanf-rukban",
    ),
    ("https://www.beirutobserver.com/2020/11/2338761/", ""),  # only ids
    ("https://www.albayan.ae/across-the-uae/news-and-reports/2020-06-03-1.3874341", ""),  # a section
    ("https://example.org/news/202003171044893040-%D9%85%D8%B5%D8%B1-%D8%AA%D8%B3%D8%AC%D9%84/", "msr-tsjl"),
    ("https://evil.example/a/../../etc/passwd", ""),
]


@pytest.mark.parametrize("url, expected", SLUGS_FROM_URLS, ids=[s[0][-40:] for s in SLUGS_FROM_URLS])
def test_slug_from_url(url: str, expected: str) -> None:
    assert slug_from_url(url) == expected


@pytest.mark.parametrize(
    "title",
    [
        "نظام الأسد يسحب قواته من مدينة استراتيجية شمال سوريا.. ومصادر توضح الأسباب..!",
        "The Small Miracle You Haven't Heard About Amid the Carnage in Syria",
        "../../etc/passwd",
        'تقرير: "منبج" --- title: injected <script>',
        "Ünïcödé — déjà vu ١٢٣",
    ],
)
def test_slugify_gives_short_valid_stable_slugs(title: str) -> None:
    slug = slugify(title)
    assert is_valid(slug), slug
    assert len(slug) <= 60 and len(slug.split("-")) <= 7
    assert slugify(title) == slug


def test_slugify_transliterates_arabic() -> None:
    assert slugify("نظام الأسد يسحب قواته") == "nzam-alasd-yshb-qwath"


TAGS = {
    "shelling": {"ar": "القصف", "en": "Shelling"},
    "ain-issa": {"ar": "عين عيسى", "en": "Ain Issa"},
    "raqqa": {"ar": "الرقة", "en": "Raqqa"},
    "syria": {"ar": "سوريا", "en": "Syria"},
}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("تعرض معسكر للقصف في عين عيسى", ["shelling", "ain-issa"]),
        ("بالقصف والرقة", ["shelling", "raqqa"]),
        ("القصفي ليس القصف؟", ["shelling"]),
        ("القصفي", []),  # a longer word is not the tag
        ("Shelling hit Raqqa, Syria", ["shelling", "raqqa", "syria"]),
        ("Syrians", []),
        ("عين عيسـى", ["ain-issa"]),  # tatweel does not hide a label
    ],
)
def test_find_tags(text: str, expected: list[str]) -> None:
    assert find_tags(text, TAGS) == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("اقرأ أيضاً: فصائل المعارضة تعلق", (True, [Related("فصائل المعارضة تعلق")])),
        ("إقرأ أيضا", (True, [])),
        (
            "Read also: [Earlier](https://example.org/a)",
            (True, [Related("Earlier", "https://example.org/a")]),
        ),
        (
            "Related: Earlier convoy https://example.org/c.",
            (True, [Related("Earlier convoy", "https://example.org/c")]),
        ),
        ("Related to this, the army withdrew.", (False, [])),
        ("Read also: [x](javascript:alert(1))", (True, [Related("[x](javascript:alert(1))")])),
    ],
)
def test_related_line(line: str, expected: tuple[bool, list[Related]]) -> None:
    assert related_line(line) == expected


def test_summary_is_the_first_paragraph_cut_at_a_sentence() -> None:
    first = "جملة أولى طويلة بما يكفي لتكون ملخصاً. " * 12
    summary = summary_of(f"{first}\n\nفقرة ثانية لا تظهر في الملخص أبداً.")
    assert summary.startswith("جملة أولى") and summary.endswith(".") and len(summary) <= 300
    assert "فقرة ثانية" not in summary
