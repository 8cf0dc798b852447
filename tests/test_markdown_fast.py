"""The fast Markdown path (markdown-it-pyrs) gives markdown.py's bytes, links and lines, or leaves the body
to markdown.py: on every Markdown fixture, the demo site, the seed and documents written to be hard."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen import markdown_fast
from sitegen.markdown import render_body_checked, render_reference
from sitegen.markdown_fast import render_fast
from sitegen.read import closing_fence, link_lines, opens_front_matter, read_file
from tests.support import REPO

pytestmark = pytest.mark.skipif(not markdown_fast.available(), reason="markdown-it-pyrs is not installed")

SEED = REPO.parent / "shared" / "seed"


def body_of(path: Path) -> str:
    """A content file's Markdown body, split from its front matter as read.py splits it."""
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    close = closing_fence(lines) if lines and opens_front_matter(lines[0]) else None
    return "\n".join(lines[close + 1 :]) if close is not None else "\n".join(lines)


def same_or_fallback(text: str, allow_html: bool, rtl: bool) -> str:
    """Which path: "fast" when the fast path gave markdown.py's result exactly, "fallback" when it declined.

    Without the links' lines (as the build reads) the fast path gives the same, lines aside, or declines."""
    html, links, hotlinked = render_reference(text, allow_html, rtl)
    without_lines = render_fast(text, allow_html, rtl, lines=False)
    if without_lines is not None:
        assert without_lines[0] == html
        assert without_lines[1] == [(slug, lang, frag, None) for slug, lang, frag, _ in links]
        assert without_lines[2] == hotlinked
    fast = render_fast(text, allow_html, rtl)
    if fast is None:
        return "fallback"
    assert fast[0] == html
    assert fast[1] == links  # slugs, languages, fragments and lines
    assert fast[2] == hotlinked
    return "fast"


FILES = sorted([*(REPO / "tests" / "fixtures").rglob("*.md"), *(REPO / "sitegen" / "scaffold").rglob("*.md")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_fixtures_and_demo_render_the_same(path: Path) -> None:
    rtl = ".ar." in path.name
    assert same_or_fallback(body_of(path), False, rtl) in ("fast", "fallback")
    assert same_or_fallback(body_of(path), True, not rtl) in ("fast", "fallback")


def test_the_demo_site_takes_the_fast_path() -> None:
    demo = sorted((REPO / "sitegen" / "scaffold").rglob("*.md"))
    articles = [p for p in demo if "/content/" in str(p)]
    assert articles
    assert [same_or_fallback(body_of(p), False, ".ar." in p.name) for p in articles] == ["fast"] * len(
        articles
    )


@pytest.mark.skipif(not SEED.is_dir(), reason="no ../shared/seed")
def test_the_seed_and_the_samples_render_the_same() -> None:
    """Real articles' text (the seed, and the importer's samples when they are there)."""
    samples = SEED.parent / "samples"
    paths = sorted(p for p in SEED.iterdir() if p.is_file())
    if samples.is_dir():
        paths += sorted(p for p in samples.rglob("*") if p.suffix in (".txt", ".md"))
    taken = [same_or_fallback(body_of(p), False, rtl) for p in paths for rtl in (True, False)]
    assert taken.count("fast") > len(taken) // 2


TRICKY: dict[str, tuple[str, str]] = {
    # name: (Markdown, the path it must take)
    "empty": ("", "fast"),
    "blank lines": ("\n\n\n", "fast"),
    "crlf": ("## Title\r\n\r\nSee [a](a.en.md)\r\nand [[b]] on line 3.\r\n", "fast"),
    "lone cr": ("para one\rpara [x](x.en.md)\r\rpara two [[y]]", "fast"),
    "nul": ("a\x00b [[c]]", "fast"),
    "nested emphasis around wikilinks": ("*a [[b]] **c [[d|D]]** e*\n\n_[[x]]_ a*[[y]]*b **[[z*]]**", "fast"),
    "wikilink with fragment and label": ("see [[slug#part|the part]] and [[ other ]]", "fast"),
    "wikilink inside a link": ("[a [[b]] c](https://example.org) [x [[y]]](z.en.md)", "fallback"),
    "wikilink inside a reference link": ("[a [[b]]][r]\n\n[r]: https://x.org\n", "fallback"),
    "wikilink after a link": ("[a](https://x.org) [[b]] [c](c.en.md)", "fast"),
    "wikilink after a bracket": ("[[[x]]]", "fallback"),
    "wikilink after a backslash": ("\\[[x]] and [[y]]", "fallback"),
    "image wikilink": ("![[photo.jpg]]", "fallback"),
    "entity in an image's alt": ("![Tom &amp; Jerry &#91;1&#93;](/i.png)\n", "fallback"),
    "autolink in an image's alt on its next line": ("![a\nb <http://x.org>](/i.png)\n", "fallback"),
    "footnote wikilink": ("[^[[x]]]\n\n[^[[x]]]: note", "fallback"),
    "wikilink in a code span": ("text `[[x]]` and [[y]] `a [[b|c]] d` [[e]]", "fast"),
    "wikilink in a code span in a heading": ("## Write `[[slug]]` here\n", "fast"),
    "wikilink holding a backtick": ("`a [[b`c]] d`", "fallback"),
    "code span around a wikilink": ("[a `b](u) [[c]] d`", "fast"),
    "wikilink in a code block": ("para [[a]]\n\n```\n[[x]] x.en.md\n```\n", "fast"),
    "wikilink in an indented block": ('para [[a]]\n\n    [[x]] &amp; "q"\n', "fast"),
    "wikilink in a fence's info": ("```[[x]]\ncode\n```\n", "fallback"),
    "wikilink in a link destination": ("[a](b[[c]]) and [[d]]", "fallback"),
    "wikilink in a link title": ('[a](b "[[c]]")', "fallback"),
    "wikilink in an image alt": ("![alt [[c]] text](/i.png)", "fallback"),
    "wikilink in an autolink": ("<https://a.org/[[b]]>", "fallback"),
    "wikilink with a pipe in a table": ("| a | b |\n|---|---|\n| [[x|y]] | z |\n", "fallback"),
    "wikilink with a pipe, no table": ("see [[x|the x]]", "fast"),
    "wikilinks in a table": ("| a | b |\n|---|---|\n| [[x]] | [y](y.ar.md) |\n| [[z]] |  |\n", "fast"),
    "code without wikilinks": ("`x.en.md` and `[x](y.en.md)`\n\n```\n[a](b.en.md)\n```\n", "fast"),
    "links in headings": ("## See [a](a.en.md) and [[b]]\n\n### `code` *em* [x](https://x.org)\n", "fast"),
    "duplicate headings": ("## Same\n\n## Same\n\n### Same\n\n## Same-1\n\n# Same\n\n##### Same\n", "fast"),
    "empty and symbol headings": ("## \n\n## ***\n\n## !!!\n\n## ¿Qué?\n\n## 2024 — خلاصة\n", "fast"),
    "setext heading over two lines": ("Two\nlines [a](a.en.md)\n---\n\nx\n", "fast"),
    "heading with a hard break": ("Two  \nlines\n---\n", "fast"),
    "heading with a footnote and an image": (
        "## Title[^1] ![pic](https://h.org/p.png)\n\n[^1]: note [l](l.en.md)\n",
        "fast",
    ),
    "footnote referred to twice": ("One[^a] again[^a].\n\n[^a]: First\n", "fallback"),
    "footnotes": (
        (
            "One[^a] two[^b] again[^c].\n\n[^a]: First [x](x.en.md)\n    continued [[y]]\n\n"
            "[^b]: Second\n\n    with a second paragraph\n\n[^c]: Third\n"
        ),
        "fast",
    ),
    "footnote with code": ("x[^1]\n\n[^1]:\n    ```\n    code\n    ```\n", "fallback"),
    "footnotes out of order": ("x[^b] y[^a]\n\n[^a]: A\n\n[^b]: B\n", "fallback"),
    "footnote never referred to": ("x[^a]\n\n[^b]: B\n\n[^a]: A\n", "fallback"),
    "footnotes one under the other": ("x[^a] y[^b]\n\n[^a]: A [[w]]\n[^b]: B\n", "fast"),
    "footnote under a line of text": ("x[^a]\ntext\n[^a]: A\n", "fallback"),
    "inline footnote": ("x^[inline [a](a.en.md)] y[^1]\n\n[^1]: z\n", "fallback"),
    "tables": (
        "| a | b | c |\n|:--|:-:|--:|\n| *x* | `y` | [z](z.en.md) |\n| [[w]] | ![i](/i.png) | |\n",
        "fast",
    ),
    "arabic with latin runs and digits": (
        (
            "## تقرير BibTeX (.bib)\n\nفي 15 km من example.org/a-b قال Zotero 7 إن [[x]] و"
            " [رابط](y.ar.md) *مع SMS* و`code`\nسطر ثان ISBN 978-3-16 «GPS»\n\n```\nLatin\n```\n\n    indented\n"
        ),
        "fast",
    ),
    "latin with quotes and entities in rtl": (
        'قال "Hello" & it\'s <b>x</b> &amp; &copy; AT&T [a "b"](https://x.org "t\'s")\n',
        "fast",
    ),
    "newline entity": ("a&#10;b [[x]]\n\nc &#x0A; &NewLine; d", "fallback"),
    "images on other hosts": (
        (
            '![a](https://h.org/a.png) ![](http://h.org/b.png)\n![c *d*](//h.org/c.png "t")'
            " ![e](data:image/png;base64,AAAA) ![f](javascript:alert(1))\n\n![local](/img/x.png) ![rel](x.png)\n"
        ),
        "fast",
    ),
    "links of every kind": (
        (
            "[a](/abs) [b](//proto.rel) [c](https://x.org) [d](mailto:x@y.org) [e](ftp://x.org)"
            " [f](../a/b.en.md#sec) [g](b.ar.md) [h](#frag) [i](x.md) [j](<a b.en.md>) [k][ref] <https://auto.org>"
            ' <x@y.org>\n\n[ref]: c.en.md "title"\n'
        ),
        "fast",
    ),
    "lists": (
        "-\n  b [[y]]\n- a [x](x.en.md)\n- c\n\n  d [z](z.en.md)\n\n1. one\n2. [[two]]\n\n> quote [q](q.en.md)\n> more [[r]]\n",
        "fast",
    ),
    "multi-line paragraph": (
        "first line\nsecond [a](a.en.md)\nthird [[b]] ![c](https://c.org/c.png)\n",
        "fast",
    ),
    "html when not allowed": ('<div onclick="x">hi</div>\n\n<b>bold</b> <script>alert(1)</script>\n', "fast"),
    "html when allowed": ("<div>hi</div>\n\n<b>bold</b>\n", "fallback"),
    "no html, allowed": ("just *text* [a](a.en.md)\n", "fast"),
    "strikethrough and escapes": ("~~gone~~ \\*not em\\* \\[not link](x) a\\\nb", "fast"),
    "placeholder character in text": ("a \u2045 b [[c]]", "fallback"),
}


@pytest.mark.parametrize("name", sorted(TRICKY))
@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_tricky_documents(name: str, rtl: bool) -> None:
    text, path = TRICKY[name]
    allow_html = name in {"html when allowed", "no html, allowed"}
    assert same_or_fallback(text, allow_html, rtl) == path


# pieces of Markdown that random documents are built from: the constructs where the two parsers could part
# ways (brackets, code, quotes, lists, tables, footnotes, tabs, entities, wikilinks...), in any order
PIECES = [
    "[[a]]", "[[b|B c]]", "[[x#y]]", "[l](a.en.md)", "[m](/p)", "![i](https://h/i.png)", "![j](/j.png)", "`c`",
    "`[[a]]`", "*", "**", "_", "__", "~~", "~", "[", "]", "(", ")", "!", "\\", "<", ">", "&amp;", "&", "|", "#",
    "## ", "\n", "\n\n", "- ", "+ ", "1. ", "2) ", "> ", "> > ", "    ", "    - ", "```\n", "~~~\n", "[^1]",
    "[^1]: ", "[^a]", "[^a]: x\n", "word", "كلمة", " ", "Latin run", "٣", '"', "'", ":", "---", "***", "===",
    "| a | b |\n|---|---|\n", "|---|\n", "<http://x.org>", "<mailto:a@b.c>", "\t", "  \n", "[r]", "[r]: /x\n",
    '[x]: <y> "t"\n', "x.en.md", "a.ar.md)", "^", "\r\n", "&#10;", "&#91;", "[a [[b]]](c)", "[[", "]]", "![", "](",
    "#frag", "https://x.org", "\n    code\n",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_random_documents_render_the_same_or_fall_back(seed: int) -> None:
    """Random sequences of the pieces above: each rendered as markdown.py does, or left to it."""
    rng = random.Random(seed)
    taken = []
    for _ in range(1500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))
        taken.append(same_or_fallback(text, False, rng.random() < 0.5))
    assert taken.count("fast") > 50  # the fast path is not simply declining everything


def test_lines_are_file_lines() -> None:
    """The contract callers rely on: links and images carry the line in the whole file (front matter too)."""
    text = "para [a](a.en.md)\n\nnext\n[[b]] ![c](https://h.org/c.png)\n"
    html, links, hotlinked = render_body_checked(text, 10, False, False)
    assert [(link.target, link.line, link.lang) for link in links] == [("a", 11, "en"), ("b", 13, None)]
    assert hotlinked == ((13, "https://h.org/c.png"),)
    assert 'class="external-image"' in html


def test_reading_leaves_the_lines_of_links_for_an_error_to_find(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build reads bodies without the second parse that finds lines; a missing target finds its line."""
    path = tmp_path / "report.en.md"
    path.write_text(
        "---\ntitle: A report\ndate: 2020-01-02\n---\n\nFirst [one](a.en.md).\n\nThen\n[[b]] and [c](c.ar.md).\n",
        encoding="utf-8",
    )

    def no_tree(*args: object) -> None:
        raise AssertionError("the node tree was made while reading")

    with monkeypatch.context() as patched:
        patched.setattr(markdown_fast, "_tree_lines", no_tree)
        read = read_file(path, ("ar", "en"))
    assert read.doc is not None
    assert [(link.target, link.line) for link in read.doc.links] == [("a", None), ("b", None), ("c", None)]
    assert link_lines(path, "en", False) == (6, 8, 8)


def test_without_markdown_it_pyrs_markdown_py_renders_everything() -> None:
    """The accelerator is optional: with its import blocked, bodies still render (by markdown-it-py)."""
    code = (
        "import sys; sys.modules['markdown_it_pyrs'] = None\n"
        "from sitegen import markdown_fast\n"
        "from sitegen.markdown import render_body_checked\n"
        "assert not markdown_fast.available()\n"
        "html, links, _ = render_body_checked('## Hi\\n\\nsee [[x]]', 4)\n"
        "print(html, links[0].target, links[0].line)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('<h2 id="hi">Hi</h2>')
    assert done.stdout.rstrip().endswith("x 7")
