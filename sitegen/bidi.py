"""Mixed-direction text: an Arabic name on an English page (or the reverse) isolated so it cannot reorder
the text around it, and marked with its language so that screen readers and fonts get it right."""

from __future__ import annotations

import re

from markupsafe import Markup

from sitegen.arabic import ARABIC_SCRIPT
from sitegen.escape import esc
from sitegen.model import direction

LATIN_SCRIPT = re.compile("[A-Za-z\u00c0-\u024f]")


def script_lang(text: str, languages: tuple[str, ...]) -> str | None:
    """The site language whose script `text` is written in (Arabic or Latin letters only), or None."""
    arabic, latin = bool(ARABIC_SCRIPT.search(text)), bool(LATIN_SCRIPT.search(text))
    if arabic == latin:
        return None
    want = "rtl" if arabic else "ltr"
    return next((lang for lang in languages if direction(lang) == want), "ar" if arabic else "en")


def fragment(text: str, page_lang: str, languages: tuple[str, ...]) -> Markup:
    """`text` isolated for bidi; marked with its language when its script runs the other way."""
    return Markup(isolate(text, page_lang, languages))


def isolate(text: str, page_lang: str, languages: tuple[str, ...]) -> str:
    """`fragment` as a plain string, for HTML assembled as strings (citations)."""
    lang = script_lang(text, languages)
    if lang and direction(lang) != direction(page_lang):
        return f'<bdi lang="{lang}" dir="{direction(lang)}">{esc(text)}</bdi>'
    return f"<bdi>{esc(text)}</bdi>"
