"""Stage: a slug for an imported article — `--slug`, else the source URL, else the title transliterated.

Slugs are lowercase ASCII letters, digits and hyphens (docs/content.md), short and stable: the same
input always gives the same slug, so importing twice finds the first file instead of making a copy.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
MAX_WORDS = 7
MAX_LENGTH = 60

# A readable, reversible-enough romanisation for URLs (not a scholarly one): one Latin group per letter.
_ARABIC = {
    "ا": "a",
    "أ": "a",
    "إ": "i",
    "آ": "a",
    "ٱ": "a",
    "ء": "",
    "ؤ": "u",
    "ئ": "i",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ة": "a",
    "و": "w",
    "ي": "y",
    "ى": "a",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
    "ک": "k",
    "ی": "y",
    "ڤ": "v",
}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# words that make URLs long without telling articles apart
_STOP = {"the", "a", "an", "of", "and", "in", "on", "to", "for", "html", "htm", "php", "aspx", "index", "amp"}


def is_valid(slug: str) -> bool:
    return bool(SLUG_RE.match(slug))


def transliterate(text: str) -> str:
    """Latin letters for `text`: Arabic romanised letter by letter, accents dropped, rest removed."""
    out = []
    for ch in text.translate(_DIGITS):
        if ch in _ARABIC:
            out.append(_ARABIC[ch])
        elif "\u064b" <= ch <= "\u065f" or ch == "\u0640":
            continue  # diacritics and tatweel
        else:
            out.append(ch)
    latin = unicodedata.normalize("NFKD", "".join(out)).encode("ascii", "ignore").decode()
    return latin


def slugify(text: str, max_words: int = MAX_WORDS) -> str:
    """A slug from any text, or '' when nothing usable is left."""
    words = re.split(r"[^a-z0-9]+", transliterate(text).lower())
    words = [w for w in words if w and w not in _STOP]
    slug = ""
    for word in words[:max_words]:
        if len(slug) + len(word) + 1 > MAX_LENGTH:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug.strip("-")


def slug_from_url(url: str) -> str:
    """The last path segment that reads as words (`/2020/12/ain-issa.html` → `ain-issa`), or ''."""
    segments = [s for s in unquote(urlsplit(url).path).split("/") if s]
    for depth, segment in enumerate(reversed(segments)):
        segment = re.sub(r"\.(?:s?html?|php|aspx?)$", "", segment, flags=re.IGNORECASE)
        words = len(re.findall(r"[^\W\d_]{2,}", segment))
        # the last segment if it has words; one before a trailing id only if it is a real headline
        # (`/story/2020/8/24/<headline>/4943459`), not a section (`/news-and-reports/<id>`)
        if (depth == 0 and words >= 2) or (depth == 1 and words >= 4):
            # long numeric ids glued to the headline (`202003171044893040-<headline>`) say nothing
            return slugify(re.sub(r"(?:^|(?<=-))\d{5,}(?:-|$)", "", segment))
        if depth >= 1:
            break
    return ""


def choose_slug(explicit: str, url: str, title: str) -> str:
    """`--slug`, else from the URL, else from the title; '' only if all three are empty."""
    if explicit:
        return explicit
    return slug_from_url(url) or slugify(title) or ""
