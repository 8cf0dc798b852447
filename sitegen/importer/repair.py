"""Stage: repair copied text — invisible characters, odd spaces, obfuscated and stray tatweel.

The rules are `sitegen.arabic.repair` (one Arabic text module for search and import); this module adds
what only the importer needs: one-line fields and the language guess. Only those characters are touched;
every other letter of the text stays as it was (the tests check this on real sentences).
"""

from __future__ import annotations

import re

from sitegen.arabic import TATWEEL, repair

__all__ = ["TATWEEL", "arabic_share", "repair", "repair_line"]

_SPACES = re.compile(r"[ \t]+")


def repair_line(text: str) -> str:
    """`repair`, then one line with single spaces (for titles, names and front-matter values)."""
    return _SPACES.sub(" ", " ".join(repair(text).split())).strip()


def arabic_share(text: str) -> float:
    """The share of letters that are Arabic: used to guess the language when `--lang` is not given."""
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f") / len(letters)
