"""Every mistake a user can make in content or settings is reported in plain words, with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support import build_site, html, run_sitegen


def make_site(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


GOOD = "---\ntitle: عنوان\ndate: 2020-01-02\n---\nنص.\n"


@pytest.mark.parametrize(
    "front_matter, expected",
    [
        ("title: [a, b]\ndate: 2020-01-02\n", r"x\.ar\.md:2: error: `title` must be text, not a list"),
        ("title: t\ndate: 2020-01-02\ntags: 5\n", None),  # a single value is accepted as a one-item list
        (
            "title: t\ndate: 2020-01-02\ntags: {a: b}\n",
            r"x\.ar\.md:4: error: `tags` must be a list, not a mapping",
        ),
        (
            "title: t\ndate: 2020-01-02\ndraft: perhaps\n",
            r"x\.ar\.md:4: error: `draft` must be true or false",
        ),
        (
            "title: t\ndate: 2020-01-02\nsource: {name: n, url: ftp://x}\n",
            r"x\.ar\.md:4: error: `source.url` must be a web address",
        ),
        ("title: t\ndate: yesterday\n", r"x\.ar\.md:3: error: `date` is not a valid date: 'yesterday'"),
        ("title: t\ndate: 2021-02-29\n", r"x\.ar\.md:3: error: `date` is not a valid date"),
        ("title: t\n", r"x\.ar\.md:1: error: missing `date`"),
        (
            "title: t\ndate: 2020-01-02\nevents: [{date: 2020-01-01}]\n",
            r"x\.ar\.md:4: error: event 1 needs a title",
        ),
        ("title: t\ndate: 2020-01-02\nrelated: nothing\n", r"x\.ar\.md:4: error: `related` must be a list"),
        (
            "title: t\ndate: 2020-01-02\nevents: [{title: a}]\n",
            r"x\.ar\.md:4: error: event 1 has no date\n    hint: write the date as YYYY-MM-DD",
        ),
        (
            "title: t\ndate: 2020-01-02\nslug: " + "a" * 101 + "\n",
            r"x\.ar\.md:4: error: 'a{60}…' is too long for a slug \(101 characters, at most 100\)",
        ),
        ("title: t\ndate: 2020-01-02\nslug: a" + "b" * 98 + "c\n", None),  # 100 characters
        (
            "title: t\ndate: 2020-01-02\nslug: -a\n",
            r"x\.ar\.md:4: error: '-a' is not a valid slug: it may not start or end with a hyphen",
        ),
        (  # a warning: the build goes on, but the hint says what was probably meant
            "title: t\ndate: 2020-01-02\ntags: حصار، قصف, aid\n",
            (
                r"x\.ar\.md:4: warning: tag 'حصار، قصف, aid' is not in data/tags\.yaml\n"
                r"    hint: if these are several tags, write them as a list: tags: \[حصار, قصف, aid\]"
            ),
        ),
        ("- just\n- a list\n", r"x\.ar\.md:2: error: the front matter must be a list of `key: value` lines"),
    ],
)
def test_field_errors(tmp_path: Path, front_matter: str, expected: str | None) -> None:
    site = make_site(tmp_path / "site", {"content/articles/x.ar.md": f"---\n{front_matter}---\nنص.\n"})
    result = build_site(site, site / "public")
    if expected is None:
        assert result.ok, result.text
    else:
        assert result.ok == (": warning: " in expected)
        assert re.search(expected, result.text), result.text


def test_unknown_field_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site", {"content/articles/x.ar.md": "---\ntitle: t\ndate: 2020-01-02\nsumary: s\n---\n"}
    )
    result = build_site(site, site / "public")
    assert result.ok
    assert "x.ar.md:4: warning: unknown front-matter field `sumary` is ignored" in result.text
    assert "did you mean 'summary'?" in result.text


def test_duplicate_slug_names_both_files(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site", {"content/articles/x.ar.md": GOOD, "content/articles/2020/x.ar.md": GOOD}
    )
    result = build_site(site, site / "public")
    assert not result.ok
    assert re.search(r"x\.ar\.md: error: duplicate article: 'x' in 'ar' is also .*x\.ar\.md", result.text)


def test_slug_from_front_matter_must_be_safe(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {"content/articles/x.ar.md": "---\ntitle: t\ndate: 2020-01-02\nslug: Hello World\n---\n"},
    )
    result = build_site(site, site / "public")
    assert not result.ok
    assert "x.ar.md:4: error: 'Hello World' is not a valid slug" in result.text


def test_file_name_must_have_a_language(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/articles/notes.md": GOOD})
    result = build_site(site, site / "public")
    assert not result.ok
    assert "notes.md: error: an article file must be named <slug>.<language>.md" in result.text


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content/articles").mkdir(parents=True)
    (site / "content/articles/x.ar.md").write_bytes(
        "\ufeff---\r\ntitle: عنوان\r\ndate: 2020-01-02\r\n---\r\nنص.\r\n".encode()
    )
    result = build_site(site, site / "public")
    assert result.ok, result.text


@pytest.mark.parametrize(
    "settings, expected",
    [
        ("languages: ar\n", r"site\.yaml:1: error: languages must be a list"),
        (
            "languages: [ar, en]\ndefault_language: fr\n",
            r"site\.yaml:2: error: default_language 'fr' is not one of",
        ),
        ("per_page: many\n", r"site\.yaml:1: error: per_page must be a whole number"),
        ("term_per_page: 0\n", r"site\.yaml:1: error: term_per_page must be a whole number"),
        ("base_url: github.io/x\n", r"site\.yaml:1: error: base_url must be a path like /archive/"),
        ("numerals: {ar: roman}\n", r"site\.yaml:1: error: numerals for 'ar' must be latn"),
        ("title: [unclosed\n", r"site\.yaml:1: error: invalid YAML"),
        ("titel: x\n", r"site\.yaml:1: warning: unknown setting 'titel' is ignored"),
        (  # a code Babel has no CLDR data for: dates could not be written (was an internal error)
            "languages: [ar, xx]\n",
            (
                r"site\.yaml:1: error: dates cannot be written in 'xx': it is not a locale.*\n"
                r"    hint: .*date_locale: \{xx: en\}"
            ),
        ),
        (
            "date_locale: {ar: ar_XX}\n",
            (
                r"site\.yaml:1: error: dates cannot be written in 'ar' \(date_locale 'ar_XX'\).*\n"
                r"    hint: .*date_locale: \{ar: ar\}"
            ),
        ),
    ],
)
def test_site_yaml_errors(tmp_path: Path, settings: str, expected: str) -> None:
    site = make_site(tmp_path / "site", {"site.yaml": settings, "content/articles/x.ar.md": GOOD})
    result = build_site(site, site / "public")
    assert re.search(expected, result.text), result.text
    assert result.ok == ("warning" in expected)


def test_tags_registry_errors(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {"data/tags.yaml": "Bad Id: {ar: أ, en: a}\nok: [1, 2]\n", "content/articles/x.ar.md": GOOD},
    )
    result = build_site(site, site / "public")
    assert not result.ok
    assert "data/tags.yaml:1: error: tag id 'Bad Id' must be lowercase letters" in result.text
    assert "data/tags.yaml:2: error: tag 'ok' needs a label per language" in result.text


def test_missing_site_folder_and_output_over_site(tmp_path: Path) -> None:
    result = run_sitegen("build", tmp_path / "nope")
    assert result.returncode == 2 and "does not exist" in result.stderr
    site = make_site(tmp_path / "site", {"content/articles/x.ar.md": GOOD})
    result = run_sitegen("build", site, "-o", site)
    assert result.returncode == 2 and "would replace the site itself" in result.stderr
    assert (site / "content/articles/x.ar.md").exists()


def test_drafts_only_with_flag(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/articles/x.ar.md": GOOD,
            "content/articles/d.ar.md": "---\ntitle: مسودة\ndate: 2020-01-03\ndraft: true\n---\n",
        },
    )
    assert build_site(site, site / "public").ok
    assert not (site / "public/articles/d").exists()
    assert build_site(site, site / "public", drafts=True).ok
    assert (site / "public/articles/d/index.html").exists()


def test_empty_site_builds_with_a_warning(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    result = build_site(site, site / "public")
    assert result.ok
    assert "warning: no articles found" in result.text
    assert (site / "public/index.html").exists()


def test_external_related_url_must_be_a_web_address(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/articles/x.ar.md": "---\ntitle: t\ndate: 2020-01-02\nrelated:\n  - {title: x, url: 'javascript:alert(1)'}\n---\n"
        },
    )
    result = build_site(site, site / "public")
    assert not result.ok
    assert "x.ar.md:5: error: related item 1: the url must start with http:// or https://" in result.text


def test_site_absolute_links_in_bodies_follow_the_base_path(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/articles/x.ar.md": "---\ntitle: t\ndate: 2020-01-02\n---\n[وسوم](/tags/) ![صورة](/img/a.png)\n",
            "static/img/a.png": "not really a png",
        },
    )
    assert build_site(site, site / "public", base_url="/archive/").ok
    body = html(site / "public/articles/x/index.html").xpath('//div[@class="article-body"]')[0]
    assert body.xpath(".//a/@href") == ["/archive/tags/"]
    assert body.xpath(".//img/@src") == ["/archive/img/a.png"]
