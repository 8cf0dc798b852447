"""Cross-links, bilingual taxonomies and timelines, as they appear on the built pages (issue 4)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support import FIXTURES, Built, build_site, html


def section_links(page, section: str) -> list[str]:
    return [a.get("href") for a in page.xpath(f'//section[@class="{section}"]//a')]


def test_related_shows_on_both_ends(bilingual_out: Path) -> None:
    # withdrawal lists trenches in `related:`; trenches never mentions withdrawal
    assert "/articles/trenches/" in section_links(
        html(bilingual_out / "articles/withdrawal/index.html"), "related"
    )
    assert section_links(html(bilingual_out / "articles/trenches/index.html"), "related") == [
        "/articles/withdrawal/"
    ]


def test_backlinks_are_deduplicated(bilingual_out: Path) -> None:
    # withdrawal links trenches three ways (related, wikilink, .md link) in two languages: one link back, in
    # trenches' related list, and not again among its backlinks
    trenches = html(bilingual_out / "articles/trenches/index.html")
    assert section_links(trenches, "related") == ["/articles/withdrawal/"]
    assert section_links(trenches, "backlinks") == []
    # an English-only article that links withdrawal shows up on both language versions of withdrawal
    assert "/en/articles/old-report/" in section_links(
        html(bilingual_out / "en/articles/withdrawal/index.html"), "backlinks"
    )
    ar_back = html(bilingual_out / "articles/withdrawal/index.html").xpath('//section[@class="backlinks"]//a')
    assert [(a.get("href"), a.get("lang")) for a in ar_back] == [("/en/articles/old-report/", "en")]


def test_fallback_to_the_other_language_is_marked(bilingual_out: Path) -> None:
    page = html(bilingual_out / "en/articles/withdrawal/index.html")
    link = page.xpath('//section[@class="related"]//a')[0]
    assert link.get("href") == "/articles/trenches/"
    assert link.get("lang") == "ar" and link.get("dir") == "rtl"
    assert link.getnext().text_content() == "(Arabic)"


def test_tag_given_by_id_or_label_in_either_language_is_one_tag(bilingual_out: Path) -> None:
    ar = html(bilingual_out / "tags/ain-issa/index.html")
    en = html(bilingual_out / "en/tags/ain-issa/index.html")
    assert ar.xpath("//h1")[0].text == "عين عيسى" and en.xpath("//h1")[0].text == "Ain Issa"
    ar_items = [a.get("href") for a in ar.xpath('//ol[@class="titles"]/li/a')]
    assert ar_items == ["/articles/withdrawal/", "/articles/trenches/"]
    en_items = [(a.get("href"), a.get("lang")) for a in en.xpath('//ol[@class="titles"]/li/a')]
    assert en_items == [("/en/articles/withdrawal/", None), ("/articles/trenches/", "ar")]
    # each language's tag page links to the other
    assert ar.xpath('//p[@class="other-lang"]/a/@href') == ["/en/tags/ain-issa/"]
    assert en.xpath('//p[@class="other-lang"]/a/@href') == ["/tags/ain-issa/"]


def test_unregistered_tag_warns_and_gets_a_page_in_its_language(bilingual_built: Built) -> None:
    result, out = bilingual_built, bilingual_built.out
    assert result.ok
    assert "trenches.ar.md:6: warning: tag 'تقارير ميدانية' is not in data/tags.yaml" in result.text
    assert (out / "tags/تقارير-ميدانية/index.html").exists()
    assert not (out / "en/tags/تقارير-ميدانية").exists()


def test_tags_index_sorted_by_count(bilingual_out: Path) -> None:
    page = html(bilingual_out / "en/tags/index.html")
    counts = [int(c.text) for c in page.xpath('//ul[@class="term-list"]//span[@class="count"]')]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2


def test_authors_from_registry_and_free_text(bilingual_out: Path) -> None:
    page = html(bilingual_out / "authors/rami-fakhori/index.html")
    assert page.xpath("//h1/bdi")[0].text == "رامي فاخوري"
    assert page.xpath('//p[@class="bio"]')[0].text.startswith("كاتب")
    # "Rami Fakhori" (English name) and "rami-fakhori" (id) land on the same author
    en = html(bilingual_out / "en/authors/rami-fakhori/index.html")
    assert en.xpath("//h1/bdi")[0].text == "Rami Fakhori"
    assert en.xpath('//ol[@class="titles"]/li/a/@href') == ["/en/articles/withdrawal/"]
    free = html(bilingual_out / "authors/سلمى-الخطيب/index.html")
    assert free.xpath('//ol[@class="titles"]/li/a/@href') == ["/articles/trenches/"]


def test_sources_have_pages(bilingual_out: Path) -> None:
    index = html(bilingual_out / "sources/index.html")
    assert "عنب بلدي" in [b.text for b in index.xpath("//ul[@class='term-list']//bdi")]
    page = html(bilingual_out / "sources/عنب-بلدي/index.html")
    assert page.xpath('//ol[@class="titles"]/li/a/@href') == ["/articles/trenches/"]


def test_home_is_paginated_newest_first(bilingual_out: Path) -> None:
    first = html(bilingual_out / "index.html")  # per_page: 2 in the fixture
    assert first.xpath('//ol[@class="entries"]//h2/a/@href') == [
        "/articles/withdrawal/",
        "/articles/trenches/",
    ]
    assert first.xpath('//a[@rel="next"]/@href') == ["/page/2/"]
    second = html(bilingual_out / "page/2/index.html")
    assert second.xpath('//ol[@class="entries"]//h2/a/@href') == ["/en/articles/old-report/"]
    assert second.xpath('//a[@rel="prev"]/@href') == ["/"]


def test_term_pages_list_titles_and_dates_home_entries_say_more(bilingual_out: Path) -> None:
    # a tag's, author's or source's list: the title (linked) and the date, nothing the article page repeats
    tag = html(bilingual_out / "tags/ain-issa/index.html")
    items = tag.xpath('//ol[@class="titles"]/li')
    assert [li.xpath("time/@datetime") for li in items] == [["2020-12-21"], ["2020-12-18"]]
    assert [len(li) for li in items] == [2, 2]  # <a>, <time>: no summary, author or source
    assert not tag.xpath('//ol[@class="entries"]')
    # the home page's entries keep the authors, the source and the summary
    home = html(bilingual_out / "index.html")
    entry = home.xpath('//ol[@class="entries"]/li')[0]
    assert entry.xpath(".//a[@rel='author']") and len(entry.xpath("p")) == 2


def test_term_pages_have_their_own_page_size(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", site)
    (site / "site.yaml").write_text(
        (site / "site.yaml").read_text(encoding="utf-8") + "term_per_page: 1\n", encoding="utf-8"
    )
    built = build_site(site, tmp_path / "public")
    assert built.ok, built.problems
    first = html(built.out / "tags/ain-issa/index.html")
    assert first.xpath('//ol[@class="titles"]/li/a/@href') == ["/articles/withdrawal/"]
    assert first.xpath('//a[@rel="next"]/@href') == ["/tags/ain-issa/page/2/"]
    second = html(built.out / "tags/ain-issa/page/2/index.html")
    assert second.xpath('//ol[@class="titles"]/li/a/@href') == ["/articles/trenches/"]
    # the home page keeps per_page (2 in the fixture)
    assert len(html(built.out / "index.html").xpath('//ol[@class="entries"]/li')) == 2


def test_a_site_puts_the_summaries_back_in_term_lists_with_its_own_title_entry(tmp_path: Path) -> None:
    """docs/content.md: the term lists' item is the `_title_entry.html` partial, which a site can replace."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", site)
    (site / "templates").mkdir()
    (site / "templates/_title_entry.html").write_text(
        '<li>{{ link }} <time datetime="{{ iso }}">{{ day }}</time><p class="summary">{{ a.summary }}</p></li>\n',
        encoding="utf-8",
    )
    built = build_site(site, tmp_path / "public")
    assert built.ok, built.problems
    tag = html(built.out / "tags/ain-issa/index.html")
    assert tag.xpath('//ol[@class="titles"]/li/p[@class="summary"]/text()') == [
        "واصل نظام الأسد سحب قواته من عدة مواقع في المنطقة.",
        "حفر الخنادق والأنفاق في محيط المدينة.",
    ]


def test_a_timeline_event_links_its_article_under_its_months_heading(bilingual_out: Path) -> None:
    page = html(bilingual_out / "timeline/2020/index.html")
    month = page.xpath('//section[@id="m2020-12"]')[0]
    assert month.xpath("h3/time/@datetime") == ["2020-12"]
    event = month.xpath(".//li[not(@class)]")[0]
    # the day alone (Arabic digits or not as the site says), the whole date in datetime; the event's text is
    # the link to the article that reports it
    assert event.xpath("time/@datetime") == ["2020-12-20"] and event.xpath("time")[0].text == "20"
    link = event.xpath("a")[0]
    assert (
        link.get("href") == "/articles/withdrawal/" and link.text_content() == "انسحاب رتل عسكري من عين عيسى"
    )
    # an article's own publication says so, before its title
    [publication] = month.xpath('.//li[@class="is-publication"][a="نظام الأسد يسحب قواته من مدينة عين عيسى"]')
    assert publication.text_content().split(" ", 1)[1].startswith("نُشر: ")
    # an approximate date keeps its words (test_partial_and_approximate_dates_sort_in_the_timeline)


def test_partial_and_approximate_dates_sort_in_the_timeline(bilingual_out: Path) -> None:
    page = html(bilingual_out / "timeline/2019/index.html")
    dates = [t.get("datetime") for t in page.xpath('//ol[@class="timeline-entries"]/li/time[1]')]
    assert dates == ["2019", "2019-03-02", "2019-10"]
    circa = page.xpath('//li[contains(@class, "is-circa")]/time')[0]
    assert circa.text == "نحو تشرين الأول 2019"
    months = [h.text_content() for h in page.xpath("//h3")]
    assert months == ["آذار 2019", "تشرين الأول 2019"]
    # the year index links every year
    index = html(bilingual_out / "timeline/index.html")
    assert index.xpath('//ol[contains(@class, "years")]//a/@href') == ["/timeline/2019/", "/timeline/2020/"]


def test_article_events_section(bilingual_out: Path) -> None:
    page = html(bilingual_out / "articles/withdrawal/index.html")
    items = page.xpath('//section[@class="events"]//li')
    assert [li.xpath("time/@datetime")[0] for li in items] == ["2019-10", "2020-12-20"]
    assert page.xpath('//section[@class="events"]//ol')  # semantic list, no script needed


def test_tag_page_has_a_timeline(bilingual_out: Path) -> None:
    page = html(bilingual_out / "en/tags/ain-issa/index.html")
    events = page.xpath('//section[@class="tag-timeline"]//li')
    assert [e.xpath("time/@datetime")[0] for e in events] == ["2020-12-20"]
    assert "A military convoy leaves Ain Issa" in events[0].text_content()


def test_a_long_tag_timeline_gets_a_page_a_year(site_copy, monkeypatch) -> None:
    """Past TAG_TIMELINE_INLINE events the tag's first page lists the years, each a page with its events
    (the same events the inline timeline shows), linked both ways and to the other language's year."""
    from sitegen import timelines

    site = site_copy("bilingual")
    inline = build_site(site, site / "inline").out
    shown = html(inline / "tags/ain-issa/index.html").xpath('//section[@class="tag-timeline"]//li')
    expected = [(e.xpath("time/@datetime")[0], e.text_content().strip()) for e in shown]
    assert len(expected) == 2

    monkeypatch.setattr(timelines, "TAG_TIMELINE_INLINE", 1)
    out = build_site(site, site / "split").out
    tag = html(out / "tags/ain-issa/index.html")
    years = tag.xpath('//section[@class="tag-timeline"]//li')
    assert [(li.xpath(".//time/@datetime")[0], li.xpath(".//a/@href")[0]) for li in years] == [
        ("2019", "/tags/ain-issa/timeline/2019/"),
        ("2020", "/tags/ain-issa/timeline/2020/"),
    ]
    assert [li.xpath('string(.//span[@class="count"])') for li in years] == ["1", "1"]
    found = []
    for year in ("2019", "2020"):
        page = html(out / f"tags/ain-issa/timeline/{year}/index.html")
        assert page.xpath("/html/@lang") == ["ar"] and page.xpath("/html/@dir") == ["rtl"]
        assert "/tags/ain-issa/" in page.xpath('//p[@class="breadcrumb"]//a/@href')
        assert page.xpath('//nav[@class="years"]//a[@aria-current="page"]/text()') == [year]
        found += [
            (e.xpath("time/@datetime")[0], e.text_content().strip())
            for e in page.xpath('//ol[@class="timeline-entries"]/li')
        ]
        for alternate in page.xpath('//link[@rel="alternate"][@hreflang]/@href'):  # never a missing page
            assert (out / alternate.lstrip("/") / "index.html").is_file(), alternate
    assert found == expected
    # English has one Ain Issa event, within the limit: shown on the tag's page, no year pages
    english = html(out / "en/tags/ain-issa/index.html")
    assert len(english.xpath('//section[@class="tag-timeline"]//ol[@class="timeline-entries"]/li')) == 1
    assert not (out / "en/tags/ain-issa/timeline").exists()


def test_a_crowded_year_of_the_timeline_gets_a_page_a_month(site_copy, monkeypatch) -> None:
    """Past YEAR_INLINE events a year page lists its months (ids kept for the chart's links), each a page
    with its events; events dated by the year alone stay on the year page."""
    from sitegen import timelines

    site = site_copy("bilingual")
    inline = build_site(site, site / "inline").out
    expected = {
        year: [e.xpath("time/@datetime")[0] for e in html(page).xpath('//ol[@class="timeline-entries"]/li')]
        for year, page in [(p.parent.name, p) for p in (inline / "en/timeline").glob("*/index.html")]
    }
    monkeypatch.setattr(timelines, "YEAR_INLINE", 0)
    out = build_site(site, site / "split").out
    for year, dates in expected.items():
        page = html(out / f"en/timeline/{year}/index.html")
        months = page.xpath('//ol[@class="term-list months"]/li')
        found = [e.xpath("time/@datetime")[0] for e in page.xpath('//ol[@class="timeline-entries"]/li')]
        assert all(len(d) == 4 for d in found)  # only year-only dates stay
        for li in months:
            month = li.get("id")[1:]
            assert li.xpath("a/@href") == [f"/en/timeline/{month[:4]}/{month[5:]}/"]
            month_page = html(out / f"en/timeline/{month[:4]}/{month[5:]}/index.html")
            assert month_page.xpath("/html/@lang") == ["en"] and month_page.xpath("/html/@dir") == ["ltr"]
            assert month_page.xpath('//nav[@class="months"]//a[@aria-current="page"]/@href') == li.xpath(
                "a/@href"
            )
            listed = month_page.xpath('//ol[@class="timeline-entries"]/li')
            assert li.xpath('string(span[@class="count"])') == str(len(listed))
            found += [e.xpath("time/@datetime")[0] for e in listed]
            for alternate in month_page.xpath('//link[@rel="alternate"][@hreflang]/@href'):
                assert (out / alternate.lstrip("/") / "index.html").is_file(), alternate
        assert sorted(found) == sorted(dates), year
    assert "2019" in expected and (out / "en/timeline/2020/12/index.html").is_file()


def test_timeline_json(bilingual_out: Path) -> None:
    data = json.loads((bilingual_out / "en/timeline.json").read_text(encoding="utf-8"))
    assert data["lang"] == "en"
    events = [dict(zip(data["columns"], row, strict=True)) for row in data["events"]]
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, key=lambda d: (d + "-00-00")[:10])
    convoy = next(e for e in events if e["title"] == "A military convoy leaves Ain Issa")
    assert convoy == {
        "date": "2020-12-20",
        "end": None,
        "circa": False,
        "title": "A military convoy leaves Ain Issa",
        "kind": "event",
        "slug": "withdrawal",
        "lang": "en",
        "url": "/en/articles/withdrawal/",
    }
    # an article without an English version appears through its Arabic version
    assert any(e["slug"] == "trenches" and e["lang"] == "ar" for e in events)


def test_event_range_and_bad_event_dates(site_copy) -> None:
    site = site_copy("bilingual")
    path = site / "content/articles/trenches.ar.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "summary:",
            "events:\n  - {date: 2019-10-09, end: 2019-10-17, title: عملية نبع السلام}\n"
            "  - {date: 2019-02-30, title: تاريخ مستحيل}\nsummary:",
        ),
        encoding="utf-8",
    )
    result = build_site(site, site / "public")
    assert not result.ok
    assert "trenches.ar.md:9: error: event 2 has no valid date: '2019-02-30'" in result.text
    path.write_text(
        text.replace(
            "summary:", "events:\n  - {date: 2019-10-09, end: 2019-10-17, title: عملية نبع السلام}\nsummary:"
        ),
        encoding="utf-8",
    )
    result = build_site(site, site / "public")
    assert result.ok, result.text
    item = html(site / "public/articles/trenches/index.html").xpath('//section[@class="events"]//li')[0]
    assert item.xpath("time/@datetime") == ["2019-10-09", "2019-10-17"]


def test_wikilink_title_in_the_other_language_is_isolated_and_marked(site_copy) -> None:
    site = site_copy("bilingual")
    path = site / "content/articles/withdrawal.en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAlso: [[trenches]].\n", encoding="utf-8")
    assert build_site(site, site / "public").ok
    page = html(site / "public/en/articles/withdrawal/index.html")
    link = page.xpath('//div[@class="article-body"]//a[@hreflang="ar"]')[-1]
    bdi = link.xpath("bdi")[0]
    assert (bdi.get("lang"), bdi.get("dir"), bdi.text) == ("ar", "rtl", "قسد تحفر الخنادق حول عين عيسى")
    assert link.xpath('span[@class="lang-marker"]')[0].text == "(Arabic)"


def test_nav_marks_the_current_section(bilingual_out: Path) -> None:
    def current(path: str) -> dict[str, str]:
        page = html(bilingual_out / path)
        return {
            a.get("href"): a.get("aria-current")
            for a in page.xpath('//nav[@class="site-nav"]//a[@aria-current]')
        }

    assert current("tags/index.html") == {"/tags/": "page"}
    assert current("tags/ain-issa/index.html") == {"/tags/": "true"}
    assert current("timeline/2019/index.html") == {"/timeline/": "true"}
    assert current("articles/withdrawal/index.html") == {}
