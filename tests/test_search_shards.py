"""The search index in shards: how pages are grouped, what the output holds, and which shards a rebuild
indexes again (only those whose pages changed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sitegen.build import ARTICLE_GLOB, BuildOptions, load_model, search_regions
from sitegen.search.shards import index_search, plan_shards
from tests.support import FIXTURES, build_site


def page(site: Path, slug: str, date: str | None, text: str = "") -> Path:
    rel = Path("articles") / slug / "index.html"
    (site / rel).parent.mkdir(parents=True)
    meta = f'<time data-pagefind-meta="date:{date}">{date}</time>' if date else ""
    (site / rel).write_text(
        f'<html lang="en"><body><main data-pagefind-body>{meta}<p>{slug} {text}</p></main></body></html>',
        encoding="utf-8",
    )
    return rel


def test_consecutive_years_share_a_shard_and_a_large_year_is_split(tmp_path: Path) -> None:
    dates = {
        "a": "2011-05-01",
        "b": "2012-01-01",
        "c": "2013-02-01",
        "d": "2013-03-01",
        **{f"e{i}": f"2014-0{i + 1}-01" for i in range(5)},
        "f": None,
    }
    files = [page(tmp_path, slug, date) for slug, date in dates.items()]
    shards = plan_shards(tmp_path, files, limit=3)
    assert [(s.name, [f.parts[1] for f in s.files]) for s in shards] == [
        ("2011-2012", ["a", "b"]),
        ("2013", ["c", "d"]),
        ("2014", ["e0", "e1", "e2"]),
        ("2014-2", ["e3", "e4"]),
        ("undated", ["f"]),
    ]


def test_a_key_changes_with_its_pages_only(tmp_path: Path) -> None:
    files = [page(tmp_path, "a", "2011-01-01"), page(tmp_path, "b", "2012-01-01")]
    before = {s.name: s.key for s in plan_shards(tmp_path, files, limit=1)}
    (tmp_path / files[1]).write_text((tmp_path / files[1]).read_text() + " ", encoding="utf-8")
    after = {s.name: s.key for s in plan_shards(tmp_path, files, limit=1)}
    assert before["2011"] == after["2011"] and before["2012"] != after["2012"]
    # the normalized words the indexer adds beside a page are part of its shard's key
    added = {s.name: s.key for s in plan_shards(tmp_path, files, limit=1, extra={files[0]: "<div>x</div>"})}
    assert added["2011"] != after["2011"] and added["2012"] == after["2012"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(FIXTURES / "search", copy)
    return copy


def inodes(out: Path) -> dict[str, int]:
    """The inode of each shard's metadata file: a shard copied from the last build keeps it (hard link)."""
    return {
        meta.parent.name: meta.stat().st_ino
        for meta in (out / "pagefind").glob("*/pagefind.*.pf_meta")
        if "ar" in meta.name
    }


def test_shards_each_hold_their_pages_once(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    listed = json.loads((out / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    names = [s["name"] for s in listed]
    assert names == ["2018-2019", "2020", "2021"]  # hama 2018, raqqa 2019; ain-issa and shelling ×2 languages
    assert [s["languages"] for s in listed] == [["ar"], ["ar", "en"], ["ar", "en"]]
    fragments = [len(list((out / "pagefind" / name / "fragment").iterdir())) for name in names]
    assert fragments == [2, 2, 2]
    assert (out / "pagefind" / "pagefind-ui.js").is_file()
    assert not list((out / "pagefind").glob("*/pagefind-ui.js"))  # the UI once, not per shard
    assert all((out / "pagefind" / name / "pagefind.js").is_file() for name in names)


def test_rebuild_indexes_only_the_shard_whose_article_changed(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    first = inodes(out)
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    assert inodes(out) == first  # nothing changed: every shard copied, none indexed
    article = site / "content" / "articles" / "shelling.ar.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nكلمة جديدة\n", encoding="utf-8")
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    second = inodes(out)
    assert second["2021"] != first["2021"]
    assert {k: v for k, v in second.items() if k != "2021"} == {k: v for k, v in first.items() if k != "2021"}
    assert not list(tmp_path.glob(".pagefind-*")) and not list(tmp_path.glob(".search-shard-*"))


def test_index_in_place_reuses_its_own_shards(site: Path, tmp_path: Path) -> None:
    """The dev server indexes the folder it serves: unchanged shards are kept from that same folder."""
    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    regions = search_regions(load_model(site, BuildOptions(search=True)))
    assert regions  # the fixture's Arabic pages have normalized words
    errors, indexed = index_search(out, ARTICLE_GLOB, limit=2, extra=regions)
    assert errors == [] and indexed == []
    target = out / "articles" / "hama" / "index.html"
    target.write_text(target.read_text(encoding="utf-8").replace("</p>", " إضافة</p>", 1), encoding="utf-8")
    errors, indexed = index_search(out, ARTICLE_GLOB, limit=2, extra=regions)
    assert errors == [] and indexed == ["2018-2019"]
