"""The importer reads the site's existing articles' front matter as `sitegen build` does, and says which
one it could not read instead of stopping the import."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sitegen.importer.site import front_matter, load_site
from sitegen.read import read_file
from tests.support import run_sitegen

FIX = Path(__file__).parent / "fixtures" / "import"

# (file bytes, what both read: the front matter, or the start of the build's error message)
CASES: dict[str, tuple[bytes, dict[str, object] | str]] = {
    "plain": (
        "---\ntitle: منبج\ndate: 2021-02-01\n---\nنص.\n".encode(),
        {"title": "منبج", "date": "2021-02-01"},
    ),
    "bom-crlf": (b"\xef\xbb\xbf---\r\ntitle: Ain Issa\r\n---\r\nText.\r\n", {"title": "Ain Issa"}),
    "cr-only": (b"---\rtitle: Old Mac\r---\rText.\r", {"title": "Old Mac"}),
    "dots-close": (b"---\ntitle: Dots\n...\nText.\n", {"title": "Dots"}),
    "fence-spaces": (b"--- \ntitle: Spaces\n---\t\nText.\n", {"title": "Spaces"}),
    "date-kept-as-text": (b"---\ntitle: 2020-12-21\n---\n", {"title": "2020-12-21"}),
    "empty": (b"---\n---\nText.\n", {}),
    "four-dashes": (b"----\ntitle: x\n---\n", "the file does not start with front matter"),
    "no-front-matter": (b"title: x\n", "the file does not start with front matter"),
    "never-closed": (b"---\ntitle: x\nText.\n", "the front matter is never closed"),
    "bad-yaml": (b"---\ntitle: x\ntags: [a, b\n---\n", "invalid YAML"),
    "python-tag": (b"---\ntitle: !!python/object:os.system x\n---\n", "unsupported YAML tag"),
    "a-list": (b"---\n- a\n- b\n---\n", "the front matter must be a list of `key: value` lines"),
    "not-utf8": ("---\ntitle: منبج\n---\n".encode("cp1256"), "this file is not UTF-8 text"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_front_matter_is_read_as_the_build_reads_it(name: str, tmp_path: Path) -> None:
    data, expected = CASES[name]
    path = tmp_path / "x.ar.md"
    path.write_bytes(data)
    meta, problem = front_matter(path)
    built = read_file(path, ("ar", "en"))
    if isinstance(expected, dict):
        assert problem is None and meta == expected
        assert built.doc is not None and built.doc.meta == meta
    else:
        assert meta == {} and problem is not None and problem.message.startswith(expected)
        assert built.doc is None
        assert [(e.message, e.line) for e in built.errors] == [(problem.message, problem.line)]


def test_a_broken_article_is_named_and_the_import_goes_on(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIX / "site", site)
    articles = site / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "broken.ar.md").write_text(
        "---\ntitle: [unclosed\ndate: 2021-02-01\n---\nنص.\n", encoding="utf-8"
    )
    (articles / "fine.ar.md").write_text("---\ntitle: سليم\n---\nنص.\n", encoding="utf-8")
    context = load_site(articles, site)
    assert {a.slug: a.title for a in context.articles} == {"broken": "", "fine": "سليم"}
    [note] = context.problems
    assert re.match(re.escape(str(articles / "broken.ar.md")) + r":\d+: invalid YAML", note), note
    result = run_sitegen("import", FIX / "dated.ar.txt", "-o", articles, cwd=site, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"warning: {note}" in result.stderr
    assert "its title and source are not used" in result.stderr
    assert len(list(articles.glob("*.md"))) == 3


def test_a_broken_authors_file_is_named_with_its_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIX / "site", site)
    (site / "data" / "authors.yaml").write_text("salma:\n  name: {ar: سلمى\n", encoding="utf-8")
    context = load_site(site / "content" / "articles", site)
    [note] = context.problems
    assert note.startswith(f"{site / 'data' / 'authors.yaml'}:")
    assert "invalid YAML" in note  # once, though the tags' registry and the author lookup both read it
