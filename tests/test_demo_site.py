"""The demo site at the repository root: it builds cleanly and really shows every feature of the contract."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
import yaml

from tests.support import REPO, Built, build_site, check_links, html, html_files

ARTICLES = REPO / "content" / "articles"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built]:
    """The demo site built once, with search, as `sitegen build` does by default."""
    out = tmp_path_factory.mktemp("demo") / "public"
    return out, build_site(REPO, out, search=True)


@pytest.fixture(scope="module")
def out(demo: tuple[Path, Built]) -> Path:
    path, result = demo
    assert result.ok, result.text
    return path


def page(out: Path, lang: str, slug: str) -> lxml.html.HtmlElement:
    return html(out / ("en/" if lang == "en" else "") / "articles" / slug / "index.html")


def body(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return doc.xpath('//div[@class="article-body"]')[0]


# --- the build itself -------------------------------------------------------------------------------


def test_demo_builds_without_errors_or_warnings(demo: tuple[Path, Built]) -> None:
    _, result = demo
    output = result.text
    assert result.ok and result.problems == (), output
    assert "warning" not in output.lower(), output
    assert "error" not in output.lower(), output


def test_demo_has_a_dozen_articles_most_translated_two_arabic_only() -> None:
    files = sorted(p.name for p in ARTICLES.rglob("*.md"))
    slugs = {name.split(".")[0] for name in files}
    ar = {name.split(".")[0] for name in files if name.endswith(".ar.md")}
    en = {name.split(".")[0] for name in files if name.endswith(".en.md")}
    assert len(slugs) >= 12 and ar == slugs
    assert len(en) > len(slugs) / 2
    assert len(ar - en) >= 2


def test_site_yaml_says_it_is_a_demo() -> None:
    config = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    assert config["languages"] == ["ar", "en"] and config["base_url"] == "/"
    assert config["date_locale"]["ar"] == "ar_SY"
    assert set(config["title"]) == {"ar", "en"}
    assert "demo" in config["description"]["en"].lower()
    assert "تجريبي" in config["description"]["ar"]


def test_every_internal_link_resolves(out: Path) -> None:
    assert check_links(out) == []


def test_every_page_has_lang_and_dir(out: Path) -> None:
    pages = html_files(out)
    assert len(pages) > 50
    for path in pages:
        root = html(path)
        rel = path.relative_to(out).as_posix()
        expected = "en" if rel.startswith("en/") else "ar"
        assert (root.get("lang"), root.get("dir")) == (expected, "ltr" if expected == "en" else "rtl"), rel


def test_no_markdown_link_is_left_in_the_output(out: Path) -> None:
    for path in html_files(out):
        for _, _attr, ref, _ in html(path).iterlinks():
            assert not re.search(r"\.md(#|$)", ref), (path, ref)


# --- the feature checklist, as a reader sees it --------------------------------------------------------


def test_localized_dates(out: Path) -> None:
    assert (
        page(out, "ar", "ain-issa-withdrawal").xpath('//p[@class="article-meta"]/time')[0].text
        == "21 كانون الأول 2020"
    )
    assert (
        page(out, "en", "ain-issa-withdrawal").xpath('//p[@class="article-meta"]/time')[0].text
        == "21 December 2020"
    )


def test_tags_by_id_and_by_label_in_either_language(out: Path) -> None:
    def tags(doc: lxml.html.HtmlElement) -> list[tuple[str, str]]:
        return [(a.text, a.get("href")) for a in doc.xpath('//ul[@class="tag-list"]//a')]

    # Arabic label, English label and id, on an Arabic page
    assert tags(page(out, "ar", "ain-issa-withdrawal")) == [
        ("عين عيسى", "/tags/ain-issa/"),
        ("تحركات عسكرية", "/tags/military-movements/"),
        ("الطريق الدولي إم 4", "/tags/m4-highway/"),
    ]
    # an Arabic label on an English page lands on the same tag, shown in English
    assert tags(page(out, "en", "peace-spring-offensive"))[-1] == ("Displacement", "/en/tags/displacement/")
    assert tags(page(out, "en", "ain-issa-withdrawal"))[0] == ("Ain Issa", "/en/tags/ain-issa/")


def test_authors_from_the_registry_and_free_text(out: Path) -> None:
    def authors(doc: lxml.html.HtmlElement) -> list[tuple[str, str]]:
        return [(a.text_content(), a.get("href")) for a in doc.xpath('//a[@rel="author"]')]

    # by id on the Arabic page, by the English name on the English one: the same registry author
    assert authors(page(out, "ar", "ain-issa-withdrawal")) == [("خالد عمر", "/authors/khaled-omar/")]
    assert authors(page(out, "en", "ain-issa-withdrawal")) == [("Khaled Omar", "/en/authors/khaled-omar/")]
    # a list mixing an id and a name in the other script
    assert [href for _, href in authors(page(out, "ar", "hasakah-schools-reopen"))] == [
        "/authors/lina-haddad/",
        "/authors/khaled-omar/",
    ]
    # a free-text name gets its own page
    ((name, href),) = authors(page(out, "ar", "ain-issa-trenches"))
    assert name == "سلمى الخطيب" and "khaled" not in href
    author_page = html(out / href.strip("/") / "index.html")
    assert "سلمى الخطيب" in author_page.text_content()
    # the registry's bio and links show on the author page
    registry_page = html(out / "en/authors/khaled-omar/index.html")
    assert "field correspondent" in registry_page.text_content()
    assert registry_page.xpath('//a[@href="https://example.org/people/khaled-omar"]')


def test_source_with_url_accessed_and_archive(out: Path) -> None:
    doc = page(out, "en", "ain-issa-withdrawal")
    hrefs = {a.get("href") for a in doc.xpath("//main//a")}
    assert "https://example.org/sahl-alfurat/2020/12/ain-issa-convoy" in hrefs
    assert (
        "https://web.archive.org/web/20201222000000/https://example.org/sahl-alfurat/2020/12/ain-issa-convoy"
    ) in hrefs
    assert doc.xpath('//main//time[@datetime="2020-12-22"]')  # accessed


def test_translation_names_its_original_and_translator(out: Path) -> None:
    en = page(out, "en", "ain-issa-withdrawal")
    text = en.xpath("//main")[0].text_content()
    assert "Nour Saleh" in text and "Arabic" in text
    ar = page(out, "ar", "ain-issa-withdrawal")
    assert (
        ar.xpath('//a[@rel="alternate"][@hreflang="en"]')[0].get("href")
        == "/en/articles/ain-issa-withdrawal/"
    )


def test_arabic_only_articles_say_so(out: Path) -> None:
    for slug in ("ain-issa-trenches", "tal-tamr-shelters"):
        assert not (out / "en/articles" / slug).exists(), slug
        doc = page(out, "ar", slug)
        assert "الإنجليزية" in doc.xpath('//*[contains(@class, "notice")]')[0].text_content(), slug
        assert not doc.xpath('//head/link[@hreflang="en"]'), slug


def test_related_links_and_backlinks(out: Path) -> None:
    # ain-issa-withdrawal lists m4-highway-traffic as related: it shows there, and on the target as related
    # (both ways), once: not again among the target's backlinks
    related = page(out, "ar", "ain-issa-withdrawal").xpath('//section[@class="related"]//a/@href')
    assert "/articles/m4-highway-traffic/" in related
    target = page(out, "ar", "m4-highway-traffic")
    assert "/articles/ain-issa-withdrawal/" in target.xpath('//section[@class="related"]//a/@href')
    assert "/articles/ain-issa-withdrawal/" not in target.xpath('//section[@class="backlinks"]//a/@href')
    # an external related link, marked as such
    external = page(out, "en", "alouk-water-station").xpath(
        '//section[@class="related"]//a[@href="https://example.org/glossary/water"]'
    )
    assert external and "external" in external[0].getparent().text_content()


def test_english_page_marks_a_link_to_an_arabic_only_article(out: Path) -> None:
    doc = page(out, "en", "ain-issa-withdrawal")
    link = doc.xpath('//section[@class="related"]//a[@href="/articles/ain-issa-trenches/"]')[0]
    assert link.get("lang") == "ar" and link.get("dir") == "rtl"
    assert link.text == "أعمال حفر خنادق وأنفاق في محيط عين عيسى"
    assert "Arabic" in link.getparent().xpath('.//*[@class="lang-marker"]')[0].text
    # in the body, the wikilink also goes to the Arabic version and says so with hreflang
    in_body = body(doc).xpath('.//a[@href="/articles/ain-issa-trenches/"]')[0]
    assert in_body.get("hreflang") == "ar" and in_body.text == "our report on the trenches"


def test_wikilinks_and_relative_markdown_links(out: Path) -> None:
    ar = body(page(out, "ar", "ain-issa-withdrawal"))
    # [[slug]]: the target's title
    assert (
        ar.xpath('.//a[@href="/articles/ain-issa-trenches/"]')[0].text
        == "أعمال حفر خنادق وأنفاق في محيط عين عيسى"
    )
    # [text](slug.ar.md)
    assert ar.xpath('.//a[@href="/articles/m4-highway-traffic/"]')[0].text == "تقرير حركة المرور على الطريق"
    en = body(page(out, "en", "ain-issa-withdrawal"))
    # [text](../articles/slug.en.md) goes to the English version
    assert en.xpath('.//a[@href="/en/articles/m4-highway-traffic/"]')[0].text == "the M4 traffic report"
    # [[slug|text]] in English, to a translated article
    qam = body(page(out, "en", "qamishli-bread-prices"))
    assert qam.xpath('.//a[@href="/en/articles/wheat-field-fires/"]')[0].text == "the fires report"


def test_events_day_month_year_circa_and_range(out: Path) -> None:
    def events(doc: lxml.html.HtmlElement) -> list[tuple[list[str], bool]]:
        return [
            (li.xpath("./time/@datetime"), "is-circa" in li.get("class", ""))
            for li in doc.xpath('//section[@class="events"]//li')
        ]

    assert events(page(out, "en", "peace-spring-offensive")) == [
        (["2019-10-09", "2019-10-17"], False),
        (["2019-10-22"], False),
    ]  # a range, a day
    assert (["2019-10"], True) in events(page(out, "en", "m4-highway-traffic"))  # month, circa
    assert (["2018"], True) in events(page(out, "en", "raqqa-reconstruction"))  # year, circa
    circa = page(out, "en", "raqqa-reconstruction").xpath('//li[contains(@class, "is-circa")]/time')[0]
    assert circa.text == "c. 2018"
    # a range at month precision, with Levantine month names on the Arabic page
    (range_li,) = page(out, "ar", "wheat-field-fires").xpath('//section[@class="events"]//li')
    assert [t.text for t in range_li.xpath("./time")] == ["أيار 2019", "حزيران 2019"]


def test_summary_and_content_warning(out: Path) -> None:
    for lang, words in (("ar", "وفاة أطفال"), ("en", "deaths of children")):
        doc = page(out, lang, "al-hol-camp-conditions")
        warning = doc.xpath('//*[contains(@class, "content-warning")]')
        assert warning and words in warning[0].text_content()
        assert doc.xpath('//p[@class="article-summary"]')
    assert not page(out, "en", "wheat-field-fires").xpath('//*[contains(@class, "content-warning")]')


def test_markdown_headings_lists_quote_table_footnote(out: Path) -> None:
    doc = body(page(out, "en", "peace-spring-offensive"))
    assert [h.get("id") for h in doc.xpath(".//h2")] == ["displacement", "roads"]
    assert "whole day" in doc.xpath(".//blockquote")[0].text_content()
    ref = doc.xpath('.//sup[contains(@class, "footnote-ref")]/a')[0]
    target = ref.get("href").lstrip("#")
    note = doc.xpath(f'.//*[@id="{target}"]')
    assert note and "estimates" in note[0].text_content()
    alouk = body(page(out, "ar", "alouk-water-station"))
    assert [th.text for th in alouk.xpath(".//table//th")] == ["الحي", "قبل التوقف", "أثناء التوقف"]
    assert len(alouk.xpath(".//table/tbody/tr")) == 3
    assert len(body(page(out, "ar", "ain-issa-withdrawal")).xpath(".//ul/li")) == 3
    assert len(body(page(out, "en", "al-hol-camp-conditions")).xpath(".//ol/li")) == 3


def test_template_override_is_used(out: Path) -> None:
    source = (REPO / "templates" / "404.html").read_text(encoding="utf-8")
    assert '{% extends "base.html" %}' in source and "{#" in source
    for path, lang in ((out / "404.html", "ar"), (out / "en/404.html", "en")):
        doc = html(path)
        assert doc.get("lang") == lang
        section = doc.xpath('//section[@class="not-found"]')
        assert section, path
        hrefs = section[0].xpath(".//a/@href")
        assert ("/tags/" if lang == "ar" else "/en/tags/") in hrefs
        # still the theme's base.html around it
        assert doc.xpath('//link[@rel="stylesheet"]') and doc.xpath('//header[@class="site-header"]')


# --- the GitHub Pages workflow -----------------------------------------------------------------------


def load_workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_pages_workflow_builds_and_deploys_the_demo() -> None:
    flow = load_workflow(REPO / ".github" / "workflows" / "pages.yml")
    assert flow["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in flow["on"]
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"] == "pages"
    build_steps = flow["jobs"]["build"]["steps"]
    uses = [s.get("uses") for s in build_steps if "uses" in s]
    assert uses == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "actions/configure-pages@v5",
        "actions/cache@v4",
        "actions/upload-pages-artifact@v3",
    ]
    assert next(s for s in build_steps if s.get("uses", "").startswith("actions/setup-python"))["with"] == {
        "python-version": "3.11"
    }
    assert next(s for s in build_steps if s.get("uses") == "actions/configure-pages@v5")["id"] == "pages"
    runs = [s["run"] for s in build_steps if "run" in s]
    assert "pip install -c constraints.txt ." in runs  # the versions the tests passed with
    assert 'sitegen build . --base-url "${{ steps.pages.outputs.base_url }}/"' in runs
    assert build_steps[-1]["with"]["path"] == "public"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]


def test_demo_builds_under_a_sub_path(tmp_path: Path) -> None:
    """What the workflow does on GitHub: every link still resolves under /<repository>/."""
    out = tmp_path / "public"
    result = build_site(REPO, out, base_url="https://example.github.io/archive/")
    assert result.ok, result.text
    assert check_links(out, "/archive/") == []
