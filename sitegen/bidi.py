"""Mixed-direction text, isolated so the bidi algorithm cannot reorder it.

- A name or title in the other language's script (an Arabic name on an English page, or the reverse) goes
  in `<bdi>` marked with its language, so screen readers and fonts get it right (`fragment`, `isolate`).
- Left-to-right runs inside right-to-left text: in an Arabic sentence, `BibTeX (.bib)` shows as
  `(bib.) BibTeX` and `example.org/a-b` splits around its punctuation, because the neutral characters
  between Latin letters take the direction of the Arabic around them. Each Latin run (with the digits
  before it, the punctuation inside it and a bracket it opened) goes in `<bdi dir="ltr">`; the Arabic
  text around it stays as it was (`isolate_ltr`: article text, titles, names, interface strings).
"""

from __future__ import annotations

import re

from markupsafe import Markup

from sitegen.arabic import ARABIC_SCRIPT
from sitegen.escape import esc
from sitegen.model import direction

# strong right-to-left characters: Hebrew, Arabic, Syriac, Thaana, NKo…, presentation forms, RLM and ALM
RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u061c"
# strong left-to-right letters of the scripts an archive quotes: Latin, Greek, Cyrillic
LTR = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0370-\u03ff\u0400-\u052f\u1e00-\u1eff"
HAS_LTR = re.compile(f"[{LTR}]")
# a run: optional number before it (`15 km`, `2.5 GHz`), a letter, then anything but Arabic up to the last
# letter or digit (`example.org/a-b`, `ISBN 978-3-16`, `Zotero 7`)
LTR_RUN = re.compile(rf"(?:\d[\d.,:/-]*\s?)?[{LTR}](?:[^{RTL}]*[{LTR}\d])?")
OPENERS, CLOSERS = "([{<", ")]}>"
FIRST_STRONG = re.compile(f"[{RTL}{LTR}]")


def starts_rtl(text: str) -> bool:
    """True when the first strong letter is right to left: the direction `<bdi>` or dir="auto" gives `text`."""
    m = FIRST_STRONG.search(text)
    return m is not None and not HAS_LTR.match(m.group(0))


def _runs(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in LTR_RUN.finditer(text):
        start, end = m.span()
        # a bracket the run opened is closed inside it, and one it closes is opened inside it:
        # `BibTeX (.bib)` and `<script>`, not `BibTeX (.bib` + `)`
        changed = True
        while changed:
            changed = False
            run = text[start:end]
            for opener, closer in zip(OPENERS, CLOSERS, strict=True):
                if end < len(text) and text[end] == closer and run.rfind(opener) > run.rfind(closer):
                    end, changed = end + 1, True
                elif (
                    start > 0
                    and text[start - 1] == opener
                    and run.find(closer) >= 0
                    and not 0 <= run.find(opener) < run.find(closer)
                ):
                    start, changed = start - 1, True
        spans.append((start, end))
    return spans


def isolate_ltr(text: str) -> str:
    """`text` as escaped HTML, each left-to-right run in `<bdi dir="ltr">` (for right-to-left contexts)."""
    if not HAS_LTR.search(text):
        return esc(text)
    out: list[str] = []
    last = 0
    for run_start, end in _runs(text):
        start = max(run_start, last)  # a bracket both runs claim stays with the first
        out.append(esc(text[last:start]))
        out.append(f'<bdi dir="ltr">{esc(text[start:end])}</bdi>')
        last = end
    out.append(esc(text[last:]))
    return "".join(out)


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
    # the <bdi> takes the direction of the first letter: right to left, its Latin runs are isolated in turn
    return f"<bdi>{isolate_ltr(text) if starts_rtl(text) else esc(text)}</bdi>"
