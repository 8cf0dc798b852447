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
from functools import lru_cache

TATWEEL = "\u0640"
ARABIC_LETTER = "[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06fc]"

# invisible characters met in copied text: zero-width (ZWSP, ZWNJ, ZWJ, LRM, RLM), bidi embeddings and
# isolates, word joiner, Arabic letter mark, soft hyphen, BOM. ZWNJ matters in Persian, not in Arabic news.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\u00ad\ufeff]")
# obfuscation: tatweel with a separator inside a word (`القـ.ـصف`, `القـ ـصف`, `الق.ـصف`); legitimate
# tatweel (`بـ«`, `لـ"الصباح"`) has no letter right after the separator, so it is not joined.
OBFUSCATION = re.compile(
    f"(?<={ARABIC_LETTER})(?:{TATWEEL}+[ .\\-_*·•]{{1,3}}{TATWEEL}*|[ .\\-_*·•]{{1,3}}{TATWEEL}+)(?={ARABIC_LETTER})"
)
# tashkeel (harakat, tanwin, shadda, sukun, superscript alef) and Quranic annotation marks
TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Arabic presentation forms (text copied from PDFs): back to the base letters
PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
LETTERS: dict[str, str] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",  # hamza and wasla forms of alef
    "ى": "ي",
    "ی": "ي",  # alef maqsura, Persian yeh
    "ة": "ه",  # ta marbuta
    "ک": "ك",  # Persian keheh
    "\u00a0": " ",  # no-break space
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
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
    text = TASHKEEL.sub("", text)  # first, so a mark between a letter and a tatweel hides nothing
    if TATWEEL not in text:  # the common case; the obfuscation pattern is costly to scan for
        return text
    text = OBFUSCATION.sub("", text)
    return text.replace(TATWEEL, "")


@lru_cache(maxsize=1)
def _punctuation() -> re.Pattern[str]:
    # every Unicode punctuation and symbol of the BMP (quotes «» “” „, ، ؛ ؟, dashes, ...) plus emoji:
    # one character class runs ~3x faster than a per-character category test; built on first use (~10 ms)
    chars = "".join(re.escape(chr(cp)) for cp in range(0x10000) if unicodedata.category(chr(cp))[0] in "PS")
    return re.compile(f"[{chars}\U0001f000-\U0001faff]+")


def title_key(title: str) -> str:
    """A title as compared to find an article by it (`related: [{title: …}]`, the importer's "read also"):
    `normalize`d, case-folded, with punctuation, quotes and symbols taken as spaces.

    Not mirrored in search.js: the reader's query never goes through it."""
    return " ".join(_punctuation().sub(" ", normalize(title).casefold()).split())
