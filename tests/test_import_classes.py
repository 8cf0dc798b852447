"""`sitegen import` on one small page per class of real-page problem (dates in every Arabic month system,
bylines that are places or agencies, chrome in the body, titles with site names, unsafe links).

Each fixture under tests/fixtures/import/classes/ is invented text in the shape of real pages, with the
front matter an editor expects beside it (`<case>.expected.yaml`). The import runs as a user runs it (the
CLI, into a fresh site) and the written file is parsed back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.cli import main

CLASSES = Path(__file__).parent / "fixtures" / "import" / "classes"
CASES = sorted(p for p in CLASSES.iterdir() if p.suffix in (".html", ".txt"))


def _expected(case: Path) -> dict[str, Any]:
    data = yaml.safe_load(
        (CLASSES / f"{case.name.rsplit('.', 1)[0]}.expected.yaml").read_text(encoding="utf-8")
    )
    assert isinstance(data, dict)
    return data


def _import(
    case: Path, site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, dict[str, Any], str]:
    monkeypatch.chdir(site)
    code = main(["import", str(case)])
    out = capsys.readouterr()
    written = sorted((site / "content" / "articles").glob("*.md"))
    if not written:
        return code, out.out + out.err, {}, ""
    text = written[0].read_text(encoding="utf-8")
    fm, body = text[4:].split("\n---\n", 1)
    return code, out.out + out.err, yaml.safe_load(fm), body


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_import_class(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    want = _expected(case)
    code, said, meta, body = _import(case, tmp_path, capsys, monkeypatch)
    for note in want.get("notes_in", []):
        assert note in said
    if "refused" in want:
        assert code == 1 and want["refused"] in said and not meta
        return
    assert code == 0, said
    assert meta["title"] == want["title"]
    if "date" in want:
        assert meta["date"] == dt.date.fromisoformat(want["date"])
    if "author" in want:
        assert meta.get("author") == want["author"]
    for key, value in want.get("source", {}).items():
        assert str(meta["source"].get(key)) == str(value)
    if want.get("no_source_name"):
        assert "name" not in meta["source"]
    for text in want.get("body_in", []):
        assert text in body
    for text in want.get("body_out", []):
        assert text not in body


def test_every_fixture_has_its_expectation() -> None:
    assert len(CASES) >= 20
    for case in CASES:
        assert _expected(case)


def test_tag_the_build_accepts_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tag written as one label for every language is valid for the build, so --tag takes it."""
    (tmp_path / "data").mkdir()
    (tmp_path / "site.yaml").write_text("title: T\nlanguages: [ar, en]\n", encoding="utf-8")
    (tmp_path / "data" / "tags.yaml").write_text("water: المياه\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(CLASSES / "date-maghrebi.ar.txt"), "--tag", "water"]) == 0, capsys.readouterr()
    [path] = (tmp_path / "content" / "articles").glob("*.md")
    assert yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])["tags"] == ["water"]
