"""The build as a user meets it: the CLI, the pages it writes, and the errors it reports."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from tests.support import FIXTURES, build, build_site, check_links, html, html_files, run_sitegen


def test_version_and_help() -> None:
    assert run_sitegen("--version").stdout.startswith("sitegen ")
    for command in ("build", "new", "serve", "import"):
        result = run_sitegen(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: sitegen " + command in result.stdout


def test_every_page_has_lang_and_dir(bilingual_out: Path) -> None:
    pages = html_files(bilingual_out)
    assert len(pages) > 20
    for page in pages:
        root = html(page)
        lang, direction = root.get("lang"), root.get("dir")
        assert lang in ("ar", "en"), page
        assert direction == ("rtl" if lang == "ar" else "ltr"), page
        rel = page.relative_to(bilingual_out).as_posix()
        assert lang == ("en" if rel.startswith("en/") else "ar"), rel


def test_every_internal_link_resolves(bilingual_out: Path) -> None:
    assert check_links(bilingual_out) == []


def test_link_checker_catches_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<html><a href="/missing/">x</a><img src="a.png"></html>')
    assert len(check_links(tmp_path)) == 2


def test_hreflang_pairs_point_at_each_other(bilingual_out: Path) -> None:
    ar = html(bilingual_out / "articles/withdrawal/index.html")
    en = html(bilingual_out / "en/articles/withdrawal/index.html")
    ar_alts = {e.get("hreflang"): e.get("href") for e in ar.xpath('//head/link[@rel="alternate"][@hreflang]')}
    en_alts = {e.get("hreflang"): e.get("href") for e in en.xpath('//head/link[@rel="alternate"][@hreflang]')}
    assert ar_alts == en_alts
    assert ar_alts["ar"] == "/articles/withdrawal/" and ar_alts["en"] == "/en/articles/withdrawal/"
    assert ar_alts["x-default"] == ar_alts["ar"]
    # the visible link to the translation
    link = ar.xpath('//nav[@class="translations"]//a')[0]
    assert link.get("href") == "/en/articles/withdrawal/" and link.get("lang") == "en"


def test_untranslated_article_says_so(bilingual_out: Path) -> None:
    page = html(bilingual_out / "articles/trenches/index.html")
    notice = page.xpath('//*[contains(@class, "notice")]')[0].text_content()
    assert "الإنجليزية" in notice
    assert not page.xpath('//head/link[@hreflang="en"]')


def test_article_page_shows_localized_date_author_source_tags(bilingual_out: Path) -> None:
    page = html(bilingual_out / "articles/withdrawal/index.html")
    time = page.xpath('//p[@class="article-meta"]/time')[0]
    assert time.get("datetime") == "2020-12-21"
    assert time.text == "21 كانون الأول 2020"
    assert "رامي فاخوري" in page.xpath('//a[@rel="author"]')[0].text_content()
    assert page.xpath('//a[@rel="author"]/bdi')
    tags = [a.text for a in page.xpath('//ul[@class="tag-list"]//a')]
    assert tags == ["عين عيسى", "القصف"]
    en = html(bilingual_out / "en/articles/withdrawal/index.html")
    assert en.xpath('//p[@class="article-meta"]/time')[0].text == "21 December 2020"
    assert [a.text for a in en.xpath('//ul[@class="tag-list"]//a')] == ["Ain Issa", "Shelling"]


def test_arabic_digits_when_the_site_asks(site_copy) -> None:
    site = site_copy("bilingual")
    (site / "site.yaml").write_text("numerals: {ar: arab}\n", encoding="utf-8")
    out = site / "public"
    assert build_site(site, out).ok
    time = html(out / "articles/withdrawal/index.html").xpath('//p[@class="article-meta"]/time')[0]
    assert time.text == "٢١ كانون الأول ٢٠٢٠"


def test_hostile_markdown_is_escaped(bilingual_out: Path) -> None:
    text = (bilingual_out / "articles/withdrawal/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text
    assert 'href="javascript:' not in text


def test_wikilinks_and_md_links_resolve_in_the_page_language(bilingual_out: Path) -> None:
    ar = html(bilingual_out / "articles/withdrawal/index.html")
    hrefs = [a.get("href") for a in ar.xpath('//div[@class="article-body"]//a')]
    assert hrefs.count("/articles/trenches/") == 2
    wikilink = ar.xpath('//div[@class="article-body"]//a[@href="/articles/trenches/"]')[0]
    assert wikilink.text == "قسد تحفر الخنادق حول عين عيسى"  # text defaults to the target's title
    en = html(bilingual_out / "en/articles/withdrawal/index.html")
    a = en.xpath('//div[@class="article-body"]//a')[0]
    # no English version of "trenches": falls back to Arabic, marked
    assert a.get("href") == "/articles/trenches/" and a.get("hreflang") == "ar"
    assert a.text == "the trenches report"


def test_feeds_sitemap_and_publishing_files(bilingual_out: Path) -> None:
    from lxml import etree

    for feed in ("feed.xml", "en/feed.xml"):
        doc = etree.parse(str(bilingual_out / feed))
        assert doc.getroot().tag == "{http://www.w3.org/2005/Atom}feed"
    sitemap = etree.parse(str(bilingual_out / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = sitemap.xpath("//s:loc/text()", namespaces=ns)
    assert "/en/articles/withdrawal/" in locs
    # the language versions are named once, in each page's <head> (test_hreflang_pairs_point_at_each_other), not again here
    assert not sitemap.xpath("//x:link", namespaces=ns)
    page = html(bilingual_out / "articles/withdrawal/index.html")
    assert sorted(page.xpath('//head/link[@rel="alternate"]/@hreflang')) == ["ar", "en", "x-default"]
    assert (bilingual_out / "robots.txt").read_text().startswith("User-agent")
    assert (bilingual_out / ".nojekyll").exists()
    assert (bilingual_out / "404.html").exists()


def test_a_sitemap_past_the_protocols_url_limit_is_split_under_an_index(
    site_copy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sitemaps.org allows 50,000 URLs a file (a larger one is refused whole, about 30k articles): past
    it, /sitemap.xml (the address robots.txt gives) becomes an index of parts that hold every page once."""
    from lxml import etree

    from sitegen import pages

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    site = site_copy("bilingual")
    whole = build_site(site, site / "one", base_url="https://example.org/archive/")
    listed = etree.parse(str(site / "one/sitemap.xml")).xpath("//s:url/s:loc/text()", namespaces=ns)
    assert whole.ok and len(listed) > 7 and not list((site / "one").glob("sitemap-*.xml"))

    monkeypatch.setattr(pages, "SITEMAP_URLS", 7)
    assert build_site(site, site / "split", base_url="https://example.org/archive/").ok
    index = etree.parse(str(site / "split/sitemap.xml"))
    assert index.getroot().tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = index.xpath("//s:sitemap/s:loc/text()", namespaces=ns)
    assert parts == [f"https://example.org/archive/sitemap-{i}.xml" for i in range(1, len(parts) + 1)]
    assert len(parts) == -(-len(listed) // 7)
    found = []
    for part in parts:
        doc = etree.parse(str(site / "split" / part.rsplit("/", 1)[1]))
        urls = doc.xpath("//s:url/s:loc/text()", namespaces=ns)
        assert 0 < len(urls) <= 7
        found += urls
    assert found == listed  # every page once, in the same order
    robots = (site / "split/robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/archive/sitemap.xml" in robots


def test_feed_links_resolve_to_the_published_site(tmp_path: Path) -> None:
    """A feed reader shows an entry away from the site: the links in its text must still lead there."""
    from urllib.parse import urljoin

    from lxml import etree

    out = tmp_path / "public"
    assert build_site(FIXTURES / "bilingual", out, base_url="https://example.org/archive/").ok
    atom = {"a": "http://www.w3.org/2005/Atom"}
    hrefs = []
    for entry in etree.parse(str(out / "en" / "feed.xml")).xpath("//a:entry", namespaces=atom):
        content = entry.find("a:content", atom)
        base = content.get("{http://www.w3.org/XML/1998/namespace}base")
        assert base == entry.find("a:link", atom).get("href")
        hrefs += [
            urljoin(base, h)
            for h in lxml.html.fragment_fromstring(content.text, create_parent=True).xpath("//a/@href")
        ]
    assert "https://example.org/archive/en/articles/withdrawal/" in hrefs
    assert all(h.startswith(("https://example.org/archive/", "https://", "mailto:")) for h in hrefs)


def test_base_url_sub_path(tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = build_site(FIXTURES / "bilingual", out, base_url="https://user.github.io/archive/")
    assert result.ok, result.text
    assert check_links(out, "/archive/") == []
    page = (out / "articles/withdrawal/index.html").read_text(encoding="utf-8")
    assert 'href="/archive/assets/style.css"' in page
    assert '<link rel="canonical" href="https://user.github.io/archive/articles/withdrawal/">' in page
    assert not re.search(r'(href|src)="/(?!archive/)', page)


def test_broken_site_reports_every_error_with_file_and_line(tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = build(FIXTURES / "broken", out)
    assert result.returncode == 1
    err = result.stderr
    assert "Traceback" not in err
    expected = [
        r"bad-date\.ar\.md:3: error: `date` is not a valid date: '2020-13-45'",
        r"bad-yaml\.ar\.md:4: error: invalid YAML",
        r"broken-link\.ar\.md:4: error: link to an article that does not exist: 'no-such-slug'",
        r"broken-link\.ar\.md:6: error: link to an article that does not exist: 'bad-datee'",
        r"cp1256\.ar\.md:2: error: this file is not UTF-8 text\. It looks like Windows-1256",
        r"no-title\.ar\.md:1: error: missing `title`",
        r"python-tag\.ar\.md:2: error: unsupported YAML tag !!python/object/apply:os\.system",
        r"unclosed\.ar\.md:1: error: the front matter is never closed",
        r"wrong-lang\.fr\.md: error: unknown language suffix '\.fr'",
    ]
    for pattern in expected:
        assert re.search(pattern, err), (pattern, err)
    assert err.count("hint:") >= len(expected)
    assert "9 errors" in err
    assert not out.exists()


def test_did_you_mean_for_a_mistyped_slug(site_copy) -> None:
    site = site_copy("bilingual")
    path = site / "content/articles/old-report.en.md"
    path.write_text(path.read_text().replace("withdrawal.en.md", "withdrawl.en.md"))
    result = build_site(site, site / "public")
    assert not result.ok
    assert re.search(
        r"old-report\.en\.md:9: error: link to an article that does not exist: 'withdrawl'", result.text
    )
    assert "did you mean 'withdrawal'?" in result.text


def test_failed_build_leaves_previous_output_untouched(site_copy) -> None:
    site = site_copy("bilingual")
    out = site / "public"
    assert build_site(site, out).ok
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (site / "content/articles/withdrawal.ar.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    result = build(site, out)
    assert result.returncode == 1
    assert "left unchanged" in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(site.glob(".public.*")), "no staging folder is left behind"


def test_a_second_build_replaces_the_output_and_the_old_one_goes(site_copy) -> None:
    """The previous output is removed by a detached process (the CLI does not wait for 40k deletions): it is
    gone soon after, and the command's output pipe is not held open by it (run_sitegen would hang)."""
    import time

    site = site_copy("bilingual")
    out = site / "public"
    assert build_site(site, out).ok
    (out / "marker.txt").write_text("from the first build", encoding="utf-8")
    result = build(site, out)
    assert result.returncode == 0, result.stderr
    assert not (out / "marker.txt").exists()
    assert (out / "index.html").is_file()
    deadline = time.monotonic() + 20
    while list(site.glob(".public.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(site.glob(".public.*")), "the old output was never removed"


def test_remove_later_removes_the_folder(tmp_path: Path) -> None:
    import time

    from sitegen.write import remove_later

    folder = tmp_path / "old"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "page.html").write_text("x", encoding="utf-8")
    remove_later(folder)
    deadline = time.monotonic() + 20
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
    assert (tmp_path).is_dir()  # only the folder it was given


def test_template_syntax_error_names_file_and_line(site_copy) -> None:
    site = site_copy("bilingual")
    (site / "templates").mkdir()
    (site / "templates/home.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{% if x %}\n{% endblock %}\n'
    )
    result = build_site(site, site / "public")
    assert not result.ok
    assert re.search(r"templates/home\.html:4: error: template syntax error", result.text), result.text


def test_a_template_that_is_not_utf8_names_file_and_line(site_copy) -> None:
    """A template saved in another encoding (Windows-1256 Arabic) is the site's mistake, with its line."""
    site = site_copy("bilingual")
    (site / "templates").mkdir()
    (site / "templates/404.html").write_bytes("<p>\n<p>صفحة غير موجودة</p>\n".encode("cp1256"))
    result = build_site(site, site / "public")
    assert not result.ok
    assert re.search(
        r"templates/404\.html:2: error: this template is not UTF-8 text\n    hint: .*UTF-8", result.text
    ), result.text
    assert "internal error" not in result.text


@pytest.mark.parametrize("partial", [False, True], ids=["page", "list-entry"])
def test_template_error_while_rendering_names_file_and_line(site_copy, partial: bool) -> None:
    """A mistake that only shows when a page is rendered (an unknown variable) is reported at its line."""
    site = site_copy("bilingual")
    (site / "templates").mkdir()
    if partial:
        name, text = "_entry.html", "<li>\n{{ h.link(slug) }}\n{{ no_such_thing.title }}</li>\n"
    else:
        name, text = (
            "search.html",
            '{% extends "base.html" %}\n{% block main %}\n<p>{{ no_such_thing.title }}</p>\n{% endblock %}\n',
        )
    (site / "templates" / name).write_text(text)
    result = build_site(site, site / "public")
    assert not result.ok
    assert re.search(
        rf"templates/{re.escape(name)}:3: error: template error while rendering /\S*"
        r"(?: \(and \d+ other pages?\))?: UndefinedError: "
        r"'no_such_thing' is undefined",
        result.text,
    ), result.text


def test_a_template_mistake_on_every_article_page_is_reported_once(site_copy) -> None:
    """A mistake in the article template breaks every article: one error naming the first page and how many
    others, not one line per page burying everything else."""
    site = site_copy("bilingual")
    (site / "templates").mkdir()
    theme = Path(__file__).parents[1] / "sitegen/theme/templates/article.html"
    text = theme.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ oops.x }}", 1)
    assert "oops" in text
    (site / "templates/article.html").write_text(text, encoding="utf-8")
    articles = len(list((site / "content").rglob("*.md")))
    result = build_site(site, site / "public")
    assert not result.ok
    found = re.findall(r"templates/article\.html:\d+: error: (.*)", result.text)
    assert len(found) == 1, result.text
    assert re.fullmatch(
        rf"template error while rendering /\S* \(and {articles - 1} other pages\): UndefinedError: "
        r"'oops' is undefined",
        found[0],
    ), found


@pytest.mark.parametrize(
    "text",
    ["{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}", 'x\n{% include "404.html" %}'],
    ids=["macro", "include"],
)
def test_a_template_that_calls_itself_is_the_sites_mistake_not_a_bug(site_copy, text: str) -> None:
    """Endless recursion in a site's template is reported at the template, not as a bug of sitegen."""
    site = site_copy("bilingual")
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(text, encoding="utf-8")
    result = build_site(site, site / "public")
    assert not result.ok
    assert re.search(
        r"templates/404\.html:\d+: error: template error while rendering /\S*.*: RecursionError: "
        r"this template calls itself without end\n    hint: a macro, include or extends",
        result.text,
    ), result.text
    assert "internal error" not in result.text and "Traceback" not in result.text


def test_template_copied_from_an_older_theme_is_told_how_to_show_the_body(site_copy) -> None:
    """Older themes wrote `{{ article.body_html }}`; since the bodies left memory that attribute is gone,
    and a copied template must not publish every article empty without a word."""
    site = site_copy("bilingual")
    (site / "templates").mkdir()
    theme = Path(__file__).parents[1] / "sitegen/theme/templates/article.html"
    old = theme.read_text(encoding="utf-8").replace("{{ h.body(article) }}", "{{ article.body_html }}")
    assert "article.body_html" in old
    (site / "templates/article.html").write_text(old, encoding="utf-8")
    line = old[: old.index("article.body_html")].count("\n") + 1
    result = build_site(site, site / "public")
    assert not result.ok
    assert re.search(
        rf"templates/article\.html:{line}: error: template error while rendering /\S* \(and \d+ other pages\): .*"
        r"`article\.body_html` is no longer available: write `\{\{ h\.body\(article\) \}\}`",
        result.text,
    ), result.text
    assert "Traceback" not in result.text
    assert not (site / "public").exists()


def test_site_template_overrides_theme(site_copy) -> None:
    site = site_copy("bilingual")
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block main %}<p id="custom">{{ t.not_found }}</p>{% endblock %}'
    )
    assert build_site(site, site / "public").ok
    assert html(site / "public/404.html").xpath('//p[@id="custom"]')[0].text == "الصفحة غير موجودة"


def test_no_third_party_requests(bilingual_out: Path) -> None:
    for page in html_files(bilingual_out):
        doc = html(page)
        for el in doc.xpath("//script[@src] | //link[@rel='stylesheet'] | //img | //iframe"):
            ref = el.get("src") or el.get("href") or ""
            assert not ref.startswith(("http:", "https:", "//")), (page, ref)
    css = (bilingual_out / "assets/style.css").read_text()
    assert "@import" not in css and "url(http" not in css


def test_stylesheet_uses_logical_properties_only() -> None:
    css = (Path(__file__).parents[1] / "sitegen/theme/static/style.css").read_text()
    physical = re.findall(
        r"(?<![-\w])(margin|padding|border)-(left|right)\b|(?<![-\w])(left|right)\s*:|text-align:\s*(left|right)|float:\s*(left|right)",
        css,
    )
    assert physical == []
    # no letter-spacing that could reach Arabic text
    for rule in re.findall(r"([^{}]+)\{([^}]*letter-spacing:\s*(?!\s|normal)[^;]+;[^}]*)\}", css):
        assert ":lang(en)" in rule[0], rule


def test_output_never_leaves_the_output_folder(site_copy, tmp_path: Path) -> None:
    site = site_copy("bilingual")
    (site / "content/articles/evil.ar.md").write_text(
        "---\ntitle: x\ndate: 2020-01-01\nslug: ../../escape\ntags: ['../../../etc', '..']\nauthor: ../../x\n"
        "source: {name: ../../../outside}\n---\nx\n",
        encoding="utf-8",
    )
    result = build_site(site, site / "public")
    assert not result.ok
    assert "is not a valid slug" in result.text
    path = site / "content/articles/evil.ar.md"
    path.write_text(path.read_text().replace("slug: ../../escape\n", ""), encoding="utf-8")
    result = build_site(site, site / "public")
    assert result.ok, result.text
    outside = [
        p for p in tmp_path.rglob("*") if p.is_file() and "public" not in p.parts and site not in p.parents
    ]
    assert outside == []
    assert check_links(site / "public") == []
