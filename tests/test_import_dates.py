"""Dates and bylines as pages write them: one row per form (input, what an editor reads)."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.importer.bylines import dateline_agency, sort_byline
from sitegen.importer.chrome import is_call_to_action
from sitegen.importer.dates import date_in_url, find_date, hijri_seen, parse_meta_date
from sitegen.importer.extract_text import parse_byline

D = dt.date

DATES = [
    ("الإثنين، 24 أغسطس 2020 09:23 ص", D(2020, 8, 24)),
    ("الثلاثاء 3 اغسطس 2021", D(2021, 8, 3)),
    ("24 نيسان / أبريل 2020", D(2020, 4, 24)),
    ("الأربعاء 3 آب/اغسطس 2016", D(2016, 8, 3)),
    ("5 كانون الأول 2019", D(2019, 12, 5)),
    ("12 تشرين الثاني/نوفمبر 2019", D(2019, 11, 12)),
    ("1 كانون الثاني 2020", D(2020, 1, 1)),
    ("7 يوليوز 2021", D(2021, 7, 7)),
    ("9 شتنبر 2018", D(2018, 9, 9)),
    ("20 دجنبر 2017", D(2017, 12, 20)),
    ("18 غشت 2016", D(2016, 8, 18)),
    ("الجمعة 8 فيفري 2019", D(2019, 2, 8)),
    ("3 جويلية 2020", D(2020, 7, 3)),
    ("14 أوت 2019", D(2019, 8, 14)),
    ("11 أفريل 2018", D(2018, 4, 11)),
    ("١٥/١٢/٢٠٢٠", D(2020, 12, 15)),
    ("۰۳/۰۴/۲۰۲۱", D(2021, 4, 3)),
    ("٢٠٢٠/١٢/٢٥ - ١:٥٩ صباحًا", D(2020, 12, 25)),
    ("GMT 17:27 17.03.2020 (محدثة GMT 17:49 18.03.2020)", D(2020, 3, 17)),
    ("آخر تحديث: 20/03/2020 نشر في 18/03/2020", D(2020, 3, 18)),
    ("January 18, 2020", D(2020, 1, 18)),
    ("18 Jan 2020 18:29", D(2020, 1, 18)),
    ("Updated Jan. 20, 2020; first published Jan. 18, 2020", D(2020, 1, 18)),
    ("في 23 مايو/أيار تخرجت الدفعة الأولى", None),  # no year: not a date to publish under
    ("أعلنها في يونيو/حزيران 2014", None),  # month and year only
    ("تمارس 12 منظمة 2020 نشاطها", None),  # a month name inside a word is no month
]


@pytest.mark.parametrize(("text", "date"), DATES, ids=[t for t, _ in DATES])
def test_find_date(text: str, date: dt.date | None) -> None:
    assert find_date(text) == date


def test_numeric_order_follows_the_site() -> None:
    assert find_date("02/11/2023") == D(2023, 11, 2)
    assert find_date("02/11/2023", day_first=False) == D(2023, 2, 11)
    assert find_date("25/11/2023", day_first=False) == D(2023, 11, 25)  # unambiguous either way


def test_meta_values_in_words_and_offsets() -> None:
    assert parse_meta_date("الخميس، 24 ديسمبر 2020 - 11:59 م") == D(2020, 12, 24)
    assert parse_meta_date("2020-12-25T01:59:50+02:00") == D(2020, 12, 25)  # the page's local day
    assert parse_meta_date("2020-06-03T03:01+0400") == D(2020, 6, 3)


def test_hijri_is_seen_not_converted_and_url_dates() -> None:
    assert hijri_seen("الجمعة 15 رمضان 1442 هـ") and find_date("الجمعة 15 رمضان 1442 هـ") is None
    assert date_in_url("https://x.example/news/2019/05/07/story") == D(2019, 5, 7)
    assert date_in_url("https://x.example/2020/11/2338761/") is None


BYLINES = [
    ("Jane Doe, John Smith and Ali Hassan", ["Jane Doe", "John Smith", "Ali Hassan"], ""),
    ("رامي الحسن وليلى عيسى", ["رامي الحسن", "ليلى عيسى"], ""),
    ("أحمد علي ووليد خالد", ["أحمد علي", "وليد خالد"], ""),
    ("عبد الله وليد سعيد", ["عبد الله وليد سعيد"], ""),
    ("Online News Editor", [], ""),
    ("admin", [], ""),
    ("Staff", [], ""),
    ("فريق التحرير", [], ""),
    ("Reuters", [], "Reuters"),
    ("وكالات", [], "وكالات"),
    ("Le Monde with AFP", [], "Le Monde with AFP"),
    ("Damascus", [], ""),
    ("خاص", [], ""),
    ("Exclusive", [], ""),
]


@pytest.mark.parametrize(("byline", "authors", "source"), BYLINES, ids=[b for b, _, _ in BYLINES])
def test_byline(byline: str, authors: list[str], source: str) -> None:
    assert sort_byline(byline) == (authors, source)


@pytest.mark.parametrize("line", ["إدلب - خاص", "خاص - إدلب", "حلب – متابعات", "Aleppo - Exclusive"])
def test_a_place_and_a_credit_name_nobody(line: str) -> None:
    assert parse_byline(line) == ("", "")


def test_datelines() -> None:
    assert dateline_agency("BEIRUT (Reuters) - Syrian forces said") == "Reuters"
    assert dateline_agency("دمشق (أ ف ب) - قال مسؤول") == "أ ف ب"
    assert dateline_agency("The ministry (MoH) said on Monday") == ""


CHROME = [
    ("تابعونا على فيسبوك", True),
    ("لمتابعة آخر الأخبار اشترك في قناتنا على تلغرام", True),
    ("Follow us on Twitter", True),
    ("Sign up for our newsletter", True),
    ("Share | Tweet | Email", True),
    ("اترك تعليقاً", True),
    ("Facebook said on Monday it had removed the accounts of the group that ran the page.", False),
    ("وفي تعليق على القرار قال الوزير", False),
    ("وشارك في الاجتماع ممثلون عن المنظمات المحلية", False),
]


@pytest.mark.parametrize(("line", "chrome"), CHROME, ids=[c for c, _ in CHROME])
def test_call_to_action(line: str, chrome: bool) -> None:
    assert is_call_to_action(line) is chrome
