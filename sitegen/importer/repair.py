"""Stage: repair copied text — invisible characters, odd spaces, obfuscated and stray tatweel.

Only these characters are touched; every other letter of the text stays as it was (the tests check
this on real sentences). Why each rule exists is in ../shared/notes/search-and-arabic.md: sites write
`القـ.ـصف` so that filters miss the word `القصف`, while `بـ«` and `لـ«الصباح»` are normal spelling.
"""

from __future__ import annotations

import re

TATWEEL = "\u0640"
# Arabic letters and the marks that may sit on them (tatweel itself excluded)
_LETTER = "[\u0620-\u063f\u0641-\u065f\u0670-\u06d3\u06fa-\u06fc]"

# Invisible characters met in copied text: ZWSP/ZWNJ/ZWJ/LRM/RLM, bidi embeddings and isolates,
# Arabic letter mark, word joiner, soft hyphen, BOM. ZWNJ carries meaning in Persian only.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\u2060\u00ad\ufeff]")
# No-break and typographic spaces become ordinary spaces (search and line wrapping expect them).
_ODD_SPACE = re.compile("[\u00a0\u202f\u2000-\u200a\u205f\u3000]")

# Obfuscation: tatweel plus a separator inside a word. A dot (or middle dot, bullet) needs a
# tatweel on at least one side; a space needs tatweel on both sides, so `بـ «` is left alone.
_DOTTED = re.compile(
    f"(?<={_LETTER})(?:{TATWEEL}+[.\u00b7\u2022]+{TATWEEL}*|{TATWEEL}*[.\u00b7\u2022]+{TATWEEL}+"
    f"|{TATWEEL}+ {TATWEEL}+)(?={_LETTER})"
)
# Stray (decorative) tatweel between two letters of one word: `سـوق` -> `سوق`.
_INNER = re.compile(f"(?<={_LETTER}){TATWEEL}+(?={_LETTER})")
# Tatweel ending a word of two or more letters before a space or the end (`الأغانـ `), but not
# after a one-letter prefix (`بـ *`) and never before a quote, digit or guillemet (`لـ«الصباح»`).
_TRAILING = re.compile(f"(?<={_LETTER}{_LETTER}){TATWEEL}+(?=\\s|$)")
# Tatweel opening a word (`ـصف`) is never spelling.
_LEADING = re.compile(f"(?:(?<=\\s)|^){TATWEEL}+(?={_LETTER})", re.MULTILINE)
_SPACES = re.compile(r"[ \t]+")


def repair(text: str) -> str:
    """Remove invisible controls, normalise spaces and undo tatweel obfuscation in `text`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _ODD_SPACE.sub(" ", text)
    text = _DOTTED.sub("", text)
    text = _INNER.sub("", text)
    text = _TRAILING.sub("", text)
    text = _LEADING.sub("", text)
    return text


def repair_line(text: str) -> str:
    """`repair`, then one line with single spaces (for titles, names and front-matter values)."""
    return _SPACES.sub(" ", " ".join(repair(text).split())).strip()


def arabic_share(text: str) -> float:
    """The share of letters that are Arabic: used to guess the language when `--lang` is not given."""
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f") / len(letters)
