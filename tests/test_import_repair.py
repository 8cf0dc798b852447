"""The repair table: copied Arabic text in, repaired text out (one test per pair)."""

from __future__ import annotations

import pytest

from sitegen.importer.repair import TATWEEL, repair

PAIRS = [
    # obfuscated words (tatweel + dot inside a word)
    ("القـ.ـصف", "القصف"),
    ("لقـ.ـصـ.ـف", "لقصف"),
    ("الأنفـ.ـاق", "الأنفاق"),
    ("للاستهـ.ـداف", "للاستهداف"),
    ("للقـ.ـصف.. وتعلن", "للقصف.. وتعلن"),  # the real ".." after the word stays
    ("القـ ـصف", "القصف"),  # tatweel on both sides of a space
    ("القـ·ـصف", "القصف"),  # middle dot
    # stray (decorative) tatweel
    ("سـوق الأغانـي", "سوق الأغاني"),
    ("الأعلـــى", "الأعلى"),
    ("كلمةـ أخرى", "كلمة أخرى"),
    ("ـصف", "صف"),
    # legitimate tatweel after a one-letter prefix stays
    ("بـ«الساعات الأولى»", "بـ«الساعات الأولى»"),
    ("لـ«الصباح»", "لـ«الصباح»"),
    ('بـ"الحبش"', 'بـ"الحبش"'),
    ("مشار إليها بـ *", "مشار إليها بـ *"),
    ("بـ 37 آلية", "بـ 37 آلية"),
    # invisible characters and odd spaces
    ("عين\u200fعيسى", "عينعيسى"),
    ("عين\u200f عيسى", "عين عيسى"),
    ("\u202bنص\u202c", "نص"),
    ("\u2067نص\u2069", "نص"),
    ("كلمة\u200bكلمة", "كلمةكلمة"),
    ("\ufeffبداية", "بداية"),
    ("منبج\u00a0وحلب", "منبج وحلب"),
    ("منبج\u202fوحلب", "منبج وحلب"),
    ("soft\u00adhyphen", "softhyphen"),
    ("line\r\nnext", "line\nnext"),
    # plain text is left alone
    ("The U.S. forces left al-Tanf.", "The U.S. forces left al-Tanf."),
    ("نص عادي. وجملة أخرى", "نص عادي. وجملة أخرى"),
    ("2020.12.21", "2020.12.21"),
]


@pytest.mark.parametrize("raw, expected", PAIRS, ids=[p[0] for p in PAIRS])
def test_repair(raw: str, expected: str) -> None:
    assert repair(raw) == expected


REMOVABLE = set(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u061c\u2060\u00ad\ufeff.\u00b7" + TATWEEL
)

SENTENCES = [
    "وأشار “الحبش” إلى أن عملية استقدام الشبان جاءت بهدف الإسراع في عملية حفر الأنفـ.ـاق والخنادق.",
    "لأن ليس على استعداد للدخول في مواجـ.ـهة عسكرية خاسـ.ـرة في المنطقة.",
    "الناشط الحقوقي السوداني خالد عبد الكريم ماسا لـ«الصباح»: كل الشروط متوفرة",
    "إِنَّ الْقُدْسَ\u200f مَدِينَةٌ، وَدِمَشْقَ\u00a0كَذَلِك؟ ١٢٣ ٤٥",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_repair_changes_no_other_letter(text: str) -> None:
    """Dropping the characters repair may remove, both texts are the same letter for letter."""

    def letters(s: str) -> str:
        return "".join(c for c in s.replace("\u00a0", " ") if c not in REMOVABLE)

    repaired = repair(text)
    assert letters(repaired) == letters(text)
    assert not set(repaired) & (REMOVABLE - {".", TATWEEL})
