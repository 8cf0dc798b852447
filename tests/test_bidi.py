"""Mixed Arabic and Latin text never scrambles: every page of the demo site and of a generated 1k-article
corpus is walked (tests/bidi_walk.py), and the walker is shown to catch pages written to break it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.bidi import isolate_ltr
from sitegen.markdown import render_body_checked
from tests.bidi_walk import check_html
from tests.support import REPO, SHARED, build_site, html, html_files

# Latin runs with punctuation, as they come in Arabic reports: each scrambles when left bare in RTL text
MIXED = [
    "تنزيل ملف BibTeX (.bib)",
    "انظر الرابط https://example.org/reports/2020-12.html للمزيد.",
    "وثّقت منظمة Human Rights Watch (HRW) الانتهاكات",
    "الرقم ISBN 978-3-16-148410-0 على الغلاف",
    "المعرّف DOI: 10.1000/xyz123 في المجلة",
    "المسافة 2.5 km تقريباً",
    "ملف report-final.pdf مرفق",
    "رمز الدالة parse_date() في المكتبة",
]


@pytest.mark.parametrize("text", MIXED)
def test_the_walker_catches_a_bare_latin_run_and_passes_it_isolated(text: str) -> None:
    assert check_html(f'<html dir="rtl"><body><p>{text}</p></body></html>'), "a bare run was not caught"
    assert check_html(f'<html dir="rtl"><body><p>{isolate_ltr(text)}</p></body></html>') == []


def test_the_walker_fails_on_a_page_written_to_break_it() -> None:
    page = """<html lang="ar" dir="rtl"><body>
      <p class="citation">الأصل: <a href="https://example.org/a">https://example.org/a</a>.</p>
      <ul><li><a href="cite.bib">BibTeX (\u200f.bib)</a></li></ul>
      <p lang="en" dir="ltr">Fine here: https://example.org/a (left to right).</p>
      <p><bdi>نص عربي ثم example.org/x</bdi></p>
      <p><bdi>example.org/ok</bdi> <span dir="auto">Latin first: a.b/c</span></p>
      <pre>code.run(x) -- left to right by the theme's CSS</pre>
    </body></html>"""
    found = [str(s) for s in check_html(page)]
    assert len(found) == 3, found  # the URL in the <a>, the BibTeX link, and the RTL-first <bdi>
    assert any("BibTeX" in s for s in found) and any("example.org/x" in s for s in found)


def test_the_walker_ignores_left_to_right_pages_and_arabic_only_text() -> None:
    assert check_html('<html dir="ltr"><body><p>See https://example.org (2020).</p></body></html>') == []
    assert check_html('<html dir="rtl"><body><p>في 12-3-2020 (تقريباً): نص.</p></body></html>') == []


def test_arabic_bodies_isolate_latin_runs_and_code() -> None:
    body, _, _ = render_body_checked(
        "وثّقت Human Rights Watch (HRW) ذلك، انظر https://example.org/a-b. والرمز `x.y()`.\n\n"
        "```\nrun(a.b)\n```\n",
        0,
        rtl=True,
    )
    assert check_html(f'<html dir="rtl"><body>{body}</body></html>') == []
    assert '<code dir="ltr">x.y()</code>' in body
    bare, _, _ = render_body_checked(
        "وثّقت Human Rights Watch (HRW) ذلك", 0
    )  # a left-to-right body is left alone
    assert "<bdi" not in bare


def _walk(out: Path) -> list[str]:
    return [
        f"{page.relative_to(out)}: {s}" for page in html_files(out) for s in check_html(page.read_bytes())
    ]


def test_no_page_of_the_demo_scrambles(tmp_path: Path) -> None:
    if not any((REPO / "content" / "articles").glob("*.md")):
        pytest.skip("the demo content is not in this checkout")
    built = build_site(REPO, tmp_path / "out")
    assert built.ok, built.text
    assert len(html_files(tmp_path / "out")) > 50
    assert _walk(tmp_path / "out") == []
    # the citation block is there, with its Latin runs isolated
    article = next(p for p in sorted((tmp_path / "out" / "articles").glob("*/index.html")))
    downloads = html(article).xpath("//ul[@class='cite-downloads']//a//bdi[@dir='ltr']/text()")
    assert "BibTeX (.bib)" in downloads


@pytest.mark.skipif(not (SHARED / "bench" / "make_corpus.py").is_file(), reason="needs ../shared/bench")
def test_no_page_of_a_generated_1k_corpus_scrambles(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(SHARED / "bench" / "make_corpus.py"),
            str(tmp_path / "site"),
            "--articles",
            "1000",
        ],
        check=True,
        capture_output=True,
    )
    built = build_site(tmp_path / "site", tmp_path / "out")
    assert built.ok, built.text
    assert len(html_files(tmp_path / "out")) > 1000
    assert _walk(tmp_path / "out") == []
