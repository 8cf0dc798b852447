"""The citation downloads' second writer, theme/static/cite.js, run under node against cite_files.py: the same
escaping (cite_escape.py) and the same files for random hostile citations, read from what their page says
as a browser's HTML parser gives it back. tests/test_research.py clicks the real links in Chromium."""

from __future__ import annotations

import datetime as dt
import html
import json
import random
from dataclasses import replace
from typing import Any

from sitegen import cite, cite_files, i18n
from sitegen.cite_escape import bib_text, bib_url, one_line
from sitegen.model import Source
from tests.support import cite_js

# what the files escape or drop, what a page or the HTML parser treats specially, the spaces str.strip()
# and JavaScript's trim() disagree on (U+0085, U+FEFF), bidi marks, Arabic, and a character outside the BMP
ALPHABET = "ab عر[]{}\\%#&~^_$\"'<>/;: \n\r\t\x00\x1f\x7f\x85\xa0\u2028\u2029\u200f\u202e\ufeff\u3000é😀"


def text(rng: random.Random, longest: int = 12) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def test_the_tables_are_cite_files_pys() -> None:
    assert cite_js("BIBTEX_LANGS", [[]]) == [cite_files.BIBTEX_LANGS]
    assert cite_js("NAMES_EN", [[]]) == [i18n.NAMES_IN["en"]]


def test_escaping_is_cite_escapes() -> None:
    rng = random.Random(11)
    texts = [text(rng, 24) for _ in range(3000)] + ["", " ", "\ufeff x \x85", "a\r\n\u2028b"]
    for name, python in (("oneLine", one_line), ("bibText", bib_text), ("bibUrl", bib_url)):
        assert cite_js(name, [[t] for t in texts]) == [python(t) for t in texts], name


def random_citation(rng: random.Random) -> cite.Citation:
    def some(make: Any, most: int = 3) -> tuple[Any, ...]:
        return tuple(make() for _ in range(rng.randint(0, most)))

    def maybe(value: str) -> str:
        return value if rng.random() < 0.5 else ""

    lang = rng.choice(["ar", "en", "de"])
    authors = some(lambda: text(rng))
    return cite.Citation(
        slug="report-" + str(rng.randint(0, 99)),
        lang=lang,
        title=text(rng),
        authors=authors,
        author_urls=tuple(f"https://x.org/authors/{i}/" for i in range(len(authors))),
        date=dt.date(rng.choice([5, 999, 1000, 2021]), rng.randint(1, 12), rng.randint(1, 28)),
        url="https://x.org/" + text(rng),
        site=text(rng),
        home="https://x.org/",
        summary=rng.choice(["", text(rng), "same"]),
        keywords=some(lambda: text(rng)),
        source=Source(
            name=maybe(text(rng)),
            url=maybe("https://src.org/" + text(rng)),
            accessed=dt.date(2020, 1, 2) if rng.random() < 0.5 else None,
            archive_url=maybe("https://web.archive.org/" + text(rng)),
            sha256=maybe("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        ),
        translated_from=cite.Version(rng.choice(["ar", "fr", "xx"]), "https://x.org/o/")
        if rng.random() < 0.5
        else None,
        translations=(),
        translator=maybe(text(rng)),
    )


def parsed(value: str) -> str:
    """An attribute's value as the HTML parser gives it to the script: newlines normalized, NUL replaced."""
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def page_of(c: cite.Citation) -> tuple[dict[str, Any], Any]:
    """What cite.js reads from the page of `c` (pageFacts) and its data-cite, as the browser gives them."""
    summary = c.summary or c.title  # article.html's <meta name="description">
    facts = {
        "ld": json.loads(str(cite.script_json(cite.json_ld(c)))),
        "description": parsed(summary),
        "keywords": parsed("; ".join(c.keywords)) if c.keywords else None,
        "slashed": cite.slashed(c.date),
    }
    return facts, json.loads(html.unescape(str(cite_files.single_quoted_json(cite_files.script_data(c)))))


def test_the_files_are_cite_files_pys_for_random_hostile_citations() -> None:
    rng = random.Random(5)
    citations = [random_citation(rng) for _ in range(1500)]
    # a summary that is the title: the description alone cannot tell it from none
    citations = [replace(c, summary=c.title) if i % 5 == 0 else c for i, c in enumerate(citations)]
    calls = [[*page_of(c), f"{c.key}.{ext}"] for c in citations for ext in ("bib", "ris")]
    made = cite_js("file", calls)
    expected = [
        (w(c), t)
        for c in citations
        for w, t in ((cite_files.bibtex, "x-bibtex"), (cite_files.ris, "x-research"))
    ]
    for (text_, kind), got, call in zip(expected, made, calls, strict=True):
        assert got["text"] == text_, call
        assert got["type"].startswith("application/" + kind) and got["type"].endswith(";charset=utf-8")


def test_script_data_carries_only_what_the_page_cannot_say() -> None:
    c = random_citation(random.Random(1))
    plain = replace(c, summary="S", keywords=("a", "b"), source=Source())
    assert cite_files.script_data(plain) == {}
    assert cite_files.script_data(replace(plain, summary="")) == {"s": ""}
    assert cite_files.script_data(replace(plain, summary="a\0b")) == {"s": "a\0b"}
    assert cite_files.script_data(replace(plain, keywords=("a; b", "c"))) == {"k": ["a; b", "c"]}
    source = Source(name="N", accessed=dt.date(2020, 1, 2), archive_url="https://a/", sha256="ab")
    # the archived copy is in the JSON-LD's isBasedOn, with the source; without one it is not
    assert cite_files.script_data(replace(plain, source=source)) == {"d": "2020-01-02", "h": "ab"}
    assert cite_files.script_data(replace(plain, source=Source(archive_url="https://a/"))) == {
        "r": "https://a/"
    }
    assert (
        str(cite_files.single_quoted_json({"s": 'it\'s <b> & "q"'}))
        == '{"s":"it&#39;s &lt;b&gt; &amp; \\"q\\""}'
    )
