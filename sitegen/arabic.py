"""The Arabic search normalizer: one pure function, applied to indexed text and (mirrored in
`theme/static/search.js`) to the reader's query, so both sides meet on the same spelling.

Readers type without hamza, tashkeel or tatweel and mix ي/ى, ة/ه and Persian ی/ک; copied text carries
invisible controls and obfuscation like `القـ.ـصف`. Pagefind's Snowball stemmer handles some of this,
not all (see ../shared/notes/search-and-arabic.md). Latin text is left exactly as it is: Pagefind
lower-cases and stems it itself.

Any change here must be made in `search.js` too; tests/test_search_normalize.py runs both over one table.
"""

from __future__ import annotations

import re
import unicodedata

TATWEEL = "\u0640"
ARABIC_LETTER = "[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc]"

# invisible characters met in copied text: zero-width (ZWSP, ZWNJ, ZWJ, LRM, RLM), bidi embeddings and
# isolates, word joiner, Arabic letter mark, soft hyphen, BOM. ZWNJ matters in Persian, not in Arabic news.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\u00ad\ufeff]")
# obfuscation: tatweel with a separator inside a word (`القـ.ـصف`, `القـ ـصف`, `الق.ـصف`); legitimate
# tatweel (`بـ«`, `لـ"الصباح"`) has no letter right after the separator, so it is not joined.
OBFUSCATION = re.compile(
    f"(?<={ARABIC_LETTER})(?:{TATWEEL}+[ .\\-_*·•]{{1,3}}{TATWEEL}*|[ .\\-_*·•]{{1,3}}{TATWEEL}+)(?={ARABIC_LETTER})")
# any letter of the Arabic script (base, supplement, extended, presentation forms): which way text runs
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# tashkeel (harakat, tanwin, shadda, sukun, superscript alef) and Quranic annotation marks
_TASHKEEL = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
TASHKEEL = re.compile(f"[{_TASHKEEL}]")
# what a URL, a slug or a label match ignores: tashkeel and tatweel (they make two spellings of a name differ)
MARKS = re.compile(f"[{_TASHKEEL}{TATWEEL}]")
# Arabic presentation forms (text copied from PDFs): back to the base letters
PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
LETTERS: dict[str, str] = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",     # hamza and wasla forms of alef
    "ى": "ي", "ی": "ي",                      # alef maqsura, Persian yeh
    "ة": "ه",                                # ta marbuta
    "ک": "ك",                                # Persian keheh
    "\u00a0": " ",                           # no-break space
    **{chr(0x0660 + i): str(i) for i in range(10)},   # Arabic-Indic digits
    **{chr(0x06f0 + i): str(i) for i in range(10)},   # Persian digits
}
# str.translate with a table this size walks every character in Python-level lookups (~0.3 ms for an
# article); one C-speed `in` test and `replace` per letter is ~35x faster on real text
_FOLDS = tuple(LETTERS.items())


def normalize(text: str) -> str:
    """The spelling search compares: `الأَسَـد` → `الاسد`, `القـ.ـصف` → `القصف`; Latin is untouched."""
    text = INVISIBLE.sub("", text)
    text = PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    for letter, folded in _FOLDS:
        if letter in text:
            text = text.replace(letter, folded)
    text = TASHKEEL.sub("", text)          # first, so a mark between a letter and a tatweel hides nothing
    if TATWEEL not in text:                # the common case; the obfuscation pattern is costly to scan for
        return text
    text = OBFUSCATION.sub("", text)
    return text.replace(TATWEEL, "")


def fold(text: str) -> str:
    """The key for matching labels and names typed in different ways: case, spacing and the hamza forms
    of alef (`أ إ آ` → `ا`) ignored. Registries (data.py), validation and the importer all match with it."""
    return " ".join(text.casefold().replace("إ", "ا").replace("أ", "ا").replace("آ", "ا").split())
