"""`sitegen import` as a user runs it: exit codes, messages, the files written (parsed back), and
that an imported article builds without an error or a warning."""

from __future__ import annotations

import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

from tests.support import build_site, run_sitegen

FIX = Path(__file__).parent / "fixtures" / "import"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with data/tags.yaml and data/authors.yaml, and no articles yet."""
    target = tmp_path / "site"
    shutil.copytree(FIX / "site", target)
    return target


def imp(site: Path, *args: str | Path) -> Any:
    return run_sitegen("import", *args, cwd=site, timeout=120)


def articles(site: Path) -> list[Path]:
    return sorted((site / "content" / "articles").glob("*.md"))


def parse(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    fm, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(fm), body


def only_article(site: Path) -> tuple[dict[str, Any], str]:
    found = articles(site)
    assert len(found) == 1, found
    return parse(found[0])


def test_seed_shaped_text_copy(site: Path) -> None:
    result = imp(site, FIX / "seed-shaped.ar.txt", "--date", "2020-12-21")
    assert result.returncode == 0, result.stderr
    meta, body = only_article(site)
    assert meta["title"] == "قوات النظام تنسحب من مواقع قرب منبج.. ومصادر تكشف التفاصيل..!"
    assert str(meta["date"]) == "2020-12-21"
    assert meta["author"] == "salma-haddad"  # the author box, matched to data/authors.yaml
    assert meta["source"]["name"] == "أخبار الشمال"
    assert len(meta["source"]["sha256"]) == 64
    assert meta["tags"] == ["shelling", "tunnels", "manbij", "aleppo"]
    assert meta["summary"].startswith("سحبت قوات النظام")
    # repaired words, legit tatweel kept, chrome and "read also" lines out of the body
    assert "للقصف" in body and "الأنفاق" in body and "ـ." not in body
    assert "بـ«الساعات الأولى»" in body
    for chrome in ("أخر الأخبار", "اقرأ أيضاً", "اترك تعليقاً", "salma haddad", "زر الذهاب", "أخبار الشمال –"):
        assert chrome not in body
    assert body.count("قوات النظام تنسحب") == 0  # the repeated title is not in the body
    # "read also" titles without a link are kept as data (the build links them by title)
    assert {"title": "فصائل محلية ترد على لقصف مواقعها في ريف حلب"} in meta["related"]
    assert "# " not in articles(site)[0].read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert "kept in `related:` by title" in result.stdout


def test_missing_date_is_a_clear_per_file_error(site: Path) -> None:
    result = imp(site, FIX / "seed-shaped.ar.txt")
    assert result.returncode == 1
    assert "no publication date found" in result.stderr and "--date YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert articles(site) == []


def test_date_byline_and_link_found_in_text(site: Path) -> None:
    result = imp(site, FIX / "dated.ar.txt")
    assert result.returncode == 0, result.stderr
    meta, body = only_article(site)
    assert str(meta["date"]) == "2020-12-21"
    assert meta["author"] == "salma-haddad"
    assert meta["related"] == [
        {"title": "An earlier report on displacement", "url": "https://example.org/reports/displacement-2020"}
    ]
    assert "جميع الحقوق" not in body and "كتبت" not in body


def test_windows_1256_is_detected_and_said(site: Path) -> None:
    result = imp(site, FIX / "cp1256.ar.txt")
    assert result.returncode == 0, result.stderr
    assert "windows-1256" in result.stdout
    meta, _body = only_article(site)
    assert meta["title"] == "احتجاجات في مدينة منبج على ارتفاع أسعار الخبز والمحروقات"
    assert str(meta["date"]) == "2020-12-21" and meta["source"]["name"] == "أخبار الشمال"
    assert "\r" not in articles(site)[0].read_text(encoding="utf-8")


def test_utf8_bom_crlf_english(site: Path) -> None:
    result = imp(site, FIX / "crlf-bom.en.txt")
    assert result.returncode == 0, result.stderr
    path = articles(site)[0]
    assert path.name == "aid-convoy-reaches-manbij-after-two-weeks.en.md"
    meta, body = parse(path)
    assert meta["title"] == "Aid convoy reaches Manbij after two weeks of delays"
    assert str(meta["date"]) == "2020-12-21"
    assert meta["related"] == [
        {"title": "Earlier convoy stopped at the crossing", "url": "https://example.org/convoy-stopped"}
    ]
    raw = path.read_bytes()
    assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf") and "\u00a0" not in body
    assert "Leave a comment" not in body


def test_saved_html_uses_page_metadata(site: Path) -> None:
    result = imp(site, FIX / "article.ar.html")
    assert result.returncode == 0, result.stderr
    path = articles(site)[0]
    assert path.name == "manbij-water-cut.ar.md"  # slug from the canonical URL
    meta, body = parse(path)
    assert meta["title"] == "انقطاع المياه عن أحياء في مدينة منبج لليوم الثالث"  # site suffix removed
    assert str(meta["date"]) == "2021-03-15"  # the page's local day, not UTC's 14th
    assert meta["author"] == "salma-haddad"  # JSON-LD Person, not the Facebook URL
    assert meta["source"]["name"] == "شبكة أخبار الشمال"
    assert meta["source"]["url"] == "https://news.example.org/2021/03/manbij-water-cut.html"
    assert meta["related"] == [
        {"title": "انقطاع الكهرباء في منبج", "url": "https://news.example.org/2021/02/manbij-power.html"}
    ]
    assert "## مطالب السكان" in body and "- تأمين صهاريج" in body and "«لم نعد قادرين" in body
    assert "[محطة الضخ](https://news.example.org/2021/01/pump-station.html)" in body
    assert "الإصلاح" in body and "javascript" not in body
    for chrome in ("الأكثر قراءة", "جميع الحقوق", "tracker", "رياضة"):
        assert chrome not in body


def test_related_title_matching_an_existing_article_becomes_its_slug(site: Path) -> None:
    out = site / "content" / "articles"
    out.mkdir(parents=True)
    (out / "manbij-power.ar.md").write_text(
        "---\ntitle: انقطاع الكهرباء في منبج\ndate: 2021-02-01\n---\n\nنص.\n", encoding="utf-8"
    )
    assert imp(site, FIX / "article.ar.html").returncode == 0
    meta, _ = parse(out / "manbij-water-cut.ar.md")
    assert meta["related"] == ["manbij-power"]


def test_not_an_article_page_is_refused(site: Path) -> None:
    result = imp(site, FIX / "directory.cp1256.html", "--date", "2020-01-01")
    assert result.returncode == 1
    assert "this page does not look like an article" in result.stderr
    assert articles(site) == []


def test_hostile_text(site: Path) -> None:
    result = imp(site, FIX / "hostile.ar.txt", "--date", "2020-12-21")
    assert result.returncode == 0, result.stderr
    [path] = articles(site)
    assert path.parent == site / "content" / "articles"
    meta, body = parse(path)
    assert set(meta) <= {"title", "date", "author", "source", "tags", "related", "summary"}
    assert meta["title"] == "تقرير: \"منبج\" --- title: injected alert('x')"
    assert str(meta["date"]) == "2020-12-21"  # the "date: 1999" line in the body changed nothing
    text = path.read_text(encoding="utf-8")
    assert "<" not in text.split("\n---\n", 1)[1]  # no raw HTML in the body at all
    assert "\u200f" not in text and "\u202e" not in text and "\ufeff" not in text and "\r" not in text
    assert "\\](javascript" in body and not re.search(r"(?<!\\)\]\(javascript", body)  # text, not a link
    assert "\\[\\[secret-page" in body and not re.search(r"(?<!\\)\[\[", body)
    assert not (site / "etc").exists()


def test_hostile_html_builds_to_safe_pages(site: Path, tmp_path: Path) -> None:
    result = imp(site, FIX / "hostile.html", FIX / "hostile.ar.txt", "--date", "2020-12-21")
    assert result.returncode == 0, result.stderr
    for path in articles(site):
        assert "<" not in path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    (site / "site.yaml").write_text("allow_html: true\n", encoding="utf-8")  # even for a trusting site
    out = tmp_path / "public"
    built = build_site(site, out)
    assert built.ok, built.text
    for page in out.rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        assert not tree.xpath("//article//iframe | //article//img[@onerror]"), page
        # no script in an article but the theme's own file for the citation downloads, which have no
        # address in the HTML (cite.js makes their files); no data: or javascript: anywhere
        scripts = tree.xpath("//article//script")
        assert all(s.get("src") == "/assets/cite.js" and not s.text for s in scripts), page
        assert not tree.xpath('//ul[@class="cite-downloads"]//a/@href'), page
        hrefs = tree.xpath("//@href")
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:"))]
        assert not tree.xpath("//*[@onload or @onclick or @onerror]"), page


def test_imported_articles_build_without_error_or_warning(site: Path, tmp_path: Path) -> None:
    result = imp(
        site,
        FIX / "seed-shaped.ar.txt",
        FIX / "dated.ar.txt",
        FIX / "cp1256.ar.txt",
        FIX / "crlf-bom.en.txt",
        FIX / "article.ar.html",
        FIX / "article.en.html",
        "--date",
        "2021-03-15",
    )
    assert result.returncode == 0, result.stderr
    assert len(articles(site)) == 6
    built = build_site(site, tmp_path / "public")
    assert built.ok and built.problems == (), built.text
    assert "warning" not in built.text.lower(), built.text
    assert "error" not in built.text.lower()


def test_never_overwrites_without_force(site: Path) -> None:
    args = (FIX / "dated.ar.txt",)
    assert imp(site, *args).returncode == 0
    [path] = articles(site)
    path.write_text(path.read_text(encoding="utf-8") + "\nملاحظة الباحث.\n", encoding="utf-8")
    again = imp(site, *args)
    assert again.returncode == 0
    assert "skipped" in again.stdout and "--force" in again.stdout
    assert "ملاحظة الباحث" in path.read_text(encoding="utf-8")  # the user's edit is kept
    assert articles(site) == [path]  # and no copy was made
    forced = imp(site, *args, "--force")
    assert forced.returncode == 0 and "imported" in forced.stdout
    assert "ملاحظة الباحث" not in path.read_text(encoding="utf-8")


def test_dry_run_writes_nothing(site: Path) -> None:
    result = imp(site, FIX / "dated.ar.txt", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would write content/articles/" in result.stdout
    assert "title: مدنيون يعودون" in result.stdout
    assert not (site / "content").exists()


def test_folder_import_with_summary_and_failure_exit_code(site: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("dated.ar.txt", "cp1256.ar.txt", "seed-shaped.ar.txt", "directory.cp1256.html"):
        shutil.copy(FIX / name, inbox / name)
    (inbox / "notes.md").write_text("# my notes\n", encoding="utf-8")  # not an input
    result = imp(site, inbox)
    assert result.returncode == 1
    assert "2 imported, 0 skipped (already exist), 2 failed" in result.stdout
    assert "seed-shaped.ar.txt: no publication date found" in result.stderr
    assert "directory.cp1256.html: this page does not look like an article" in result.stderr
    again = imp(site, inbox)
    assert "0 imported, 2 skipped (already exist), 2 failed" in again.stdout


def test_same_title_different_articles_get_unique_slugs(site: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    text = (FIX / "dated.ar.txt").read_text(encoding="utf-8")
    a.write_text(text, encoding="utf-8")
    b.write_text(text.replace("عادت عشرات", "عادت مئات"), encoding="utf-8")
    assert imp(site, a, b).returncode == 0
    names = [p.name for p in articles(site)]
    assert names == ["mdnywn-ywdwn-ila-bywthm-fy-ryf-hlb-2.ar.md", "mdnywn-ywdwn-ila-bywthm-fy-ryf-hlb.ar.md"]


def test_translation_of(site: Path) -> None:
    assert imp(site, FIX / "article.ar.html").returncode == 0
    result = imp(
        site, FIX / "article.en.html", "--translation-of", "manbij-water-cut", "--date", "2021-03-15"
    )
    assert result.returncode == 0, result.stderr
    meta, _ = parse(site / "content" / "articles" / "manbij-water-cut.en.md")
    assert meta["translated_from"] == "ar" and meta["author"] == "salma-haddad"
    wrong = imp(site, FIX / "article.en.html", "--translation-of", "manbij-water-kut")
    assert wrong.returncode == 2 and "did you mean 'manbij-water-cut'" in wrong.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--slug", "../../etc/passwd"], "is not a valid slug"),
        (["--slug", "Ain Issa"], "for example --slug ain-issa"),
        (["--date", "21/12/2020"], "is not a date"),
        (["--tag", "shellin"], "did you mean 'shelling'"),
        (["--lang", "arabic!"], "is not a language code"),
    ],
)
def test_option_mistakes_are_explained(site: Path, args: list[str], message: str) -> None:
    result = imp(site, FIX / "dated.ar.txt", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert articles(site) == []


def test_slug_and_tag_options(site: Path) -> None:
    result = imp(site, FIX / "dated.ar.txt", "--slug", "aleppo-returns", "--tag", "Shelling", "--lang", "ar")
    assert result.returncode == 0, result.stderr
    meta, _ = parse(site / "content" / "articles" / "aleppo-returns.ar.md")
    assert meta["tags"][0] == "shelling"


def test_output_folder_and_missing_file(site: Path) -> None:
    result = imp(site, "missing.txt", FIX / "dated.ar.txt", "-o", "content/articles/2020")
    assert result.returncode == 1
    assert "no such file: missing.txt" in result.stderr
    assert len(list((site / "content" / "articles" / "2020").glob("*.ar.md"))) == 1


def test_an_address_other_than_http_is_refused_in_plain_words(site: Path) -> None:
    result = imp(site, "ftp://example.org/a.html", "file:///etc/passwd")
    assert result.returncode == 1
    assert "ftp: addresses cannot be imported, only http:// and https:// ones" in result.stderr
    assert "file: addresses cannot be imported" in result.stderr
    assert "no such file" not in result.stderr and not list((site / "content" / "articles").glob("*.md"))


# ---- URLs: a local server on 127.0.0.1 only ------------------------------------------------------


@pytest.fixture
def server() -> Iterator[str]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, directory=str(FIX), **kw)

        def log_message(self, *a: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_import(site: Path, server: str) -> None:
    result = imp(site, f"{server}/article.ar.html")
    assert result.returncode == 0, result.stderr
    meta, _ = only_article(site)
    assert meta["title"] == "انقطاع المياه عن أحياء في مدينة منبج لليوم الثالث"
    assert meta["source"]["sha256"] and str(meta["date"]) == "2021-03-15"


def test_url_errors_are_explained(site: Path, server: str) -> None:
    missing = imp(site, f"{server}/nothing-here.html")
    assert missing.returncode == 1 and "the server answered 404" in missing.stderr
    port = server.rsplit(":", 1)[1]
    closed = imp(site, "http://127.0.0.1:1/x.html")
    assert closed.returncode == 1 and "could not reach http://127.0.0.1:1/x.html" in closed.stderr
    assert port and "Traceback" not in missing.stderr + closed.stderr
