"""The research layer as a reader, a reference manager and a data user meet it: citations, provenance,
images, and the data export read back and checked against the pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from sitegen import bidi, cite, export
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
    assert not html(page(out, "en", "hostile")).xpath("//script[not(@type)]")  # no injected script runs


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
    assert [a.get("href").partition(",")[0] for a in links] == [
        "data:application/x-bibtex;charset=utf-8",
        "data:application/x-research-info-systems;charset=utf-8",
    ]
    assert check_links(out, "/sub/") == []
    # no file per article and language: the downloads live in the page
    assert not list(out.rglob("cite.*"))


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
    assert cite_download(hostile, "bib").startswith("% ours\n@misc{hostile-en,\n")
    assert cite_download(hostile, "ris").startswith("TY  - ")


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
    assert cite.bib_text("a}\n@misc{x,") == r"a\} @misc\{x,"
    assert cite.bib_url("https://x.org/a b{c}") == "https://x.org/a%20b%7Bc%7D"


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

    url = cite.data_url(text, "application/x-bibtex")
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
        body = cite.data_url(text, "text/plain").partition(",")[2]
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


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_the_citation_downloads_save_files_a_reference_manager_reads(built: tuple[Path, str]) -> None:
    """A click on each link saves a file named for the article whose bytes are the BibTeX/RIS, Arabic intact."""
    from playwright.sync_api import sync_playwright

    from tests.test_a11y import LAUNCH_ARGS, serve

    out, _ = built
    server, origin = serve(out)
    saved: dict[str, bytes] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            tab = browser.new_page(accept_downloads=True)
            for url in ("/articles/raqqa-detention/", "/en/articles/hostile/"):
                tab.goto(origin + url)
                for link in tab.locator(".cite-downloads a").all():
                    with tab.expect_download() as info:
                        link.click()
                    download = info.value
                    saved[download.suggested_filename] = Path(download.path()).read_bytes()
            browser.close()
    finally:
        server.shutdown()
    assert sorted(saved) == [
        "hostile-en.bib",
        "hostile-en.ris",
        "raqqa-detention-ar.bib",
        "raqqa-detention-ar.ris",
    ]
    key, fields = bibtex_fields(saved["raqqa-detention-ar.bib"].decode("utf-8"))
    assert key == "raqqa-detention-ar" and fields["title"] == "{شهادات عن مراكز الاعتقال في الرقة}"
    assert fields["url"] == BASE + "articles/raqqa-detention/"
    rows = ris_fields(saved["raqqa-detention-ar.ris"].decode("utf-8"))
    assert ("TI", "شهادات عن مراكز الاعتقال في الرقة") in rows and ("LA", "ar") in rows
    # a title made to break out of the file, the URL or the page: still one field, read back whole
    _, fields = bibtex_fields(saved["hostile-en.bib"].decode("utf-8"))
    assert fields["title"] == "{" + cite.bib_text(HOSTILE) + "}"
    assert ("TI", HOSTILE) in ris_fields(saved["hostile-en.ris"].decode("utf-8"))
