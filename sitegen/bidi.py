"""Left-to-right runs inside right-to-left text, isolated so the bidi algorithm cannot reorder them.

In an Arabic sentence, `BibTeX (.bib)` shows as `(bib.) BibTeX` and `example.org/a-b` splits around its
punctuation: the neutral characters between Latin letters take the direction of the Arabic around them.
Each Latin run (with the digits before it, the punctuation inside it and a bracket it opened) goes in
`<bdi dir="ltr">`; the Arabic text around it stays as it was. Used on article text (markdown.py), titles,
names and interface strings on right-to-left pages (cite.fragment, render.View.link).
"""

from __future__ import annotations

import re

from sitegen.escape import esc

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
