"""Arabic text rules, in one module: the search normalizer, the repair of copied text, and matching keys.

`normalize` is one pure function, applied to indexed text and (mirrored in `theme/static/search.js`) to
the reader's query, so both sides meet on the same spelling. `repair` (the importer) keeps the spelling and
only undoes invisible marks and obfuscation; `fold` and `title_key` (registries, validation, the importer,
related titles) build on `normalize`.

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


# ---- for text that is kept (the importer), not only compared -------------------------------------------
# `normalize` above folds spelling for search. Imported text must keep its spelling: only invisible
# characters, odd spaces and tatweel obfuscation are repaired. The rules live here so the importer and
# search agree on what is invisible and what obfuscation looks like (../shared/notes/search-and-arabic.md).

# Arabic letters and the marks that may sit on them (tatweel excluded)
LETTER_OR_MARK = "[\u0620-\u063f\u0641-\u065f\u0670-\u06d3\u06fa-\u06fc]"
# no-break and typographic spaces: ordinary spaces for search and line wrapping
ODD_SPACE = re.compile("[\u00a0\u202f\u2000-\u200a\u205f\u3000]")
# obfuscation kept-text repair undoes: tatweel plus a separator inside a word. A dot (or middle dot,
# bullet) needs a tatweel on at least one side; a space needs tatweel on both sides, so `بـ «` stays.
REPAIR_OBFUSCATION = re.compile(
    f"(?<={LETTER_OR_MARK})(?:{TATWEEL}+[.\u00b7\u2022]+{TATWEEL}*|{TATWEEL}*[.\u00b7\u2022]+{TATWEEL}+"
    f"|{TATWEEL}+ {TATWEEL}+)(?={LETTER_OR_MARK})"
)
# decorative tatweel between two letters of one word: `سـوق` → `سوق`
_INNER_TATWEEL = re.compile(f"(?<={LETTER_OR_MARK}){TATWEEL}+(?={LETTER_OR_MARK})")
# tatweel ending a word of two or more letters (`الأغانـ `), never after a one-letter prefix (`بـ *`)
# or before a quote, digit or guillemet (`لـ«الصباح»`)
_TRAILING_TATWEEL = re.compile(f"(?<={LETTER_OR_MARK}{LETTER_OR_MARK}){TATWEEL}+(?=\\s|$)")
# tatweel opening a word (`ـصف`) is never spelling
_LEADING_TATWEEL = re.compile(f"(?:(?<=\\s)|^){TATWEEL}+(?={LETTER_OR_MARK})", re.MULTILINE)


def repair(text: str) -> str:
    """Copied text with invisible controls removed, spaces made ordinary and tatweel obfuscation
    undone; every other letter stays as written (unlike `normalize`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = INVISIBLE.sub("", text)
    text = ODD_SPACE.sub(" ", text)
    text = REPAIR_OBFUSCATION.sub("", text)
    text = _INNER_TATWEEL.sub("", text)
    text = _TRAILING_TATWEEL.sub("", text)
    return _LEADING_TATWEEL.sub("", text)


# remembered: validation folds every tag and author of every article, the same few hundred names over
# and over (at 10k articles 88k calls for ~1k distinct texts: 0.3 s of a stage that runs on one core)
@lru_cache(maxsize=1 << 14)
def fold(text: str) -> str:
    """The key for matching labels, names and titles typed in different ways: `normalize` (hamza forms,
    ى/ي, ة/ه, marks, tatweel), then case and runs of spaces ignored. Registries (data.py), validation and
    the importer all match with it."""
    return " ".join(normalize(text).casefold().split())


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
    return " ".join(_punctuation().sub(" ", fold(title)).split())
