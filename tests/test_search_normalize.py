"""The Arabic search normalizer: one table of pairs, checked against the Python side (indexing) and
the JavaScript side (the query, in the browser) so the two cannot drift apart."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from sitegen.arabic import normalize
from sitegen.search import extra_words
from tests.support import REPO

SEARCH_JS = REPO / "sitegen" / "theme" / "static" / "search.js"
NODE = shutil.which("node")

# (as written, as compared, what it shows)
PAIRS: list[tuple[str, str, str]] = [
    ("الأسد", "الاسد", "hamza above alef"),
    ("إسرائيل", "اسرائيل", "hamza below alef"),
    ("آمنة", "امنه", "madda alef, ta marbuta"),
    ("ٱلمجلس", "المجلس", "alef wasla"),
    ("مستشفى", "مستشفي", "alef maqsura"),
    ("مستشفی", "مستشفي", "Persian yeh"),
    ("الرقة", "الرقه", "ta marbuta"),
    ("کفرنبل", "كفرنبل", "Persian keheh"),
    ("الْقُدْسِ", "القدس", "tashkeel"),
    ("دِمَشْقَ", "دمشق", "tashkeel (fatha, sukun)"),
    ("مُدَرِّسٌ", "مدرس", "shadda, tanwin"),
    ("هٰذا", "هذا", "superscript alef"),
    ("القـــدس", "القدس", "tatweel"),
    ("القـ.ـصف", "القصف", "obfuscation: tatweel, dot"),
    ("لقـ.ـصـ.ـف", "لقصف", "obfuscation twice in a word"),
    ("القـ ـصف", "القصف", "obfuscation: tatweel, space"),
    ("الأنفـ.ـاق", "الانفاق", "obfuscation and hamza"),
    ("القَـ.ـصف", "القصف", "a haraka before the obfuscation"),
    ("بـ«الصباح»", "ب«الصباح»", "legitimate tatweel before a quote: not joined"),
    ('لـ "الصباح"', 'ل "الصباح"', "legitimate tatweel, space, quote: not joined"),
    ("دمشق - حلب", "دمشق - حلب", "a spaced dash between words: not joined"),
    ("ال\u200bأسد", "الاسد", "zero-width space"),
    ("\u200fالأسد\u200e", "الاسد", "RLM and LRM"),
    ("حل\u200c\u200dب", "حلب", "ZWNJ and ZWJ"),
    ("\u2067حلب\u2069", "حلب", "bidi isolates"),
    ("\u202bحلب\u202c", "حلب", "bidi embedding"),
    ("\ufeffحلب", "حلب", "byte order mark"),
    ("حل\u00adب", "حلب", "soft hyphen"),
    ("عين\u00a0عيسى", "عين عيسي", "no-break space"),
    ("ﻻ ﺍﻷﺳﺪ", "لا الاسد", "presentation forms (text copied from a PDF)"),
    ("٢٠٢٠", "2020", "Arabic-Indic digits"),
    ("۱۴۰۰", "1400", "Persian digits"),
    ("Assad regime withdraws forces", "Assad regime withdraws forces", "Latin untouched"),
    (
        "Café Zoë — “co-operate” ﬁle",
        "Café Zoë — “co-operate” ﬁle",
        "Latin accents, dashes, ligature untouched",
    ),
    ("Assad الأسد 2020", "Assad الاسد 2020", "mixed text"),
    ("", "", "empty"),
]
IDS = [note for _, _, note in PAIRS]


@pytest.mark.parametrize(("written", "compared", "note"), PAIRS, ids=IDS)
def test_python_normalizer(written: str, compared: str, note: str) -> None:
    assert normalize(written) == compared
    assert normalize(compared) == compared  # idempotent: a normalized query stays as it is


@pytest.fixture(scope="module")
def js_results() -> list[str]:
    if NODE is None:
        pytest.skip("node is not installed")
    script = (
        "const s = require(process.argv[1]); const inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(inputs.map(s.normalize)));"
    )
    proc = subprocess.run(
        [NODE, "-e", script, str(SEARCH_JS)],
        input=json.dumps([w for w, _, _ in PAIRS]),
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(proc.stdout))


@pytest.mark.parametrize(("index", "compared"), [(i, c) for i, (_, c, _) in enumerate(PAIRS)], ids=IDS)
def test_js_normalizer_mirrors_python(js_results: list[str], index: int, compared: str) -> None:
    assert js_results[index] == compared


def test_js_and_python_agree_on_real_text() -> None:
    """A paragraph of the fixture site's text, whole: the same string from both sides."""
    if NODE is None:
        pytest.skip("node is not installed")
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted((REPO / "tests/fixtures/sites/search/content/articles").glob("*.md"))
    )
    proc = subprocess.run(
        [
            NODE,
            "-e",
            "process.stdout.write(require(process.argv[1]).normalize(require('fs').readFileSync(0, 'utf8')))",
            str(SEARCH_JS),
        ],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout == normalize(text)


def test_extra_words_are_only_the_changed_ones() -> None:
    assert extra_words("نظام الأسد يسحب قواته، تجدد القـ ـصف") == ["الاسد", "القصف"]
    assert extra_words("Assad regime withdraws") == []


def test_js_excerpt_shows_the_words_as_written() -> None:
    if NODE is None:
        pytest.skip("node is not installed")
    content = "وقال مسؤول إن إسرائيل <لم> تعلّق. تجدد القـ ـصف. ⁂sitegen⁂ اسرائيل القصف"
    script = (
        "const s = require(process.argv[1]);"
        "process.stdout.write(JSON.stringify([s.excerpt(process.argv[2], 'اسرائيل', 30),"
        " s.excerpt(process.argv[2], 'القصف', 30)]))"
    )
    proc = subprocess.run(
        [NODE, "-e", script, str(SEARCH_JS), content], capture_output=True, text=True, check=True
    )
    first, second = json.loads(proc.stdout)
    assert first == "وقال مسؤول إن <mark>إسرائيل</mark> &lt;لم&gt; تعلّق. تجدد القـ ـصف."
    assert "<mark>القـ</mark> <mark>ـصف.</mark>" in second and "⁂" not in second
