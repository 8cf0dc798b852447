"""The citation as files: BibTeX and RIS (`bibtex`, `ris`), and how an article page carries them: made in
the browser by theme/static/cite.js from the page's tags and `script_data`, or a `data:` URL (`data_url`)
for a site's own templates/cite.bib or cite.ris. cite.js is a second writer of `bibtex`, `ris` and
`_notes`: a change here is made there too (tests/test_cite_js.py compares them).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from sitegen import i18n
from sitegen.cite import COMPACT_JSON, Citation, slashed
from sitegen.cite_escape import bib_text, bib_url, one_line

BIBTEX_LANGS = {
    "ar": "arabic",
    "en": "english",
    "fr": "french",
    "fa": "persian",
    "tr": "turkish",
    "ku": "kurdish",
}


def _notes(c: Citation) -> str:
    """The provenance as one English sentence set, for BibTeX `note` and RIS `N1`."""
    notes = []
    if c.translated_from:
        by = f" by {c.translator}" if c.translator else ""
        notes.append(
            f"Translated from {i18n.language_name(c.translated_from.lang, 'en')}{by}: "
            f"{c.translated_from.url}."
        )
    s = c.source
    if s.name or s.url:
        notes.append("Original source: " + ", ".join(x for x in (s.name, s.url) if x) + ".")
    if s.accessed:
        notes.append(f"Accessed {s.accessed.isoformat()}.")
    if s.archive_url:
        notes.append(f"Archived copy: {s.archive_url}.")
    if s.sha256:
        notes.append(f"SHA-256 of the original: {s.sha256}.")
    return " ".join(notes)


# --- BibTeX ---------------------------------------------------------------------------------------


def bibtex(c: Citation) -> str:
    fields: list[tuple[str, str]] = []
    if c.authors:
        # each name braced: BibTeX must not split "رامي فاخوري" into first and last names
        fields.append(("author", " and ".join("{" + bib_text(a) + "}" for a in c.authors)))
    url = bib_url(c.url)
    fields += [
        ("title", "{" + bib_text(c.title) + "}"),
        ("date", c.date.isoformat()),
        ("year", str(c.date.year)),
        ("month", str(c.date.month)),
        ("publisher", bib_text(c.site)),
        ("howpublished", r"\url{" + url + "}"),
        ("url", url),
        ("language", BIBTEX_LANGS.get(c.lang, c.lang)),
        ("langid", BIBTEX_LANGS.get(c.lang, c.lang)),
    ]
    if c.summary:
        fields.append(("abstract", bib_text(c.summary)))
    if c.keywords:
        fields.append(("keywords", bib_text(", ".join(c.keywords))))
    if c.translator:
        fields.append(("translator", "{" + bib_text(c.translator) + "}"))
    note = _notes(c)
    if note:
        fields.append(("note", bib_text(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{c.key},\n{body}\n}}\n"


# --- RIS ------------------------------------------------------------------------------------------


def ris(c: Citation) -> str:
    """RIS (Zotero, EndNote, Mendeley). A value never spans lines: a title cannot forge a tag."""
    rows: list[tuple[str, str]] = [("TY", "NEWS"), ("TI", c.title)]
    rows += [("AU", a) for a in c.authors]
    rows += [
        ("PY", str(c.date.year)),
        ("DA", slashed(c.date)),
        ("T2", c.site),
        ("PB", c.site),
        ("LA", c.lang),
        ("UR", c.url),
    ]
    if c.translator:
        rows.append(("A4", c.translator))  # RIS "translator" role
    if c.summary:
        rows.append(("AB", c.summary))
    rows += [("KW", k) for k in c.keywords]
    note = _notes(c)
    if note:
        rows.append(("N1", note))
    rows.append(("ER", ""))
    return "".join([f"{tag}  - {one_line(value)}\r\n" for tag, value in rows])


# --- downloads without files ----------------------------------------------------------------------

# what a data: URL cannot hold as is: `%` and `#` would change its meaning, the URL parser drops tabs and
# newlines, control characters are not allowed. The rest (Arabic included) stays raw UTF-8, a third of
# its percent-encoded size; the HTML attribute's own escaping (esc, Jinja) is applied on top.
_DATA_URL_ESCAPES = re.compile("[%#\x00-\x1f\x7f]")
_RARE_CONTROLS = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")  # all but the newlines


def data_url(text: str, media_type: str) -> str:
    """`text` as a `data:` URL, for the download link of a site's own templates/cite.bib or cite.ris."""
    # the four a citation holds, with str.replace (C speed); any other control character by the pattern:
    # a call per character escaped was ~40 us of every article page (two downloads, ~25 newlines each)
    body = text
    for char, code in (("%", "%25"), ("#", "%23"), ("\n", "%0A"), ("\r", "%0D")):
        if char in body:  # a search is ~10x faster than a replace that finds nothing (Arabic text)
            body = body.replace(char, code)
    if _RARE_CONTROLS.search(text):
        body = _DATA_URL_ESCAPES.sub(
            lambda m: m.group(0) if m.group(0) == "%" else f"%{ord(m.group(0)):02X}", body
        )
    return f"data:{media_type};charset=utf-8,{body}"


# --- downloads made in the browser ----------------------------------------------------------------


def script_data(c: Citation) -> dict[str, str | list[str]]:
    """What theme/static/cite.js needs for bibtex(c) and ris(c) that the article page does not state."""
    # The script reads the rest from head_html (JSON-LD, citation_keywords, citation_publication_date) and
    # article.html's description; the entry key is the download's name. The HTML parser gives an attribute
    # back whole but for NUL (read as U+FFFD) and CR (read as LF, which one_line turns into the same space):
    # a value with NUL, or one the page cannot tell apart, is carried here instead.
    data: dict[str, str | list[str]] = {}
    if not c.summary or "\0" in c.summary:  # without a summary the description is the title
        data["s"] = c.summary
    if any("; " in k or "\0" in k for k in c.keywords):  # citation_keywords joins them with "; "
        data["k"] = list(c.keywords)
    s = c.source
    if s.accessed:
        data["d"] = s.accessed.isoformat()
    if s.archive_url and not (s.name or s.url):  # json_ld writes archivedAt only inside isBasedOn
        data["r"] = s.archive_url
    if s.sha256:
        data["h"] = s.sha256
    return data


def single_quoted_json(data: Any) -> Markup:
    """`data` as compact JSON for a single-quoted HTML attribute, where its `"` stay one byte (not `&#34;`)."""
    text = COMPACT_JSON.encode(data)
    for char, code in (("&", "&amp;"), ("'", "&#39;"), ("<", "&lt;"), (">", "&gt;")):
        if char in text:
            text = text.replace(char, code)
    return Markup(text)
