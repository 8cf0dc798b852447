"""`sitegen new DIR`: a site that builds at once, without warnings, and never a file overwritten."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
import yaml

from sitegen import scaffold
from tests.support import REPO, build, build_site, check_links, html, html_files, run_sitegen
from tests.test_demo_site import load_workflow

EXPECTED = {
    "site.yaml",
    "README.md",
    ".gitignore",
    "requirements.txt",
    ".github/workflows/pages.yml",
    ".github/workflows/check.yml",
    "data/tags.yaml",
    "data/authors.yaml",
    "content/articles/first-report.ar.md",
    "content/articles/first-report.en.md",
}


def files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("new") / "my-archive"
    result = run_sitegen("new", site)
    assert result.returncode == 0, result.stderr
    assert "created a new site" in result.stdout
    return site


@pytest.fixture(scope="module")
def new_out(new_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("new-out") / "public"
    result = build_site(new_site, out, search=True)
    output = result.text
    assert result.ok, output
    assert "warning" not in output.lower(), output
    return out


def test_new_writes_the_files_of_a_site(new_site: Path) -> None:
    assert files_in(new_site) == EXPECTED
    assert "public/" in (new_site / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "my-archive" in (new_site / "README.md").read_text(encoding="utf-8")
    config = yaml.safe_load((new_site / "site.yaml").read_text(encoding="utf-8"))
    assert config["languages"] == ["ar", "en"] and set(config["title"]) == {"ar", "en"}


def test_new_site_builds_at_once(new_out: Path) -> None:
    pages = html_files(new_out)
    assert len(pages) > 10
    assert check_links(new_out) == []
    for path in pages:
        root = html(path)
        rel = path.relative_to(new_out).as_posix()
        expected = "en" if rel.startswith("en/") else "ar"
        assert (root.get("lang"), root.get("dir")) == (expected, "ltr" if expected == "en" else "rtl"), rel


def test_new_site_samples_are_translations_of_each_other(new_out: Path) -> None:
    ar = html(new_out / "articles/first-report/index.html")
    en = html(new_out / "en/articles/first-report/index.html")
    assert ar.xpath('//a[@rel="alternate"][@hreflang="en"]/@href') == ["/en/articles/first-report/"]
    assert en.xpath('//a[@rel="alternate"][@hreflang="ar"]/@href') == ["/articles/first-report/"]
    # the sample uses the registries: a tag by label, an author by id
    assert [a.text for a in ar.xpath('//ul[@class="tag-list"]//a')] == ["مثال", "المياه"]
    assert en.xpath('//a[@rel="author"]/@href') == ["/en/authors/editor/"]
    # the wikilink syntax is shown as code, not turned into a link
    assert "[[slug]]" in [c.text for c in en.xpath('//div[@class="article-body"]//code')]


def test_new_site_builds_under_a_sub_path(new_site: Path, tmp_path: Path) -> None:
    """`sitegen build --base-url` as a user runs it (the CLI's test of a build that succeeds)."""
    out = tmp_path / "public"
    result = build(new_site, out, "--base-url", "https://someone.github.io/my-archive/")
    assert result.returncode == 0, result.stderr
    assert check_links(out, "/my-archive/") == []


def test_new_writes_the_same_pages_workflow_as_the_repository(new_site: Path) -> None:
    ours = load_workflow(REPO / ".github/workflows/pages.yml")
    theirs = load_workflow(new_site / ".github/workflows/pages.yml")
    for key in ("on", "permissions", "concurrency"):
        assert theirs[key] == ours[key], key
    assert theirs["jobs"]["deploy"] == ours["jobs"]["deploy"]
    steps, our_steps = theirs["jobs"]["build"]["steps"], ours["jobs"]["build"]["steps"]
    assert [s for s in steps if "uses" in s] == [s for s in our_steps if "uses" in s]
    runs = [s["run"] for s in steps if "run" in s]
    assert 'sitegen build . --base-url "${{ steps.pages.outputs.base_url }}/"' in runs
    # sitegen is not on PyPI: it is installed from the git URL in requirements.txt, never `pip install sitegen`
    assert "pip install -r requirements.txt" in runs
    assert not any("pip install sitegen" in r for r in runs)


def test_requirements_placeholder_is_caught_by_the_workflow(new_site: Path) -> None:
    requirement = [
        line
        for line in (new_site / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert requirement == [scaffold.PLACEHOLDER]  # the test venv's sitegen is not installed from git
    flow = (new_site / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert "grep -q 'YOUR-ACCOUNT' requirements.txt" in flow and "YOUR-ACCOUNT" in scaffold.PLACEHOLDER


def test_requirement_pins_the_git_commit_sitegen_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    class Dist:
        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return json.dumps(
                {
                    "url": "https://github.com/example/sitegen.git",
                    "vcs_info": {"vcs": "git", "commit_id": "0123abcd"},
                }
            )

    monkeypatch.setattr(scaffold.metadata, "distribution", lambda name: Dist())
    assert scaffold.sitegen_requirement() == (
        "sitegen @ git+https://github.com/example/sitegen.git@0123abcd",
        True,
    )


def test_new_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    (site / "site.yaml").write_text("title: mine\n", encoding="utf-8")
    (site / "data/tags.yaml").write_text("x: {ar: س, en: x}\n", encoding="utf-8")
    result = run_sitegen("new", site)
    assert result.returncode == 1
    assert "site.yaml" in result.stderr and "data/tags.yaml" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert (site / "site.yaml").read_text(encoding="utf-8") == "title: mine\n"
    assert files_in(site) == {"site.yaml", "data/tags.yaml"}


def test_new_into_a_folder_with_unrelated_files(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("mine\n", encoding="utf-8")
    assert run_sitegen("new", tmp_path).returncode == 0
    assert files_in(tmp_path) == EXPECTED | {"LICENSE"}
    assert (tmp_path / "LICENSE").read_text(encoding="utf-8") == "mine\n"


def test_new_refuses_a_file_as_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    result = run_sitegen("new", target)
    assert result.returncode == 1 and "not a folder" in result.stderr
    assert target.read_text(encoding="utf-8") == "x"


def test_scaffold_is_a_package_and_new_a_command() -> None:
    from sitegen.commands import new

    assert callable(new.configure) and callable(new.run)
    assert Path(scaffold.__file__).name == "__init__.py"
    assert not (REPO / "sitegen" / "scaffold.py").exists()
    parser = argparse.ArgumentParser()
    new.configure(parser)
    assert parser.parse_args(["somewhere"]).directory == "somewhere"
    # the dot-files are package data under names setuptools keeps
    assert not list(scaffold.FILES.rglob(".*"))
