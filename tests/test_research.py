"""The research layer as a reader, a reference manager and a data user meet it: citations, provenance,
images, and the data export read back and checked against the pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sitegen import bidi, cite, cite_escape, cite_files, export
from tests.support import FIXTURES, build_site, check_links, cite_download, html, html_files

BASE = "https://archive.example/sub/"
HOSTILE = "</script><script>alert(1)</script> & {braces} 100% #1 \\end"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("research") / "public"
    result = build_site(FIXTURES / "research", out)
    assert result.ok, result.text
    return out, result.text


def page(out: Path, lang: str, slug: str) -> Path:
    return out / ("" if lang == "ar" else lang) / "articles" / slug / "index.html"


def json_ld(path: Path) -> dict:
    [script] = html(path).xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def meta(path: Path, name: str) -> list[str]:
    doc = html(path)
    return [m.get("content") for m in doc.xpath(f'//meta[@name="{name}" or @property="{name}"]')]


# --- citations --------------------------------------------------------------------------------------


def test_json_ld_describes_article_translation_and_source(built: tuple[Path, str]) -> None:
    out, _ = built
    ar, en = json_ld(page(out, "ar", "raqqa-detention")), json_ld(page(out, "en", "raqqa-detention"))
    assert ar["@type"] == en["@type"] == "NewsArticle"
    assert ar["headline"] == "شهادات عن مراكز الاعتقال في الرقة" and ar["inLanguage"] == "ar"
    assert ar["datePublished"] == "2021-03-15"
    assert ar["@id"] == BASE + "articles/raqqa-detention/" and "url" not in ar  # the address once
    assert [a["name"] for a in en["author"]] == ["Lina Saleh", "سامر الحمصي"]
    assert ar["publisher"]["name"] == "أرشيف البحث"
    assert ar["isBasedOn"]["url"] == "https://example.org/2021/03/raqqa"
    assert ar["isBasedOn"]["archivedAt"].startswith("https://web.archive.org/")
    # the pair, both ways, only because the English version declares `translated_from: ar`
    assert en["translationOfWork"]["@id"] == ar["@id"]
    assert ar["workTranslation"] == [{"@id": en["@id"], "inLanguage": "en"}]
    assert en["translator"]["name"] == "Maya Khoury"


def test_json_ld_cannot_be_closed_by_a_title(built: tuple[Path, str]) -> None:
    out, _ = built
    raw = page(out, "en", "hostile").read_text(encoding="utf-8")
    script = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script and "&" not in script
    assert json_ld(page(out, "en", "hostile"))["headline"] == HOSTILE
    # no injected script runs: the one script of the page is the theme's, for the citation downloads
    scripts = html(page(out, "en", "hostile")).xpath("//script[not(@type)]")
    assert [(s.get("src"), s.text) for s in scripts] == [("/sub/assets/cite.js", None)]


def test_highwire_and_open_graph(built: tuple[Path, str]) -> None:
    out, _ = built
    p = page(out, "ar", "raqqa-detention")
    assert meta(p, "citation_title") == ["شهادات عن مراكز الاعتقال في الرقة"]
    assert meta(p, "citation_author") == ["لينا صالح"]
    assert meta(p, "citation_publication_date") == ["2021/03/15"]
    assert meta(p, "citation_publisher") == ["أرشيف البحث"]
    assert meta(p, "citation_language") == ["ar"]
    assert meta(p, "citation_public_url") == [BASE + "articles/raqqa-detention/"]
    assert meta(p, "citation_abstract_html_url") == []  # the same address again: said once
    assert meta(p, "og:type") == ["article"] and meta(p, "og:url") == [BASE + "articles/raqqa-detention/"]
    assert meta(p, "og:locale:alternate") and meta(p, "og:title") == meta(p, "citation_title")
    assert meta(page(out, "en", "hostile"), "citation_title") == [HOSTILE]


def test_cite_block_localized_with_downloads(built: tuple[Path, str]) -> None:
    out, _ = built
    ar = html(page(out, "ar", "raqqa-detention"))
    [text] = ar.xpath('//section[@class="cite"]/p[@class="citation"]')
    content = text.text_content()
    assert "«شهادات عن مراكز الاعتقال في الرقة»" in content
    assert "١٥ آذار ٢٠٢١" in content  # numerals: {ar: arab}
    assert BASE + "articles/raqqa-detention/" in content
    en = html(page(out, "en", "raqqa-detention"))
    [text] = en.xpath('//p[@class="citation"]')
    assert "Translated from Arabic by Maya Khoury" in text.text_content()
    # an Arabic name inside the English citation says it is Arabic
    assert text.xpath('.//bdi[@lang="ar"]/text()') == ["سامر الحمصي", "عنب بلدي"]
    links = en.xpath('//ul[@class="cite-downloads"]//a')
    assert [a.get("download") for a in links] == ["raqqa-detention-en.bib", "raqqa-detention-en.ris"]
    # made by the theme's script, under the site's base path (check_links: the file is there)
    assert [a.get("href") for a in links] == [None, None]
    assert en.xpath('//section[@class="cite"]/script/@src') == ["/sub/assets/cite.js"]
    assert check_links(out, "/sub/") == []
    # no file per article and language: the downloads are made in the page
    assert [p.relative_to(out).as_posix() for p in out.rglob("cite.*")] == ["assets/cite.js"]


def test_without_javascript_the_download_list_is_hidden(built: tuple[Path, str]) -> None:
    """No dead link without JavaScript: the links have no address until cite.js gives them their files, so
    the list and its label are `hidden` in the HTML (the script shows them); the ready citation is not."""
    out, _ = built
    for path in (page(out, "ar", "raqqa-detention"), page(out, "en", "hostile")):
        [section] = html(path).xpath('//section[@class="cite"]')
        assert [el.tag for el in section.xpath('*[@class="cite-downloads"][@hidden]')] == ["p", "ul"]
        assert section.xpath('p[@class="citation"][not(@hidden)]')
        assert section.xpath("ul//a[@href]") == []


def test_a_site_can_override_the_citation_files(tmp_path: Path) -> None:
    """The downloads skip Jinja for speed, but only while the theme's cite.bib/cite.ris are the ones in use."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "research", site)
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "cite.bib").write_text("% ours\n{{ h.bibtex(article) }}", encoding="utf-8")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    hostile = page(out, "en", "hostile")
    # the site's template is the truth: its output as today's data: URL, which the script leaves alone
    [bib] = html(hostile).xpath('//ul[@class="cite-downloads"]//a[@download="hostile-en.bib"]/@href')
    assert bib.startswith("data:application/x-bibtex;charset=utf-8,%25 ours%0A@misc{hostile-en,%0A")
    assert cite_download(hostile, "bib").startswith("% ours\n@misc{hostile-en,\n")
    # the theme's RIS is still made by the script
    assert html(hostile).xpath('//a[@download="hostile-en.ris"]/@href') == []
    assert cite_download(hostile, "ris").startswith("TY  - ")


def test_a_site_with_its_own_article_template_keeps_data_urls(tmp_path: Path) -> None:
    """cite.js reads the tags the theme's article.html writes; a site's own article.html may write others,
    so its downloads stay data: URLs, shown without JavaScript."""
    import shutil

    from sitegen.render.environment import THEME_DIR

    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "research", site)
    (site / "templates").mkdir(exist_ok=True)
    shutil.copy(THEME_DIR / "templates" / "article.html", site / "templates" / "article.html")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    [section] = html(page(out, "en", "hostile")).xpath('//section[@class="cite"]')
    hrefs = section.xpath("ul//a/@href")
    assert [h.partition(",")[0] for h in hrefs] == [
        "data:application/x-bibtex;charset=utf-8",
        "data:application/x-research-info-systems;charset=utf-8",
    ]
    assert not section.xpath("*[@hidden] | script")
    assert cite_download(page(out, "en", "hostile"), "bib").startswith("@misc{hostile-en,\n")


def test_bibtex_and_ris_files(built: tuple[Path, str]) -> None:
    out, _ = built
    bib = cite_download(page(out, "en", "hostile"), "bib")
    assert bib.startswith("@misc{hostile-en,\n") and bib.rstrip().endswith("}")
    depth = 0
    for i, ch in enumerate(bib):  # braces balance, counting escaped ones as text
        if ch in "{}" and bib[i - 1] != "\\":
            depth += 1 if ch == "{" else -1
            assert depth >= 0
    assert depth == 0
    assert r"\& \{braces\} 100\% \#1 \textbackslash{}end" in bib
    ris = cite_download(page(out, "en", "hostile"), "ris")
    lines = ris.split("\r\n")
    assert lines[-1] == "" and all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines[:-1])
    assert [line for line in lines if line.startswith("ER")] == ["ER  - "]  # the summary forged no record
    assert f"TI  - {HOSTILE}" in lines
    en = cite_download(page(out, "en", "raqqa-detention"), "ris")
    assert "DA  - 2021/03/15\r\n" in en and "AU  - سامر الحمصي\r\n" in en and "LA  - en\r\n" in en


# --- provenance -------------------------------------------------------------------------------------


def test_provenance_and_content_warning(built: tuple[Path, str]) -> None:
    out, _ = built
    doc = html(page(out, "ar", "raqqa-detention"))
    [section] = doc.xpath('//section[@class="provenance"]')
    text = section.text_content()
    assert "https://example.org/2021/03/raqqa" in text and "https://web.archive.org/web/2021" in text
    assert (
        "١٦ آذار ٢٠٢١" in text and "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" in text
    )
    en = html(page(out, "en", "raqqa-detention"))
    [section] = en.xpath('//section[@class="provenance"]')
    assert section.xpath('.//a[@hreflang="ar"]/@href') == ["/sub/articles/raqqa-detention/"]
    assert "Maya Khoury" in section.text_content()
    # the warning comes before the text it warns about
    order = [el.get("class") for el in en.iter() if el.get("class") in ("content-warning", "article-body")]
    assert order == ["content-warning", "article-body"]


def test_images_lose_exif_and_are_never_hotlinked(built: tuple[Path, str]) -> None:
    out, log = built
    source = Image.open(FIXTURES / "research" / "static" / "images" / "site.jpg")
    assert source.getexif().get_ifd(0x8825)  # the fixture does carry a GPS position
    published = Image.open(out / "images" / "site.jpg")
    exif = published.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif and 0x0110 not in exif
    assert "comment" not in published.info and published.size == source.size
    for path in html_files(out):
        for src in html(path).xpath("//img/@src"):
            assert not re.match(r"^(https?:)?//", src), f"{path}: hot-linked image {src}"
    doc = html(page(out, "ar", "raqqa-detention"))
    assert doc.xpath('//a[@class="external-image"]/@href') == ["https://tracker.example.net/pixel.jpg"]
    assert "raqqa-detention.ar.md:20: warning: image on another site" in log


# --- data export ------------------------------------------------------------------------------------


def test_export_matches_pages(built: tuple[Path, str]) -> None:
    out, _ = built
    data = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    assert data["columns"] == list(export.COLUMNS)
    assert all(isinstance(row, list) and len(row) == len(data["columns"]) for row in data["articles"])
    rows = [dict(zip(data["columns"], row, strict=True)) for row in data["articles"]]
    assert {(r["slug"], r["language"]) for r in rows} == {
        ("raqqa-detention", "ar"),
        ("raqqa-detention", "en"),
        ("hostile", "en"),
    }
    for row in rows:
        assert row["url"].startswith(BASE)
        doc = html(page(out, row["language"], row["slug"]))
        assert doc.xpath("//link[@rel='canonical']/@href") == [row["url"]]
        assert doc.xpath("//h1[@class='article-title']")[0].text_content() == row["title"]
        assert doc.xpath("//p[@class='article-meta']/time/@datetime") == [row["date"]]
        assert doc.xpath("//ul[@class='tag-list']//a/text()") == row["tag_labels"]
        assert [a.text_content() for a in doc.xpath("//span[@class='article-authors']//a")] == row["authors"]
        related = [h.rstrip("/").rsplit("/", 1)[1] for h in doc.xpath("//section[@class='related']//a/@href")]
        assert related == row["related"]
        provenance = " ".join(doc.xpath("//section[@class='provenance']//text()"))
        for key in ("source_name", "source_url", "source_archive_url", "source_sha256", "translator"):
            assert row[key] in provenance
    raw = (out / "articles.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Arabic right
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(table) == len(rows)
    for line, row in zip(table, rows, strict=True):
        for key in export.COLUMNS:
            value = " | ".join(row[key]) if isinstance(row[key], list) else row[key]
            expected = "'" + value if value.startswith(("=", "+", "-", "@")) else value
            assert line[key] == expected, key


def test_export_csv_defuses_formulas() -> None:
    assert export.csv_cell("=1+1") == "'=1+1" and export.csv_cell(["@a", "b"]) == "'@a | b"
    assert export.csv_cell("عين عيسى") == "عين عيسى"


# --- units ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("</script>", "\\u003c/script\\u003e"),
        ("a & b", "a \\u0026 b"),
        ("<!--", "\\u003c!--"),
        ("\u2028", "\\u2028"),
    ],
)
def test_script_json_escapes(text: str, expected: str) -> None:
    out = cite.script_json({"t": text})
    assert expected in out and json.loads(out)["t"] == text


@pytest.mark.parametrize(
    "text, lang", [("رامي فاخوري", "ar"), ("Rami Fakhori", "en"), ("2020", None), ("Rami رامي", None)]
)
def test_script_lang(text: str, lang: str | None) -> None:
    assert bidi.script_lang(text, ("ar", "en")) == lang


def test_bib_text_stays_one_field() -> None:
    assert cite_escape.bib_text("a}\n@misc{x,") == r"a\} @misc\{x,"
    assert cite_escape.bib_url("https://x.org/a b{c}") == "https://x.org/a%20b%7Bc%7D"


@pytest.mark.parametrize(
    "text, written",
    [
        ("TY  - NEWS\r\nTI  - عنوان\r\n", "TY  - NEWS%0D%0ATI  - عنوان%0D%0A"),  # Arabic stays UTF-8
        ("100% #1", "100%25 %231"),  # would be read as an escape and as the fragment
        ("a\tb\x00", "a%09b%00"),  # dropped or refused by the URL parser
        ('"quoted" & <b>', '"quoted" & <b>'),  # HTML's to escape, in the attribute
    ],
)
def test_data_url_keeps_every_byte(text: str, written: str) -> None:
    from urllib.parse import unquote_to_bytes

    url = cite_files.data_url(text, "application/x-bibtex")
    assert url == "data:application/x-bibtex;charset=utf-8," + written
    assert unquote_to_bytes(url.partition(",")[2]).decode("utf-8") == text


def test_data_url_round_trips_any_text() -> None:
    """Random texts of the characters a data: URL treats specially, mixed with ordinary ones: each comes
    back whole, and nothing the URL parser would drop or read as an escape or a fragment is left raw."""
    import random
    from urllib.parse import unquote_to_bytes

    rng = random.Random(7)
    alphabet = "ab %#\n\r\t\x00\x1f\x7f\x01عر{}\\"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        body = cite_files.data_url(text, "text/plain").partition(",")[2]
        assert unquote_to_bytes(body).decode("utf-8") == text, repr(text)
        assert not re.search("[#\x00-\x1f\x7f]|%(?![0-9A-F]{2})", body), repr(body)


@pytest.mark.parametrize("text", ["<script>\"x\" & 'y'</script>", "نص & <b>", "", "plain"])
def test_fast_escape_matches_jinjas(text: str) -> None:
    """Helpers escape with markupsafe's C core: the result must be what autoescape would write."""
    from markupsafe import escape

    from sitegen.escape import esc

    assert esc(text) == str(escape(text))


# --- the downloads in a browser -----------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


def bibtex_fields(text: str) -> tuple[str, dict[str, str]]:
    """A BibTeX entry's key and fields, read as a BibTeX reader does: braces balance, `\\{` is text."""
    head = re.match(r"\s*@misc\{([^,\s]+),\n", text)
    assert head, text[:80]
    fields: dict[str, str] = {}
    i = head.end()
    while (field := re.compile(r"\s*(\w+) = \{").match(text, i)) is not None:
        depth, j = 1, field.end()
        while depth:
            assert j < len(text), f"unbalanced braces in {field.group(1)}"
            if text[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        fields[field.group(1)] = text[field.end() : j - 1]
        i = j + (text[j] == ",")
    assert text[i:].strip() == "}", text[i:]
    return head.group(1), fields


def ris_fields(text: str) -> list[tuple[str, str]]:
    """RIS records as (tag, value) rows; every line must be a tag line and the record must end with ER."""
    rows = [re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line) for line in text.split("\r\n")[:-1]]
    assert all(rows) and text.endswith("\r\n"), text
    pairs = [(m.group(1), m.group(2)) for m in rows if m]
    assert pairs[0] == ("TY", "NEWS") and pairs[-1] == ("ER", "")
    return pairs


# articles added to a copy of the research site: what the page's tags cannot say or say only with a
# fallback (no summary, a summary that is the title, keywords holding "; ", NUL, an archived copy without
# a source), next to text made to break the files, the page or the script; the research site's own
# articles bring the rest (a translation with its translator, an archived copy, an Arabic page)
CITE_ARTICLES = {
    "unsummarized.ar.md": r"""---
title: "تقرير \u200fعن «Human Rights Watch» {x} ~ ^ _ $ 50% #3 \"quoted\" 'single' </script>\u00a0\u0085"
date: 2019-07-04
author: "{Anon} O'Brien \\ & co"
source:
  archive_url: "https://web.archive.org/web/2019/https://ex.org/a?b=1&c={d} e"
  accessed: 2019-07-05
  sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
tags: [raqqa, semicolons]
---
نص.
""",
    "unsummarized.en.md": r"""---
title: "\ufeffA\tB </script> \u2028 C\r\nD \u202eevil"
date: 2019-07-04
author: "Lina \"The\" Saleh"
translated_from: ar
summary: "\ufeffA\tB </script> \u2028 C\r\nD \u202eevil"
tags: [semicolons]
---
Text.
""",
    "nul.en.md": r"""---
title: "Nul"
date: 2019-07-06
summary: "a\0b\rc"
---
Text.
""",
}
SEMICOLONS_TAG = 'semicolons:\n  ar: "اعتقال; تعذيب"\n  en: "arrest; torture"\n'


def cite_site(root: Path, own_bib: str = "") -> tuple[Path, dict[tuple[str, str], cite.Citation]]:
    """The research site with CITE_ARTICLES (and `own_bib` as its templates/cite.bib), built under its
    base path /sub/ in `root`; the built site and every article's Citation, as cite.py makes it."""
    import shutil

    from sitegen.build import BuildOptions, load_site

    site = root / "site"
    shutil.copytree(FIXTURES / "research", site)
    for name, text in CITE_ARTICLES.items():
        (site / "content" / "articles" / name).write_text(text, encoding="utf-8")
    with (site / "data" / "tags.yaml").open("a", encoding="utf-8") as tags:
        tags.write(SEMICOLONS_TAG)
    if own_bib:
        (site / "templates").mkdir()
        (site / "templates" / "cite.bib").write_text(own_bib, encoding="utf-8")
    out = root / "served" / "sub"
    result = build_site(site, out)
    assert result.ok, result.text
    linked = load_site(site, BuildOptions(cache=False))
    citations = {
        (slug, lang): cite.citation(linked.site, linked.graph, article)
        for (slug, lang), article in linked.site.articles.items()
    }
    return out, citations


def page_path(slug: str, lang: str) -> str:
    return "/sub/" + ("" if lang == "ar" else f"{lang}/") + f"articles/{slug}/"


def click_downloads(served: Path, paths: list[str], javascript: bool = True) -> dict[str, dict[str, Any]]:
    """Each page of `paths` in Chromium (`served` over HTTP), each of its download links clicked: per saved
    file, its bytes, the link's href, label markup and media type; without JavaScript, what is shown."""
    from playwright.sync_api import sync_playwright

    from tests.test_a11y import LAUNCH_ARGS, serve

    server, origin = serve(served)
    found: dict[str, dict[str, Any]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            tab = browser.new_context(accept_downloads=True, java_script_enabled=javascript).new_page()
            errors: list[str] = []
            tab.on("pageerror", lambda exc: errors.append(str(exc)))
            for path in paths:
                tab.goto(origin + path)
                list_ = tab.locator("ul.cite-downloads")
                if not javascript:
                    found[path] = {
                        "shown": list_.is_visible(),
                        "links": tab.get_by_role("link").all_inner_texts(),
                    }
                    continue
                list_.wait_for(state="visible")
                for link in list_.locator("a").all():
                    with tab.expect_download() as info:
                        link.click()
                    download = info.value
                    found[download.suggested_filename] = {
                        "bytes": Path(download.path()).read_bytes(),
                        "href": link.get_attribute("href"),
                        "label": link.inner_html(),
                        "type": link.evaluate("a => fetch(a.href).then(r => r.headers.get('content-type'))"),
                        "page": path,
                    }
            browser.close()
            assert errors == []
    finally:
        server.shutdown()
    return found


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_the_downloads_are_the_files_cite_py_writes(tmp_path: Path) -> None:
    """A click on each link of every article page (Arabic and English, under the site's sub-path) saves a
    file named for the article whose bytes are exactly cite_files.bibtex(c) / cite_files.ris(c), hostile text included;
    the labels are the page's own markup."""
    out, citations = cite_site(tmp_path)
    saved = click_downloads(out.parent, [page_path(slug, lang) for slug, lang in sorted(citations)])
    assert len(saved) == 2 * len(citations) == 12
    for (slug, lang), c in citations.items():
        for ext, text, media in (
            ("bib", cite_files.bibtex(c), "application/x-bibtex;charset=utf-8"),
            ("ris", cite_files.ris(c), "application/x-research-info-systems;charset=utf-8"),
        ):
            name = f"{slug}-{lang}.{ext}"
            got = saved[name]
            assert got["bytes"] == text.encode("utf-8"), name
            assert got["href"].startswith("blob:") and got["type"] == media
            raw = (out / got["page"].removeprefix("/sub/") / "index.html").read_text(encoding="utf-8")
            assert f'<a download="{name}">{got["label"]}</a>' in raw  # the label as the HTML has it
            # what the tests without a browser read (tests/support.py runs cite.js under node)
            assert cite_download(out / got["page"].removeprefix("/sub/") / "index.html", ext) == text
    # the facts a page's tags do not say came through
    assert "abstract" not in saved["unsummarized-ar.bib"]["bytes"].decode()
    assert b"AB  - " in saved["unsummarized-en.ris"]["bytes"]  # a summary that is the title is one
    assert "KW  - arrest; torture\r\n" in saved["unsummarized-en.ris"]["bytes"].decode()
    assert "Accessed 2019-07-05. Archived copy: https://web.archive.org/" in saved["unsummarized-ar.ris"][
        "bytes"
    ].decode("utf-8")
    en = saved["raqqa-detention-en.ris"]["bytes"].decode("utf-8")
    assert "A4  - Maya Khoury\r\n" in en and "N1  - Translated from Arabic by Maya Khoury: " in en
    # read as a reference manager does: one field, one record, Arabic intact
    key, fields = bibtex_fields(saved["raqqa-detention-ar.bib"]["bytes"].decode("utf-8"))
    assert key == "raqqa-detention-ar" and fields["title"] == "{شهادات عن مراكز الاعتقال في الرقة}"
    assert fields["url"] == BASE + "articles/raqqa-detention/"
    rows = ris_fields(saved["raqqa-detention-ar.ris"]["bytes"].decode("utf-8"))
    assert ("TI", "شهادات عن مراكز الاعتقال في الرقة") in rows and ("LA", "ar") in rows
    _, fields = bibtex_fields(saved["hostile-en.bib"]["bytes"].decode("utf-8"))
    assert fields["title"] == "{" + cite_escape.bib_text(HOSTILE) + "}"
    assert ("TI", HOSTILE) in ris_fields(saved["hostile-en.ris"]["bytes"].decode("utf-8"))
    for name in ("unsummarized-ar", "unsummarized-en", "nul-en"):
        bibtex_fields(saved[name + ".bib"]["bytes"].decode("utf-8"))
        ris_fields(saved[name + ".ris"]["bytes"].decode("utf-8"))


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_without_javascript_no_download_link_is_shown(tmp_path: Path) -> None:
    out, _ = cite_site(tmp_path)
    path = page_path("raqqa-detention", "ar")
    shown = click_downloads(out.parent, [path], javascript=False)[path]
    assert shown["shown"] is False and shown["links"]  # the page's other links are there
    assert not [text for text in shown["links"] if "BibTeX" in text or "RIS" in text]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_a_sites_own_cite_bib_stays_its_data_url_in_the_browser(tmp_path: Path) -> None:
    out, citations = cite_site(tmp_path, own_bib="% ours\n{{ h.bibtex(article) }}")
    saved = click_downloads(out.parent, [page_path("hostile", "en"), page_path("raqqa-detention", "ar")])
    for slug, lang in (("hostile", "en"), ("raqqa-detention", "ar")):
        c = citations[slug, lang]
        bib, ris = saved[f"{slug}-{lang}.bib"], saved[f"{slug}-{lang}.ris"]
        assert bib["href"].startswith("data:application/x-bibtex;charset=utf-8,%25 ours")  # left alone
        assert bib["bytes"] == ("% ours\n" + cite_files.bibtex(c)).encode("utf-8")
        assert ris["href"].startswith("blob:") and ris["bytes"] == cite_files.ris(c).encode("utf-8")
