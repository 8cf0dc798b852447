"""Small things a reader notices (issue 14, part 4): the language switch of an untranslated article, citations
with the site's address, the print stylesheet (in Chromium), month anchors and approximate dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import FIXTURES, build_site, cite_download, html


def test_the_switch_of_an_untranslated_article_leads_home_and_says_why(bilingual_out: Path) -> None:
    page = html(bilingual_out / "articles/trenches/index.html")
    link = page.xpath('//nav[@class="lang-switch"]//a[@hreflang="en"]')[0]
    assert link.get("href") == "/en/"
    assert link.xpath('.//*[@class="lang-note"]')[0].text_content() == "(not translated yet)"
    translated = html(bilingual_out / "articles/withdrawal/index.html")
    assert not translated.xpath('//nav[@class="lang-switch"]//*[@class="lang-note"]')
    assert translated.xpath('//nav[@class="lang-switch"]//a/@href') == ["/en/articles/withdrawal/"]
    assert not html(bilingual_out / "tags/index.html").xpath('//*[@class="lang-note"]')


def test_citations_carry_the_sites_address_when_base_url_is_set(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build_site(FIXTURES / "bilingual", out, base_url="https://example.org/archive/").ok
    page = html(out / "articles/withdrawal/index.html")
    cited = page.xpath('//p[@class="citation"]/a[last()]/@href')
    assert cited == ["https://example.org/archive/articles/withdrawal/"]
    assert "https://example.org/archive/articles/withdrawal/" in cite_download(
        out / "articles/withdrawal/index.html", "bib"
    )


def test_year_pages_anchor_each_month_and_mark_approximate_dates(bilingual_out: Path) -> None:
    year = next(p for p in sorted((bilingual_out / "timeline").iterdir()) if (p / "index.html").is_file())
    doc = html(year / "index.html")
    months = doc.xpath('//section[@class="timeline-month"][starts-with(@id, "m")]')
    assert months
    for section in months:
        assert section.xpath("./h3/time/@datetime")[0] == section.get("id")[1:]
    for entry in doc.xpath('//ol[@class="timeline-entries"]/li'):
        iso = entry.xpath("./time/@datetime")[0]
        kinds = (entry.get("class") or "").split()
        assert ("is-approx" in kinds) == (len(iso) < 10 or "is-circa" in kinds), iso


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_an_article_prints_without_navigation_with_link_addresses_and_its_citation(
    bilingual_out: Path,
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_a11y import LAUNCH_ARGS, serve

    server, origin = serve(bilingual_out)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            page = browser.new_page()
            page.goto(origin + "/articles/withdrawal/")
            # a table and a quote as Markdown makes them (the fixture's article has neither)
            page.evaluate("""() => document.querySelector('.article-body').insertAdjacentHTML('beforeend',
              '<table><tr><td>1</td></tr></table><blockquote><p>q</p></blockquote>')""")
            page.emulate_media(media="print")
            shown = page.evaluate("""() => ({
              header: getComputedStyle(document.querySelector('.site-header')).display,
              footer: getComputedStyle(document.querySelector('.site-footer')).display,
              cite: getComputedStyle(document.querySelector('.cite')).display,
              after: [...document.querySelectorAll('.article-body a[href]')].map(
                a => getComputedStyle(a, '::after').content),
              table: [...document.querySelectorAll('table, blockquote')].map(
                e => getComputedStyle(e).breakInside),
            })""")
            page.emulate_media(media="screen")
            on_screen = page.evaluate(
                "() => getComputedStyle(document.querySelector('.site-header')).display"
            )
            browser.close()
    finally:
        server.shutdown()
    assert shown["header"] == shown["footer"] == "none" and on_screen != "none"
    assert shown["cite"] == "block"
    assert shown["after"] and all(a.startswith('" <') for a in shown["after"]), shown["after"]
    assert shown["table"] == ["avoid", "avoid"]
