"""A site's static/ files: copied over the built site, and a generated HTML page they replace is named."""

from __future__ import annotations

from pathlib import Path

from sitegen.build import BuildOptions
from sitegen.serve.incremental import SiteState
from tests.support import build, build_site
from tests.test_serve_incremental import assert_same_as_full_build, body_edit

HOME = "<!doctype html><title>my own home</title>\n"
ROBOTS = "User-agent: *\nDisallow: /drafts/\n"


def add_static(site: Path, rel: str, text: str) -> Path:
    path = site / "static" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_static_page_over_a_generated_one_is_a_warning_robots_txt_is_not(site_copy, tmp_path: Path) -> None:
    site = site_copy("bilingual")
    add_static(site, "index.html", HOME)
    add_static(site, "robots.txt", ROBOTS)
    add_static(site, "about/index.html", "<p>a page sitegen does not make</p>")
    out = tmp_path / "out"
    result = build(site, out, "--base-url", "https://example.org/archive/")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("static/")]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("static/index.html: warning: ")
    assert "/archive/" in warnings[0]  # the address it hides, as published
    hint = result.stderr.split(warnings[0], 1)[1].splitlines()[1]
    assert hint.startswith("    hint: rename or move static/index.html")
    assert "if you meant to replace the page, copy the theme's home.html into templates/" in hint
    assert "robots.txt" not in result.stderr and "about" not in result.stderr
    assert "(2 warnings)" in result.stderr  # that one and the fixture's unknown tag
    # the static files win, as they always did
    assert (out / "index.html").read_text(encoding="utf-8") == HOME
    assert (out / "robots.txt").read_text(encoding="utf-8") == ROBOTS
    assert (out / "about/index.html").is_file()


def test_an_article_page_replaced_names_the_article_and_theme_assets_are_not_pages(
    site_copy, tmp_path: Path
) -> None:
    site = site_copy("bilingual")
    add_static(site, "en/articles/withdrawal/index.html", "<p>mine</p>")
    add_static(site, "assets/style.css", "body { color: red }")  # over the theme's: not a page
    add_static(site, "404.html", "<p>not here</p>")
    built = build_site(site, tmp_path / "out")
    assert built.ok, built.text
    replaced = {
        p.path.relative_to(site).as_posix(): p for p in built.problems if p.path and "static" in p.path.parts
    }
    assert sorted(replaced) == ["static/404.html", "static/en/articles/withdrawal/index.html"]
    article = replaced["static/en/articles/withdrawal/index.html"]
    assert article.severity == "warning"
    assert "/en/articles/withdrawal/" in article.message
    assert "content/articles/withdrawal.en.md" in article.hint and "article.html" in article.hint
    assert (tmp_path / "out/assets/style.css").read_text(encoding="utf-8") == "body { color: red }"


def test_the_dev_server_warns_alike_and_never_renders_over_a_static_page(site_copy, tmp_path: Path) -> None:
    site = site_copy("bilingual")
    page = add_static(site, "en/articles/withdrawal/index.html", "<p>mine</p>")
    state = SiteState(site, tmp_path / "served", BuildOptions(search=False))
    first = state.rebuild()
    assert first.ok, first.errors
    [warning] = [w for w in first.warnings if w.path == page]
    assert built_warnings(site, tmp_path) == [warning]
    # an edit of the article the static page replaces: the served file stays the static one
    outcome = state.rebuild(body_edit(site))
    assert outcome.ok and warning in outcome.warnings
    assert_same_as_full_build(site, state.out, tmp_path / "1")
    # the static page goes: the generated page comes back, and the warning goes
    page.unlink()
    outcome = state.rebuild({page})
    assert outcome.ok, outcome.errors
    assert not [w for w in outcome.warnings if w.path == page]
    assert "withdrawal" in (state.out / "en/articles/withdrawal/index.html").read_text(encoding="utf-8")
    assert_same_as_full_build(site, state.out, tmp_path / "2")
    # and a static page added while serving replaces it again
    add_static(site, "index.html", HOME)
    outcome = state.rebuild({site / "static/index.html"})
    assert outcome.ok and [w for w in outcome.warnings if w.path == site / "static/index.html"]
    assert_same_as_full_build(site, state.out, tmp_path / "3")


def built_warnings(site: Path, tmp_path: Path) -> list[object]:
    built = build_site(site, tmp_path / "full-out")
    assert built.ok, built.text
    return [p for p in built.problems if p.path and "static" in p.path.parts]
