"""Localized numbers, dates and counts, as readers see them."""

from __future__ import annotations

import datetime as dt

import pytest

from sitegen.i18n import article_count, format_day, format_partial
from sitegen.model import PartialDate


@pytest.mark.parametrize(
    "n, lang, style, expected",
    [
        (0, "ar", "latn", "لا مقالات"),
        (1, "ar", "latn", "مقالة واحدة"),
        (2, "ar", "latn", "مقالتان"),
        (3, "ar", "latn", "3 مقالات"),
        (10, "ar", "arab", "١٠ مقالات"),
        (11, "ar", "latn", "11 مقالة"),
        (100, "ar", "latn", "100 مقالة"),
        (1, "en", "latn", "1 article"),
        (12, "en", "latn", "12 articles"),
    ],
)
def test_article_counts_follow_cldr_plural_rules(n: int, lang: str, style: str, expected: str) -> None:
    assert article_count(n, lang, style) == expected


@pytest.mark.parametrize(
    "locale, style, expected",
    [
        ("ar_SY", "latn", "24 كانون الأول 2020"),
        ("ar_SY", "arab", "٢٤ كانون الأول ٢٠٢٠"),
        ("ar", "latn", "24 ديسمبر 2020"),
        ("en_GB", "latn", "24 December 2020"),
    ],
)
def test_dates(locale: str, style: str, expected: str) -> None:
    assert format_day(dt.date(2020, 12, 24), locale, style) == expected


def test_partial_and_approximate_dates() -> None:
    assert format_partial(PartialDate(2019, 10), "ar_SY", "latn") == "تشرين الأول 2019"
    assert format_partial(PartialDate(2019, 0, 0, True), "en_GB", "latn", "c.") == "c. 2019"


def test_interface_strings_read_alike_as_keys_and_attributes() -> None:
    """Templates write `t.by`: every key must be an attribute with the same text, never a dict method."""
    import jinja2

    from sitegen.i18n import STRINGS, strings

    for lang in STRINGS:
        t = strings(lang)
        assert set(t) == set(STRINGS[lang])
        for key, text in t.items():
            assert key.isidentifier() and not hasattr(dict, key), key
            assert getattr(t, key) == text
        rendered = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
            "{{ t.by }}|{{ t['by'] }}"
        )
        assert rendered.render(t=t) == f"{t['by']}|{t['by']}"
