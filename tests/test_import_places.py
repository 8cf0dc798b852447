"""Places in bylines and datelines beyond the hand list: CLDR countries and cities in both languages,
Syrian towns, regions by their shape (`ريف حلب`, `الغوطة الشرقية`), capitalised English datelines; and
what must stay a person or an agency."""

from __future__ import annotations

import pytest

from sitegen.importer.bylines import dateline_agency, is_place, sort_byline
from sitegen.importer.dates import find_date, is_relative


@pytest.mark.parametrize(
    "name",
    [
        "نيقوسيا",  # CLDR exemplar city (Arabic), not on the hand list
        "Nicosia",  # the same from the time zone id
        "Buenos Aires",
        "قبرص",  # CLDR territory (Arabic)
        "Cyprus",
        "الولايات المتحدة",
        "ATHENS",
        "MAARAT AL-NUMAN",
        "DEIR EL-BALAH",
        "سراقب",
        "ريف حلب الشمالي",
        "ريف دمشق",
        "ريف اللاذقية",
        "الغوطة الشرقية",
        "حلب الشرقية",
        "مخيم الركبان",
        "Aleppo countryside",
        "northern Idlib",
        "من نيقوسيا",
    ],
)
def test_a_place_is_recognised(name: str) -> None:
    assert is_place(name)


@pytest.mark.parametrize(
    "name",
    [
        "أحمد العلي",
        "محمد الشرقي",
        "Jane Doe",
        "Reuters",
        "AFP",
        "BBC",
        "SANA",
        "خاص",
        "فريق التحرير",
        "",
        "World",
    ],
)
def test_a_person_agency_or_credit_is_not_a_place(name: str) -> None:
    assert not is_place(name)


@pytest.mark.parametrize(
    ("paragraph", "agency"),
    [
        ("MAARAT AL-NUMAN, Syria (AP) — Hundreds of farmers returned", "AP"),
        ("Maarat al-Numan, Syria (Reuters) - Hundreds of farmers returned", "Reuters"),
        ("نيقوسيا (أ ف ب) - أعلن المجلس", "أ ف ب"),
        ("The minister (AP) said on Monday that", ""),
        ("ATHENS (Staff) - the council", ""),
    ],
)
def test_dateline_agency(paragraph: str, agency: str) -> None:
    assert dateline_agency(paragraph) == agency


def test_names_then_agency_in_one_byline() -> None:
    assert sort_byline("Jane Doe and John Roe, Reuters") == (["Jane Doe", "John Roe"], "Reuters")


@pytest.mark.parametrize("text", ["منذ ٣ ساعات", "منذ ساعتين", "قبل يومين", "2 hours ago", "an hour ago"])
def test_a_relative_time_is_never_a_date(text: str) -> None:
    assert is_relative(text) and find_date(text) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Updated 2 hours ago | 18 January 2024", 18),
        ("آخر تحديث منذ ساعتين • ٥ آذار ٢٠٢٠", 5),
        ("نشر في: ١٢ آذار ٢٠٢٣ - ١٠:٣٠ م | آخر تحديث: ١٤ آذار ٢٠٢٣", 12),
        ("آخر تحديث: ١٤ آذار ٢٠٢٣ | نشر في: ١٢ آذار ٢٠٢٣", 12),
    ],
)
def test_an_update_label_never_wins_over_the_publication_date(text: str, day: int) -> None:
    found = find_date(text)
    assert found is not None and found.day == day
