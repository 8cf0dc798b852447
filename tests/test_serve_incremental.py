"""The dev server's incremental rebuilds give the very bytes a full build gives, whatever the edit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen.build import BuildOptions, build
from sitegen.render import THEME_DIR
from sitegen.serve.incremental import SiteState
from tests.support import FIXTURES

OPTIONS = BuildOptions(search=False)
ARTICLES = Path("content/articles")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_full_build(site: Path, served: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    build(site, full, OPTIONS)
    expected, actual = snapshot(full), snapshot(served)
    assert sorted(actual) == sorted(expected), "the incremental output has other files than a full build"
    differ = [name for name in expected if expected[name] != actual[name]]
    assert differ == [], f"these files differ from a full build: {differ}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def body_edit(site: Path) -> set[Path]:
    f = site / ARTICLES / "withdrawal.en.md"
    f.write_text(f.read_text(encoding="utf-8") + "\nA new *paragraph* about the convoy.\n", encoding="utf-8")
    return {f}


def title_edit(site: Path) -> set[Path]:
    f = site / ARTICLES / "trenches.ar.md"
    edit(f, "title: قسد تحفر الخنادق", "title: عنوان جديد - قسد تحفر الخنادق")
    return {f}


def tag_added(site: Path) -> set[Path]:
    f = site / ARTICLES / "withdrawal.en.md"
    edit(f, "tags: [Ain Issa, Shelling]", "tags: [Ain Issa, Shelling, Tunnels, Brand new tag]")
    return {f}


def date_moved(site: Path) -> set[Path]:
    f = site / ARTICLES / "trenches.ar.md"
    edit(f, "date: 2020-12-18", "date: 2018-01-02")
    return {f}


def article_added(site: Path) -> set[Path]:
    f = site / ARTICLES / "new-one.en.md"
    f.write_text(
        "---\ntitle: A new one\ndate: 2021-01-05\ntags: [Shelling]\nrelated: [trenches]\n---\n"
        "Links to [[withdrawal]].\n",
        encoding="utf-8",
    )
    return {f}


def article_deleted(site: Path) -> set[Path]:
    f = site / ARTICLES / "old-report.en.md"
    f.unlink()
    return {f}


def translation_deleted(site: Path) -> set[Path]:
    f = site / ARTICLES / "withdrawal.en.md"
    f.unlink()
    return {f}


def tag_label_changed(site: Path) -> set[Path]:
    f = site / "data" / "tags.yaml"
    edit(f, "en: Tunnels", "en: Tunnels and trenches")
    return {f}


def template_override(site: Path) -> set[Path]:
    (site / "templates").mkdir(exist_ok=True)
    f = site / "templates" / "_entry.html"
    f.write_text(
        (THEME_DIR / "templates" / "_entry.html").read_text(encoding="utf-8") + "<!-- entry v2 -->\n",
        encoding="utf-8",
    )
    return {f}


def base_template_override(site: Path) -> set[Path]:
    (site / "templates").mkdir(exist_ok=True)
    f = site / "templates" / "base.html"
    text = (THEME_DIR / "templates" / "base.html").read_text(encoding="utf-8")
    f.write_text(text.replace("</footer>", "<p>base v2</p></footer>"), encoding="utf-8")
    return {f}


def static_added(site: Path) -> set[Path]:
    (site / "static").mkdir(exist_ok=True)
    f = site / "static" / "extra.css"
    f.write_text("body { color: red }\n", encoding="utf-8")
    return {f}


def config_changed(site: Path) -> set[Path]:
    f = site / "site.yaml"
    edit(f, "per_page: 2", "per_page: 1")
    return {f}


def article_extra_override(site: Path) -> set[Path]:
    (site / "templates").mkdir(exist_ok=True)
    f = site / "templates" / "_article_extra.html"
    f.write_text(
        (THEME_DIR / "templates" / "_article_extra.html").read_text(encoding="utf-8") + "<p>extra v2</p>\n",
        encoding="utf-8",
    )
    return {f}


def touched_only(site: Path) -> set[Path]:
    f = site / ARTICLES / "trenches.ar.md"
    f.write_bytes(f.read_bytes())
    return {f}


EDITS: list[Callable[[Path], set[Path]]] = [
    body_edit,
    title_edit,
    tag_added,
    date_moved,
    article_added,
    article_deleted,
    translation_deleted,
    tag_label_changed,
    template_override,
    base_template_override,
    static_added,
    config_changed,
    touched_only,
    article_extra_override,
]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", target)
    return target


@pytest.fixture
def state(site: Path, tmp_path: Path) -> SiteState:
    s = SiteState(site, tmp_path / "served", OPTIONS)
    first = s.rebuild()
    assert first.ok, first.errors
    return s


@pytest.mark.parametrize("change", EDITS, ids=[e.__name__ for e in EDITS])
def test_incremental_output_equals_full_build(
    change: Callable[[Path], set[Path]], site: Path, state: SiteState, tmp_path: Path
) -> None:
    rebuild_equals_full_build(state, change, site, tmp_path)


def rebuild_equals_full_build(
    state: SiteState, change: Callable[[Path], set[Path]], site: Path, tmp_path: Path
) -> None:
    outcome = state.rebuild(change(site))
    assert outcome.ok, outcome.errors
    assert_same_as_full_build(site, state.out, tmp_path)


def test_two_edits_in_a_row_still_equal_full_build(site: Path, state: SiteState, tmp_path: Path) -> None:
    for change in (tag_added, body_edit, article_added, title_edit, article_deleted):
        assert state.rebuild(change(site)).ok
    assert_same_as_full_build(site, state.out, tmp_path)


def test_a_body_edit_redoes_only_the_pages_that_show_that_body(site: Path, state: SiteState) -> None:
    outcome = state.rebuild(body_edit(site))
    assert outcome.how == "body"
    assert "/en/articles/withdrawal/" in outcome.urls
    assert "/" not in outcome.urls and "/en/tags/shelling/" not in outcome.urls
    assert len(outcome.urls) < 10


def test_a_title_edit_redoes_the_lists_but_not_unrelated_pages(site: Path, state: SiteState) -> None:
    outcome = state.rebuild(title_edit(site))
    assert "/articles/trenches/" in outcome.urls and "/tags/tunnels/" in outcome.urls
    assert "/en/articles/old-report/" not in outcome.urls
    assert "/404.html" not in outcome.urls


def test_a_touched_file_redoes_nothing(site: Path, state: SiteState) -> None:
    assert state.rebuild(touched_only(site)).urls == ()


def test_a_broken_save_keeps_the_last_good_pages_and_the_fix_catches_up(
    site: Path, state: SiteState, tmp_path: Path
) -> None:
    before = snapshot(state.out)
    f = site / ARTICLES / "trenches.ar.md"
    edit(f, "date: 2020-12-18", "date: [2020-12-18")  # broken YAML
    broken = state.rebuild({f})
    assert not broken.ok
    assert any(e.path == f and e.line for e in broken.errors)
    assert snapshot(state.out) == before
    template_override(site)  # changed while broken: must not be forgotten
    tags = site / "data" / "tags.yaml"
    edit(tags, "en: Shelling", "en: Shellings")
    assert not state.rebuild({site / "templates" / "_entry.html", tags}).ok
    edit(f, "date: [2020-12-18", "date: 2020-12-19")
    fixed = state.rebuild({f})
    assert fixed.ok, fixed.errors
    assert_same_as_full_build(site, state.out, tmp_path)


def test_a_template_error_is_reported_with_its_line_and_then_cleared(
    site: Path, state: SiteState, tmp_path: Path
) -> None:
    (site / "templates").mkdir()
    f = site / "templates" / "_entry.html"
    f.write_text("<li>\n{{ a.title }\n</li>\n", encoding="utf-8")
    broken = state.rebuild({f})
    assert not broken.ok
    assert [(e.path.name if e.path else None, e.line) for e in broken.errors] == [("_entry.html", 2)]
    f.write_text("<li>\n{{ a.no_such_field }}\n</li>\n", encoding="utf-8")  # renders with an error
    assert not state.rebuild({f}).ok
    template_override(site)
    assert state.rebuild({f}).ok
    assert_same_as_full_build(site, state.out, tmp_path)


def test_the_edited_articles_own_page_is_announced_first(
    site: Path, state: SiteState, tmp_path: Path
) -> None:
    announced: list[tuple[str, ...]] = []
    outcome = state.rebuild(body_edit(site), announced.append)
    assert announced == [("/en/articles/withdrawal/",)]
    assert set(announced[0]) < set(outcome.urls)  # the others (backlinks, feed) in the same rebuild
    assert_same_as_full_build(site, state.out, tmp_path)


def test_a_template_edit_redoes_only_the_pages_using_it(site: Path, state: SiteState, tmp_path: Path) -> None:
    assert state.model is not None
    article_pages = {p.url for p in state.model.pages if p.template == "article.html"}
    outcome = state.rebuild(article_extra_override(site))
    assert outcome.ok, outcome.errors
    assert set(outcome.urls) == article_pages  # included by article.html only: no list, feed or data file
    assert_same_as_full_build(site, state.out, tmp_path)


def test_a_tag_label_edit_redoes_only_the_pages_showing_that_tag(site: Path, state: SiteState) -> None:
    outcome = state.rebuild(tag_label_changed(site))
    assert outcome.ok, outcome.errors
    assert "/en/tags/tunnels/" in outcome.urls and "/articles/trenches/" in outcome.urls
    assert "/en/articles/old-report/" not in outcome.urls  # tagged Shelling only
    assert "/en/tags/shelling/" not in outcome.urls


def test_a_template_edit_after_a_broken_content_save_still_reports_the_content_error(
    site: Path, state: SiteState, tmp_path: Path
) -> None:
    f = site / ARTICLES / "trenches.ar.md"
    edit(f, "date: 2020-12-18", "date: [2020-12-18")
    assert not state.rebuild({f}).ok
    assert not state.rebuild(article_extra_override(site)).ok  # the last good model is older than the files
    edit(f, "date: [2020-12-18", "date: 2020-12-18")
    assert state.rebuild({f}).ok
    assert_same_as_full_build(site, state.out, tmp_path)


def test_a_tag_edit_announces_the_articles_own_page_before_the_lists(
    site: Path, state: SiteState, tmp_path: Path
) -> None:
    announced: list[tuple[str, ...]] = []
    outcome = state.rebuild(tag_added(site), announced.append)
    assert outcome.ok, outcome.errors
    assert announced[0] == ("/en/articles/withdrawal/",)  # before the plan: the page being edited
    assert "/en/tags/brand-new-tag/" in outcome.urls and "/en/articles/withdrawal/" in outcome.urls
    assert outcome.urls.count("/en/articles/withdrawal/") == 1  # not rendered twice
    assert_same_as_full_build(site, state.out, tmp_path)


def test_the_early_page_of_a_tag_edit_renders_no_list_entries_of_the_whole_site(
    site: Path, state: SiteState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Warming every list entry for the one announced page cost 2.4 s of a tag edit at 10k articles."""
    import sitegen.build

    events: list[str] = []
    real_warm = sitegen.build.warm_partials

    def warm(job: object, **how: Any) -> None:
        events.append("warm")
        real_warm(job, **how)  # type: ignore[arg-type]

    monkeypatch.setattr(sitegen.build, "warm_partials", warm)
    outcome = state.rebuild(tag_added(site), lambda urls: events.append("announce"))
    assert outcome.ok, outcome.errors
    assert events[:1] == ["announce"]
    assert_same_as_full_build(site, state.out, tmp_path)


@pytest.fixture
def state_with_year_timelines(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SiteState:
    """As `state`, with every tag's timeline in year pages and every year of the site's in month pages
    (the forms of long timelines; the fixture's are short)."""
    from sitegen import timelines

    monkeypatch.setattr(timelines, "TAG_TIMELINE_INLINE", 0)
    monkeypatch.setattr(timelines, "YEAR_INLINE", 0)
    s = SiteState(site, tmp_path / "served", OPTIONS)
    assert s.rebuild().ok
    assert list(s.out.glob("tags/*/timeline/*/index.html"))
    assert list(s.out.glob("timeline/*/[01][0-9]/index.html"))
    return s


def event_moved_to_another_year(site: Path) -> set[Path]:
    f = site / ARTICLES / "withdrawal.ar.md"
    edit(f, "{date: 2019-10, title:", "{date: 2016-03-02, title:")
    return {f}


YEAR_PAGE_EDITS = [
    title_edit,
    tag_added,
    event_moved_to_another_year,
    article_added,
    article_deleted,
    tag_label_changed,
]


@pytest.mark.parametrize("change", YEAR_PAGE_EDITS, ids=[e.__name__ for e in YEAR_PAGE_EDITS])
def test_tag_year_pages_follow_every_edit_as_a_full_build_does(
    change: Callable[[Path], set[Path]], site: Path, state_with_year_timelines: SiteState, tmp_path: Path
) -> None:
    rebuild_equals_full_build(state_with_year_timelines, change, site, tmp_path)
