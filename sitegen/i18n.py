"""Interface strings per language, and localized dates and numbers (CLDR through Babel)."""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton

from sitegen.model import PartialDate

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "home": "Home",
        "articles": "Articles",
        "tags": "Tags",
        "tag": "Tag",
        "authors": "Authors",
        "author": "Author",
        "sources": "Sources",
        "source": "Source",
        "timeline": "Timeline",
        "search": "Search",
        "latest": "Latest reports",
        "by": "By",
        "published": "Published",
        "published_article": "Published:",  # before an article's title in a timeline, telling it from events
        "read_in": "Read in English",
        "not_translated": "This article has not been translated into {lang} yet.",
        "translation": "Translation",
        "related": "Related reports",
        "backlinks": "Reports that link here",
        "events": "Events",
        "summary": "Summary",
        "original_source": "Original source",
        "archived_copy": "Archived copy",
        "accessed": "Accessed",
        "page": "Page",
        "next": "Next",
        "previous": "Previous",
        "pagination": "Pages",
        "skip": "Skip to content",
        "main_nav": "Main",
        "languages": "Languages",
        "not_found": "Page not found",
        "not_found_text": "The page you asked for does not exist. It may have moved.",
        "back_home": "Go to the home page",
        "lang_name": "English",
        "all_tags": "All tags",
        "no_articles": "No articles yet.",
        "feed": "Feed",
        "year": "Year",
        "years": "Years",
        "months": "Months",
        "circa": "c.",
        "tag_other_lang": "This tag in {lang}",
        "content_warning": "Content warning",
        "translated_from": "Translated from",
        "translator": "Translator",
        "external": "external",
        "footer": "Built with sitegen.",
        "status": "Archive status",
        "not_in_archive": "not in the archive",
        "search_off": "Search is not available in this build of the site.",
        "search_placeholder": "Search the archive",
        "search_hint": "Arabic searches ignore hamza, tashkeel and tatweel, and treat these letters alike:",
        "search_noscript": "Search needs JavaScript; the tag, author and source pages work without it.",
        # citation and provenance (research layer: cite.py, _article_extra.html, the provenance section)
        "cite_this": "Cite this report",
        "cite_download": "Download the citation",
        "cite_bibtex": "BibTeX (.bib)",
        "cite_ris": "RIS (.ris: Zotero, EndNote, Mendeley)",
        "cite_translated": "Translated from {lang}",
        "cite_translated_by": "Translated from {lang} by {translator}",
        "cite_original": "Original",
        "cite_archived": "Archived copy",
        "provenance": "Provenance",
        "source_url": "Original address",
        "sha256": "SHA-256 of the imported original",
        "original_version": "Original version",
        "data_export": "Data (JSON, CSV)",
        # coverage charts (charts.py) and the timeline's approximate dates
        "chart_title": "Articles and events per month",
        "chart_coverage": "Coverage over time",
        "chart_table": "The numbers, month by month",
        "month": "Month",
        "approximate": "approximate date",
        "not_translated_short": "not translated yet",
        # the dev server's banner for a failed rebuild (serve/livereload.js)
        "serve_failed": "The site could not be rebuilt",
        "serve_fix": "Fix the problem below and save: this page reloads by itself. "
        "Until then the last good version of the site is shown.",
        "serve_hint": "hint",
        "serve_hide": "Hide",
    },
    "ar": {
        "home": "الرئيسية",
        "articles": "المقالات",
        "tags": "الوسوم",
        "tag": "الوسم",
        "authors": "الكتّاب",
        "author": "الكاتب",
        "sources": "المصادر",
        "source": "المصدر",
        "timeline": "الخط الزمني",
        "search": "بحث",
        "latest": "أحدث التقارير",
        "by": "بقلم",
        "published": "نُشر في",
        "published_article": "نُشر:",
        "read_in": "اقرأ بالعربية",
        "not_translated": "لم تُترجم هذه المقالة إلى {lang} بعد.",
        "translation": "الترجمة",
        "related": "تقارير ذات صلة",
        "backlinks": "تقارير تشير إلى هذا التقرير",
        "events": "الأحداث",
        "summary": "ملخص",
        "original_source": "المصدر الأصلي",
        "archived_copy": "نسخة مؤرشفة",
        "accessed": "تاريخ الاطلاع",
        "page": "صفحة",
        "next": "التالي",
        "previous": "السابق",
        "pagination": "الصفحات",
        "skip": "انتقل إلى المحتوى",
        "main_nav": "القائمة الرئيسية",
        "languages": "اللغات",
        "not_found": "الصفحة غير موجودة",
        "not_found_text": "الصفحة التي طلبتها غير موجودة. ربما نُقلت.",
        "back_home": "العودة إلى الصفحة الرئيسية",
        "lang_name": "العربية",
        "all_tags": "كل الوسوم",
        "no_articles": "لا توجد مقالات بعد.",
        "feed": "خلاصة",
        "year": "السنة",
        "years": "السنوات",
        "months": "الأشهر",
        "circa": "نحو",
        "tag_other_lang": "هذا الوسم بالعربية",
        "content_warning": "تحذير من المحتوى",
        "translated_from": "مترجم عن",
        "translator": "المترجم",
        "external": "خارجي",
        "footer": "صُنع باستخدام sitegen.",
        "status": "حالة الأرشيف",
        "not_in_archive": "غير موجود في الأرشيف",
        "search_off": "البحث غير متاح في هذه النسخة من الموقع.",
        "search_placeholder": "ابحث في الأرشيف",
        "search_hint": "لا يميّز البحث بين أشكال الهمزة، ويتجاهل التشكيل والتطويل، ولا يفرّق بين ى/ي و ة/ه و ک/ك.",
        "search_noscript": "يحتاج البحث إلى جافاسكربت؛ صفحات الوسوم والكتّاب والمصادر تعمل من دونه.",
        # citation and provenance (research layer: cite.py, _article_extra.html, the provenance section)
        "cite_this": "استشهد بهذا التقرير",
        "cite_download": "تنزيل الاستشهاد",
        "cite_bibtex": "ملف BibTeX (.bib)",
        "cite_ris": "ملف RIS (.ris) لبرامج Zotero وEndNote وMendeley",
        "cite_translated": "مترجم عن {lang}",
        "cite_translated_by": "ترجمه عن {lang}: {translator}",
        "cite_original": "الأصل",
        "cite_archived": "نسخة مؤرشفة",
        "provenance": "المصدر والتوثيق",
        "source_url": "الرابط الأصلي",
        "sha256": "بصمة SHA-256 للأصل المستورد",
        "original_version": "النسخة الأصلية",
        "data_export": "البيانات (JSON وCSV)",
        # coverage charts (charts.py) and the timeline's approximate dates
        "chart_title": "المقالات والأحداث شهراً بشهر",
        "chart_coverage": "التغطية عبر الزمن",
        "chart_table": "الأرقام شهراً بشهر",
        "month": "الشهر",
        "approximate": "تاريخ تقريبي",
        "not_translated_short": "لم تُترجم بعد",
        # the dev server's banner for a failed rebuild (serve/livereload.js)
        "serve_failed": "تعذّر بناء الموقع من جديد",
        "serve_fix": "أصلح المشكلة المبيّنة أدناه واحفظ الملف: ستُحدَّث هذه الصفحة تلقائياً. "
        "وإلى ذلك الحين تُعرض آخر نسخة سليمة من الموقع.",
        "serve_hint": "تلميح",
        "serve_hide": "إخفاء",
    },
}

# a language's own name (for the language switch), and names as written in another language
LANGUAGE_NAMES = {
    "ar": "العربية",
    "en": "English",
    "fr": "Français",
    "fa": "فارسی",
    "ku": "Kurdî",
    "tr": "Türkçe",
}
NAMES_IN = {
    "en": {
        "ar": "Arabic",
        "en": "English",
        "fr": "French",
        "fa": "Persian",
        "ku": "Kurdish",
        "tr": "Turkish",
    },
    "ar": {
        "ar": "العربية",
        "en": "الإنجليزية",
        "fr": "الفرنسية",
        "fa": "الفارسية",
        "ku": "الكردية",
        "tr": "التركية",
    },
}


# "N articles" by CLDR plural category (Arabic has six: ٣ مقالات but ١١ مقالة)
ARTICLE_COUNTS: dict[str, dict[str, str]] = {
    "en": {"one": "{n} article", "other": "{n} articles"},
    "ar": {
        "zero": "لا مقالات",
        "one": "مقالة واحدة",
        "two": "مقالتان",
        "few": "{n} مقالات",
        "many": "{n} مقالة",
        "other": "{n} مقالة",
    },
}


def article_count(n: int, lang: str, style: str) -> str:
    """`3 مقالات`, `11 مقالة`, `1 article`: the plural form CLDR (Babel) gives for `n` in `lang`."""
    forms = ARTICLE_COUNTS.get(lang, ARTICLE_COUNTS["en"])
    try:
        category = Locale.parse(lang).plural_form(n)
    except (ValueError, UnknownLocaleError):
        category = "one" if n == 1 else "other"
    return forms.get(category, forms["other"]).format(n=digits(str(n), style))


class Strings(dict):  # type: ignore[type-arg]
    """The interface strings of a language: `t["by"]` in Python, `t.by` in templates.

    Each key is an attribute too, so a template's `t.by` is found at once; on a plain dict Jinja first
    fails an attribute lookup (an exception, ~14 on every page) before it tries the key."""

    def __init__(self, items: dict[str, str]):
        super().__init__(items)
        self.__dict__.update(items)


@cache
def strings(lang: str) -> Strings:
    return Strings(STRINGS.get(lang, STRINGS["en"]))


def language_name(lang: str, in_lang: str | None = None) -> str:
    """`ar` → 'العربية' (its own name), or its name in another language: ('ar', 'en') → 'Arabic'."""
    if in_lang is None:
        return LANGUAGE_NAMES.get(lang, lang)
    return NAMES_IN.get(in_lang, NAMES_IN["en"]).get(lang, lang)


def digits(text: str, style: str) -> str:
    return text.translate(ARABIC_DIGITS) if style == "arab" else text


@cache
def _babel_locale(locale: str) -> Locale:
    """The locale parsed once: Babel parses a name given as text ~4 times a date (~4 us of ~8)."""
    return Locale.parse(locale)


@lru_cache(maxsize=65536)
def format_day(day: dt.date, locale: str, style: str) -> str:
    """`24 كانون الأول 2020` (ar_SY), `24 December 2020` (en_GB); digits in the site's style."""
    return digits(format_date(day, "long", locale=_babel_locale(locale)), style)


@lru_cache(maxsize=8192)
def format_partial(date: PartialDate, locale: str, style: str, circa_word: str = "") -> str:
    if date.precision == "day":
        text = format_date(dt.date(date.year, date.month, date.day), "long", locale=_babel_locale(locale))
    elif date.precision == "month":
        text = format_skeleton("yMMMM", dt.date(date.year, date.month, 1), locale=_babel_locale(locale))
    else:
        text = str(date.year)
    if date.circa and circa_word:
        text = f"{circa_word} {text}"
    return digits(text, style)


@lru_cache(maxsize=4096)
def format_month(year: int, month: int, locale: str, style: str) -> str:
    return digits(format_skeleton("yMMMM", dt.date(year, month, 1), locale=_babel_locale(locale)), style)


def format_number(n: int, style: str) -> str:
    return digits(str(n), style)
