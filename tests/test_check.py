"""`sitegen check`: what it reports (file:line, grouped), its exit codes, and what --fix-hashes writes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import run_sitegen

AR = "---\ntitle: {title}\ndate: 2020-01-02\n{extra}---\n{body}\n"
EN = "---\ntitle: {title}\ndate: 2020-01-02\ntranslated_from: ar\n{extra}---\n{body}\n"
REPORT_AR = (
    "واصل نظام الأسد خلال الأيام الماضية عملية سحب قواته من عدة مواقع في ريف الرقة الشمالي، "
    "وقالت مصادر محلية إن رتلاً عسكرياً غادر المدينة باتجاه الجنوب صباح يوم الأحد، بعد أسابيع من "
    "القصف المتبادل على خطوط التماس بين الطرفين، فيما بقيت نقاط المراقبة الروسية في أماكنها.\n\n"
    "وأضافت المصادر أن عشرات العائلات عادت إلى منازلها في الأحياء الشرقية بعد توقف الاشتباكات، "
    "لكن المدارس والمستشفى الوحيد في المدينة ما زالت مغلقة، ويشكو السكان من انقطاع الكهرباء والمياه "
    "منذ أكثر من شهر، في وقت تتحدث فيه منظمات إنسانية عن صعوبة إيصال المساعدات إلى القرى المحيطة."
)


def make_site(root: Path, files: dict[str, str | bytes]) -> Path:
    (root / "site.yaml").write_text(
        "title: {ar: أرشيف, en: Archive}\nlanguages: [ar, en]\n", encoding="utf-8"
    ) if not (root / "site.yaml").exists() else None
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def site_at(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "site"
    root.mkdir(exist_ok=True)
    return make_site(root, files)


def check_json(site: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_sitegen("check", site, "--format", "json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def problems(data: dict[str, Any], group: str) -> list[dict[str, Any]]:
    return [p for p in data["problems"] if p["group"] == group]


def test_validation_errors_fail_with_file_and_line_without_writing(tmp_path: Path) -> None:
    site = site_at(tmp_path, {"content/articles/x.ar.md": "---\ntitle: t\ndate: yesterday\n---\nنص\n"})
    result = run_sitegen("check", site)
    assert result.returncode == 1
    assert "content/articles/x.ar.md:3: error: `date` is not a valid date: 'yesterday'" in result.stdout
    assert not (site / "public").exists()


def test_a_broken_template_is_an_error(tmp_path: Path) -> None:
    site = site_at(
        tmp_path,
        {
            "content/articles/x.ar.md": AR.format(title="t", extra="", body="نص"),
            "templates/article.html": "{% if %}",
        },
    )
    code, data = check_json(site)
    assert code == 1
    assert [p["file"] for p in problems(data, "templates")] == ["templates/article.html"]


def test_warnings_pass_and_strict_fails(tmp_path: Path) -> None:
    site = site_at(
        tmp_path, {"content/articles/x.ar.md": AR.format(title="t", extra="sumary: s\n", body="نص")}
    )
    result = run_sitegen("check", site)
    assert result.returncode == 0, result.stdout
    assert "content/articles/x.ar.md:4: warning: unknown front-matter field `sumary`" in result.stdout
    strict = run_sitegen("check", site, "--strict")
    assert strict.returncode == 1
    assert "content/articles/x.ar.md:4: error: unknown front-matter field `sumary`" in strict.stdout


def test_untranslated_articles_are_listed_as_notes_that_never_fail(tmp_path: Path) -> None:
    site = site_at(tmp_path, {"content/articles/only-ar.ar.md": AR.format(title="t", extra="", body="نص")})
    code, data = check_json(site, "--strict")
    assert code == 0
    [note] = problems(data, "translations")
    assert (note["severity"], note["file"]) == ("note", "content/articles/only-ar.ar.md")
    assert "no en version" in note["message"]


def translated_site(tmp_path: Path, en_extra: str = "") -> Path:
    return site_at(
        tmp_path,
        {
            "content/articles/report.ar.md": AR.format(title="تقرير", extra="", body=REPORT_AR),
            "content/articles/report.en.md": EN.format(
                title="Report", extra=en_extra, body="The regime withdrew."
            ),
        },
    )


def translation_states(site: Path, *args: str) -> list[tuple[str, str]]:
    _, data = check_json(site, *args)
    return [(p["severity"], p["message"]) for p in problems(data, "translations")]


def test_fix_hashes_records_the_original_and_an_edit_marks_the_translation_out_of_date(
    tmp_path: Path,
) -> None:
    site = translated_site(tmp_path, en_extra="# reviewed by the editor\ntranslator: 'A. B.'\n")
    en = site / "content/articles/report.en.md"
    before = en.read_text(encoding="utf-8")
    [(level, message)] = translation_states(site)
    assert level == "note" and "no record of which state of report.ar.md" in message

    fixed = run_sitegen("check", site, "--fix-hashes")
    assert fixed.returncode == 0, fixed.stderr
    after = en.read_text(encoding="utf-8")
    # one line added, the user's comment and quoting untouched
    assert after.replace("translated_from_hash: ", "").count("\n") == before.count("\n") + 1
    assert "# reviewed by the editor\ntranslator: 'A. B.'\n" in after
    assert translation_states(site) == []

    # re-wrapping the Arabic text or adding tashkeel is not a change of content
    ar = site / "content/articles/report.ar.md"
    ar.write_text(
        ar.read_text(encoding="utf-8").replace("، ", "،\n").replace("نظام", "نِظام"), encoding="utf-8"
    )
    assert translation_states(site) == []

    ar.write_text(ar.read_text(encoding="utf-8") + "\nفقرة جديدة عن عودة المدنيين.\n", encoding="utf-8")
    result = run_sitegen("check", site)
    assert result.returncode == 0
    assert "content/articles/report.en.md:" in result.stdout
    assert "warning: this translation may be out of date: report.ar.md changed" in result.stdout
    assert run_sitegen("check", site, "--strict").returncode == 1

    wrong = run_sitegen("check", site, "--fix-hashes", "--slug", "reprot")
    assert wrong.returncode == 2 and "did you mean 'report'?" in wrong.stderr
    run_sitegen("check", site, "--fix-hashes", "--slug", "report")
    assert translation_states(site) == []
    assert en.read_text(encoding="utf-8").count("translated_from_hash:") == 1  # replaced, not added again


def test_fix_hashes_keeps_crlf_and_bom(tmp_path: Path) -> None:
    site = translated_site(tmp_path)
    en = site / "content/articles/report.en.md"
    en.write_bytes(b"\xef\xbb\xbf" + en.read_bytes().replace(b"\n", b"\r\n"))
    assert run_sitegen("check", site, "--fix-hashes").returncode == 0
    data = en.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert translation_states(site) == []


def test_a_tag_without_a_label_in_one_language(tmp_path: Path) -> None:
    site = site_at(
        tmp_path,
        {
            "content/articles/x.ar.md": AR.format(title="t", extra="tags: [shelling]\n", body="نص"),
            "data/tags.yaml": "tunnels: {ar: الأنفاق, en: Tunnels}\nshelling:\n  ar: القصف\n",
        },
    )
    code, data = check_json(site)
    assert code == 0
    [p] = problems(data, "labels")
    assert (p["file"], p["line"], p["severity"]) == ("data/tags.yaml", 2, "warning")
    assert "tag 'shelling' has no label in en" in p["message"]


def test_a_saved_source_that_changed_is_an_error(tmp_path: Path) -> None:
    original = "<html><body>الخبر الأصلي</body></html>".encode()
    digest = hashlib.sha256(original).hexdigest()
    source = f"source:\n  name: x\n  sha256: {digest}\n"
    site = site_at(
        tmp_path,
        {
            "content/articles/a.ar.md": AR.format(title="t", extra=source, body="نص"),
            "sources/a.ar.html": original,
            "content/articles/b.ar.md": AR.format(
                title="u", extra=source + "  copy: saved/b.html\n", body="نص"
            ),
            "saved/b.html": original,
        },
    )
    code, data = check_json(site)
    assert code == 0 and problems(data, "integrity") == []

    (site / "sources/a.ar.html").write_bytes(original + b"<!-- edited -->")
    (site / "saved/b.html").write_bytes(b"")
    code, data = check_json(site)
    assert code == 1
    found = {(p["file"], p["line"]) for p in problems(data, "integrity")}
    assert found == {("content/articles/a.ar.md", 6), ("content/articles/b.ar.md", 7)}
    assert all("does not match `source.sha256`" in p["message"] for p in problems(data, "integrity"))


def test_a_saved_source_outside_the_site_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    site = site_at(
        tmp_path,
        {
            "content/articles/a.ar.md": AR.format(
                title="t", extra="source:\n  sha256: abc\n  copy: ../secret.txt\n", body="نص"
            )
        },
    )
    code, data = check_json(site)
    assert code == 1
    [p] = problems(data, "integrity")
    assert "outside the site folder" in p["message"] and p["line"] == 6


def test_the_same_report_imported_twice_is_a_warning(tmp_path: Path) -> None:
    other = (
        "أعلنت وزارة الصحة في القاهرة تسجيل حالات جديدة من الإصابات بفيروس كورونا خلال الساعات الماضية، "
        "وأوضح المتحدث باسم الوزارة أن الحالات تتوزع على عدة محافظات، وأن الفرق الطبية تتابع المخالطين."
    )
    copied = REPORT_AR.replace("الأحد", "الاثنين").replace("ـ", "") + "\n\nالمصدر: وكالات"
    site = site_at(
        tmp_path,
        {
            "content/articles/withdrawal.ar.md": AR.format(title="انسحاب", extra="", body=REPORT_AR),
            "content/articles/withdrawal-2.ar.md": AR.format(title="انسحاب القوات", extra="", body=copied),
            "content/articles/covid.ar.md": AR.format(title="كورونا", extra="", body=other),
            "content/articles/short-a.ar.md": AR.format(title="أ", extra="", body="خبر عاجل."),
            "content/articles/short-b.ar.md": AR.format(title="ب", extra="", body="خبر عاجل."),
        },
    )
    code, data = check_json(site)
    assert code == 0
    [p] = problems(data, "duplicates")
    assert p["severity"] == "warning" and "nearly the same" in p["message"]
    named = {p["file"].rsplit("/", 1)[-1], p["message"].split(" as ")[-1]}
    assert named == {"withdrawal.ar.md", "withdrawal-2.ar.md"}


def test_plain_output_is_grouped_with_headings(tmp_path: Path) -> None:
    site = translated_site(tmp_path, en_extra="sumary: s\n")
    result = run_sitegen("check", site)
    out = result.stdout
    assert out.index("Content and settings") < out.index("Translations")
    assert "│" not in out  # not a terminal: no table drawing in CI logs
    assert out.rstrip().splitlines()[-1].startswith("checked 2 articles in ")


def test_an_imported_translation_records_its_original(tmp_path: Path) -> None:
    import shutil

    fix = Path(__file__).parent / "fixtures" / "import"
    site = tmp_path / "site"
    shutil.copytree(fix / "site", site)
    assert run_sitegen("import", fix / "article.ar.html", cwd=site, timeout=120).returncode == 0
    result = run_sitegen(
        "import",
        fix / "article.en.html",
        "--translation-of",
        "manbij-water-cut",
        "--date",
        "2021-03-15",
        cwd=site,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "translated_from_hash: " in (site / "content/articles/manbij-water-cut.en.md").read_text(
        encoding="utf-8"
    )
    assert [m for _, m in translation_states(site) if "manbij" in m or "report" in m] == []
    ar = site / "content/articles/manbij-water-cut.ar.md"
    ar.write_text(ar.read_text(encoding="utf-8") + "\nفقرة أضافها المحرر لاحقاً.\n", encoding="utf-8")
    assert [level for level, m in translation_states(site) if "may be out of date" in m] == ["warning"]


def test_new_sites_check_links_weekly_in_a_workflow_that_never_blocks_deploys(tmp_path: Path) -> None:
    import yaml

    site = tmp_path / "new"
    assert run_sitegen("new", site).returncode == 0
    flow = yaml.safe_load((site / ".github/workflows/check.yml").read_text(encoding="utf-8"))
    on = flow.pop(True, flow.get("on"))  # YAML 1.1 reads the key `on` as true
    assert on["schedule"] == [{"cron": "23 5 * * 1"}] and "push" in on
    runs = [(s.get("if", ""), s["run"]) for s in flow["jobs"]["check"]["steps"] if "run" in s]
    assert ("github.event_name != 'push'", "sitegen check . --external") in runs
    assert ("github.event_name == 'push'", "sitegen check .") in runs
    pages = (site / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert "check" not in yaml.safe_load(pages)["jobs"]  # deploys do not wait for it
    # and the new site passes its own check, its sample translation recorded as current
    code, data = check_json(site, "--strict")
    assert code == 0 and problems(data, "translations") == [], data


def test_duplicate_search_compares_candidates_only(monkeypatch: Any, tmp_path: Path) -> None:
    """Linear, not all pairs: 400 distinct texts sharing a long footer make (almost) no comparisons."""
    import random

    from sitegen.check import duplicates
    from sitegen.model import Lang, Slug

    rng = random.Random(7)
    vocabulary = [f"كلمة{i}" for i in range(3000)]
    footer = " ".join(rng.choice(vocabulary) for _ in range(80))
    calls = []
    real = duplicates.similarity
    monkeypatch.setattr(duplicates, "similarity", lambda a, b: calls.append(1) or real(a, b))

    class Fake:
        def __init__(self, i: int) -> None:
            self.source_path, self.fm_start = tmp_path / f"a{i}.ar.md", 2

    bodies = {
        (Slug(f"a{i}"), Lang("ar")): (Fake(i), " ".join(rng.choice(vocabulary) for _ in range(150)) + footer)
        for i in range(400)
    }
    twin = bodies[(Slug("a0"), Lang("ar"))][1]
    bodies[(Slug("twin"), Lang("ar"))] = (Fake(999), twin)
    found = duplicates.find_duplicates(bodies)  # type: ignore[arg-type]
    assert [f.problem.path.name for f in found if f.problem.path] == ["a999.ar.md"]
    assert len(calls) < 400 * 2


def test_the_built_site_shows_its_status_per_language_and_exports_translation_state(tmp_path: Path) -> None:
    import csv
    import io

    import lxml.html

    from tests.support import build

    site = translated_site(tmp_path)
    make_site(site, {"content/articles/only-ar.ar.md": AR.format(title="خبر بلا ترجمة", extra="", body="نص")})
    run_sitegen("check", site, "--fix-hashes")
    ar = site / "content/articles/report.ar.md"
    ar.write_text(ar.read_text(encoding="utf-8") + "\nفقرة جديدة.\n", encoding="utf-8")
    out = tmp_path / "public"
    assert build(site, out).returncode == 0

    page = lxml.html.fromstring((out / "en/status/index.html").read_bytes())
    assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    sections = {" ".join(s.xpath("string(h2)").split()): s for s in page.xpath("//main//section")}
    outdated = sections["Translations that may be out of date 1"]
    assert outdated.xpath(".//a/@href") == ["/en/articles/report/"]
    untranslated = sections["Not translated into English 1"]
    assert untranslated.xpath(".//a/text()") == ["خبر بلا ترجمة"] and untranslated.xpath(".//a/@lang") == [
        "ar"
    ]
    assert page.xpath("//main//time/@datetime")[0][:4].isdigit()
    counts = [[c.text_content() for c in r] for r in page.xpath("//table[@class='status-counts']/tbody/tr")]
    assert counts == [["Arabic", "2", "2", "0"], ["English", "1", "0", "1"]]
    # every page's footer links the status page of its language; search engines are not sent there
    home = lxml.html.fromstring((out / "index.html").read_bytes())
    assert home.xpath("//footer//a[@href='/status/']/text()") == ["حالة الأرشيف"]
    assert "/status/" not in (out / "sitemap.xml").read_text(encoding="utf-8")

    table = json.loads((out / "articles.json").read_text(encoding="utf-8"))
    rows = [dict(zip(table["columns"], row, strict=True)) for row in table["articles"]]
    states = {(a["slug"], a["language"]): a["translation_state"] for a in rows}
    assert states == {
        ("report", "ar"): "original",
        ("report", "en"): "outdated",
        ("only-ar", "ar"): "original",
    }
    rows = list(csv.DictReader(io.StringIO((out / "articles.csv").read_text(encoding="utf-8-sig"))))
    assert {(r["slug"], r["language"], r["translation_state"]) for r in rows} >= {
        ("report", "en", "outdated")
    }


def test_a_terminal_gets_a_table_per_group() -> None:
    import io

    from rich.console import Console

    from sitegen.check.findings import Finding
    from sitegen.check.report import print_table
    from sitegen.errors import SiteError

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100, color_system=None)
    root = Path("/site")
    print_table(
        [
            Finding(
                "external", SiteError(root / "content/articles/a.ar.md", 6, "the source is gone", "add one")
            ),
            Finding(
                "translations",
                SiteError(root / "content/articles/b.en.md", None, "no ar version", severity="warning"),
                note=True,
            ),
        ],
        root,
        console,
    )
    out = buf.getvalue()
    assert out.index("Translations (1)") < out.index("External links (1)")
    assert "│ content/articles/a.ar.md:6 │ error" in out and "│ note" in out


def test_the_status_page_lists_a_bounded_number_and_says_how_to_see_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every untranslated article on one page made 7 MB at 100k articles: the heading counts them all,
    the list stops at LISTED and names the command that lists every one."""
    import lxml.html

    from sitegen import pages
    from tests.support import build_site

    monkeypatch.setattr(pages, "LISTED", 2)
    site = translated_site(tmp_path)
    for i in range(5):
        make_site(
            site, {f"content/articles/only-{i}.ar.md": AR.format(title=f"خبر {i}", extra="", body="نص")}
        )
    built = build_site(site, tmp_path / "public")
    assert built.ok, built.text
    for path, heading, more in [
        ("en/status/index.html", "Not translated into English 5", "…and 3 more; to list them all, run"),
        ("status/index.html", "غير مترجمة إلى الإنجليزية 5", "…و3 غيرها؛ لسردها كلها شغّل الأمر"),
    ]:
        page = lxml.html.fromstring((tmp_path / "public" / path).read_bytes())
        sections = {" ".join(s.xpath("string(h2)").split()): s for s in page.xpath("//main//section")}
        untranslated = sections[heading]
        assert len(untranslated.xpath(".//li")) == 2
        note = untranslated.xpath('.//p[@class="status-more"]')[0]
        assert note.text.strip() == more
        assert note.xpath("code[@dir='ltr']/text()") == ["sitegen check --all-notes"]
