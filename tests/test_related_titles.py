"""`related: [{title: …}]`: a link when an article in the archive has that title (compared as search
compares Arabic), plain text marked "not in the archive" otherwise; bad entries are reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest

from sitegen.arabic import title_key
from sitegen.build import BuildOptions, build
from sitegen.errors import SiteErrors
from tests.support import FIXTURES

OPTIONS = BuildOptions(search=False, cache=False)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("related_titles") / "public"
    report = build(FIXTURES / "related_titles", target, OPTIONS)
    assert report.warnings == []
    return target


def section(out: Path, page: str, name: str) -> lxml.html.HtmlElement:
    found = lxml.html.parse(str(out / page / "index.html")).getroot().xpath(f'//section[@class="{name}"]')
    assert len(found) == 1, f"no {name} section on {page}"
    return found[0]


def links(sec: lxml.html.HtmlElement) -> dict[str, str]:
    return {a.text_content(): a.get("href") for a in sec.iter("a")}


def test_titles_in_the_archive_become_links(out: Path) -> None:
    found = links(section(out, "articles/withdrawal", "related"))
    # differs in hamza, ة/ه, ى/ي, shadda, tatweel obfuscation and quotes, and still links
    assert found["فصائل المعارضه تعلق علي تعرض احد معسكراتها للقصف"] == "/articles/factions/"
    # the page's language first: "M4 Highway" is also an English article's title
    assert found["M4 highway"] == "/articles/highway-ar/"
    assert "/en/articles/highway-en/" not in found.values()


def test_a_title_only_in_the_other_language_links_there_marked(out: Path) -> None:
    sec = section(out, "articles/withdrawal", "related")
    (a,) = [a for a in sec.iter("a") if a.get("href") == "/en/articles/convoy/"]
    assert (a.get("lang"), a.get("dir")) == ("en", "ltr")
    assert a.getnext().text_content() == "(الإنجليزية)"


def test_titles_not_in_the_archive_are_plain_text_marked(out: Path) -> None:
    items = section(out, "articles/withdrawal", "related").xpath('.//li[@class="not-in-archive"]')
    assert [li.text_content() for li in items] == [
        "تقرير لم يُؤرشف بعد (غير موجود في الأرشيف)",
        "An English report nobody saved (غير موجود في الأرشيف)",
    ]
    assert all(not li.xpath(".//a") for li in items)
    arabic, english = (li.find("bdi") for li in items)
    assert arabic.get("lang") is None  # same direction as the page: nothing to mark
    assert (english.get("lang"), english.get("dir")) == ("en", "ltr")


def test_linked_titles_count_both_ways(out: Path) -> None:
    for page in ("articles/factions", "en/articles/convoy", "articles/highway-ar"):
        assert "/articles/withdrawal/" in links(section(out, page, "related")).values(), page
        # listed once: a related article is not listed again among the page's backlinks
        backlinks = lxml.html.parse(str(out / page / "index.html")).getroot()
        assert "/articles/withdrawal/" not in backlinks.xpath('//section[@class="backlinks"]//a/@href'), page


def test_english_ui_string(tmp_path: Path) -> None:
    site = tmp_path / "site"
    page = site / "content" / "articles" / "x.en.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        '---\ntitle: X\ndate: 2020-01-02\nrelated: [{title: "«Gone» report"}]\n---\nText.\n', encoding="utf-8"
    )
    build(site, tmp_path / "out", OPTIONS)
    sec = section(tmp_path / "out", "en/articles/x", "related")
    assert (
        sec.xpath('.//li[@class="not-in-archive"]')[0].text_content() == "«Gone» report (not in the archive)"
    )


@pytest.mark.parametrize("item", ["{}", "{titel: Typo}", '{title: ""}', "{title: [a, b]}", "''", "null"])
def test_an_entry_without_slug_title_or_url_is_an_error(tmp_path: Path, item: str) -> None:
    site = tmp_path / "site"
    page = site / "content" / "articles" / "x.ar.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        f"---\ntitle: t\ndate: 2020-01-02\nrelated:\n  - ok-slug\n  - {item}\n---\nنص.\n", encoding="utf-8"
    )
    with pytest.raises(SiteErrors) as caught:
        build(site, tmp_path / "out", OPTIONS)
    (error,) = [e for e in caught.value.errors if "item 2 of `related`" in e.message]
    assert (error.path, error.line) == (page, 6)
    assert "neither a slug nor has a title or url" in error.message
    assert "{title:" in error.hint


@pytest.mark.parametrize(
    "a, b",
    [
        ("الأسد يصدر قرارات", "الاسد يصدر قرارات"),  # hamza on alef
        ("مدينة إدلب", "مدينه ادلب"),  # ta marbuta, hamza below
        ("على الحدود", "علي الحدود"),  # alef maqsura
        ("القـ.ـصف في الرقة", "القصف في الرقه"),  # obfuscating tatweel
        ("“الأولى من نوعها”.. قرار", "«الاولى من نوعها» - قرار"),  # quotes, dashes, dots
        ("Read: The END!", "read the end"),  # case and punctuation
        ("  كثير   من\tالمسافات ", "كثير من المسافات"),  # whitespace
    ],
)
def test_title_key_matches_spellings(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def test_title_key_keeps_words_apart() -> None:
    assert title_key("قصف الرقة") != title_key("قصف الرقة الشمالي")
    assert title_key("...") == ""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_dev_server_links_a_title_when_its_article_arrives_and_unlinks_it_when_retitled(
    tmp_path: Path,
) -> None:
    from sitegen.serve.incremental import SiteState

    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "related_titles", site)
    state = SiteState(site, tmp_path / "served", OPTIONS)
    assert state.rebuild().ok
    new = site / "content" / "articles" / "archived-later.ar.md"
    steps = [
        "---\ntitle: تقرير لم يؤرشف بعد\ndate: 2021-01-01\n---\nنص.\n",  # the title, another hamza
        "---\ntitle: عنوان آخر\ndate: 2021-01-01\n---\nنص.\n",  # no longer that title
    ]
    for i, text in enumerate(steps):
        new.write_text(text, encoding="utf-8")
        assert state.rebuild({new}).ok
        full = tmp_path / f"full{i}"
        build(site, full, OPTIONS)
        assert snapshot(state.out) == snapshot(full), f"step {i}: the dev server's pages differ from a build"
        hrefs = links(section(full, "articles/withdrawal", "related")).values()
        assert ("/articles/archived-later/" in hrefs) == (i == 0)
