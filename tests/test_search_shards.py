"""The search index in shards: how pages are grouped, what the output holds, and which shards a rebuild
indexes again (only those whose pages changed)."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from sitegen.build import ARTICLE_GLOB, BuildOptions, load_model, search_regions
from sitegen.search import run_pagefind, shards
from sitegen.search.reading import FILTERS, indexer_page
from sitegen.search.shards import index_search, plan_shards
from sitegen.search.store import IDLE_SECONDS, OWNER_FILE, shard_store
from tests.support import FIXTURES, build_site


def page(site: Path, slug: str, lang: str = "ar", text: str = "", outside: str = "") -> Path:
    rel = Path(*(() if lang == "ar" else (lang,)), "articles", slug, "index.html")
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_text(
        f'<html lang="{lang}"><body><nav>{outside}</nav><main data-pagefind-body><p>{slug} {text}</p>'
        f'<div><p>nested</p></div></main><time data-pagefind-meta="date:2020-01-01">2020</time>'
        f"<section>{outside}</section></body></html>",
        encoding="utf-8",
    )
    return rel


def test_shards_split_each_language_in_a_power_of_two_of_at_most_limit_pages(tmp_path: Path) -> None:
    files = [page(tmp_path, f"a{i}") for i in range(40)] + [page(tmp_path, f"e{i}", "en") for i in range(3)]
    shards = plan_shards(tmp_path, files, limit=12)
    arabic = [s for s in shards if s.name.startswith("ar-")]
    english = [s for s in shards if s.name.startswith("en-")]
    assert [s.name for s in english] == ["en-1-of-1"]  # a small language is one index: one index's ranking
    count = int(arabic[0].name.rsplit("-", 1)[1])
    assert count in (4, 8) and all(s.name.endswith(f"-of-{count}") for s in arabic)
    assert all(len(s.files) <= 12 for s in shards)
    assert sorted(f for s in shards for f in s.files) == sorted(files)  # every page once
    assert all(f.parts[0] == "en" for s in english for f in s.files)


def test_adding_a_page_changes_one_shard_and_moves_no_other_page(tmp_path: Path) -> None:
    files = [page(tmp_path, f"a{i}") for i in range(30)]
    before = {s.name: s for s in plan_shards(tmp_path, files, limit=10)}
    added = page(tmp_path, "new")
    after = plan_shards(tmp_path, [*files, added], limit=10)
    assert [s.name for s in after] == list(before)  # the count stays (it doubles only past the limit)
    changed = [s for s in after if s.key != before[s.name].key]
    assert len(changed) == 1 and set(changed[0].files) == {*before[changed[0].name].files, added}
    assert all(s.files == before[s.name].files for s in after if s is not changed[0])


def test_a_key_changes_with_what_pagefind_reads_only(tmp_path: Path) -> None:
    files = [page(tmp_path, "a"), page(tmp_path, "b", "en")]
    before = {s.name: s.key for s in plan_shards(tmp_path, files)}
    # a new backlink title, a changed menu: outside every indexed region, no shard to index again
    page(tmp_path, "a", outside="عنوان رابط جديد")
    assert {s.name: s.key for s in plan_shards(tmp_path, files)} == before
    # the body, a meta or filter attribute (even outside the body), the language: indexed again
    for changed in (
        lambda text: text.replace("<p>a ", "<p>a changed "),
        lambda text: text.replace("nested", "nested more"),
        lambda text: text.replace("date:2020-01-01", "date:2021-01-01"),
    ):
        page_file = tmp_path / files[0]
        original = page_file.read_text(encoding="utf-8")
        page_file.write_text(changed(original), encoding="utf-8")
        after = {s.name: s.key for s in plan_shards(tmp_path, files)}
        assert after["ar-1-of-1"] != before["ar-1-of-1"] and after["en-1-of-1"] == before["en-1-of-1"]
        page_file.write_text(original, encoding="utf-8")
    # the normalized words the indexer adds beside a page are part of its shard's key
    added = {s.name: s.key for s in plan_shards(tmp_path, files, extra={files[0]: "<div>x</div>"})}
    assert added["ar-1-of-1"] != before["ar-1-of-1"] and added["en-1-of-1"] == before["en-1-of-1"]


def test_the_indexers_copy_keeps_what_pagefind_reads() -> None:
    html = (
        b'<html lang="ar" dir="rtl"><head><title>T</title><style>x</style></head><body><nav>menu</nav>'
        b"<div data-pagefind-body><div>in</div>still</div>out, says data-pagefind-body in words"
        b'<p data-pagefind-filter="tag">t <b>bold</b></p><meta data-pagefind-meta="k" content="v">'
        b"<div data-pagefind-body>b</div><footer>backlinks</footer></body></html>"
    )
    assert indexer_page(html, b"<div>added</div>") == (
        b'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>T</title></head><body>'
        b"<div data-pagefind-body><div>in</div>still</div>\n"
        b'<p data-pagefind-filter="tag">t <b>bold</b></p>\n<meta data-pagefind-meta="k" content="v">\n'
        b"<div data-pagefind-body>b</div><div>added</div></body></html>"
    )
    # no body region, or one inside a filter's element: the page whole, the addition before </body>
    assert (
        indexer_page(b"<html><body><p>all</p></body></html>", b"+")
        == b"<html><body><p>all</p>+</body></html>"
    )
    held = (
        b'<html><body><main data-pagefind-filter="a:b"><div data-pagefind-body>x</div></main></body></html>'
    )
    assert indexer_page(held) == held


def _bundle_files(bundle: Path) -> dict[str, bytes]:
    """A Pagefind bundle's fragments and word index, decompressed, by path."""
    return {
        str(p.relative_to(bundle)): gzip.decompress(p.read_bytes())
        for p in bundle.rglob("*")
        if p.parent.name in ("fragment", "index")
    }


def test_pagefind_indexes_the_indexers_copy_as_the_page(tmp_path: Path) -> None:
    """The same fragments (text, word count, meta, filters) and the same word index files (named by their
    content's hash) from the fixture's article pages as published and from the indexer's copies. (The
    filter files are not compared byte for byte: Pagefind orders their entries differently from one run
    to the next over the very same pages; each page's filters are in its fragment.)"""
    out = tmp_path / "public"
    assert build_site(FIXTURES / "search", out).ok
    copies = tmp_path / "copies"
    for page_file in out.glob(ARTICLE_GLOB):
        rel = page_file.relative_to(out)
        (copies / rel).parent.mkdir(parents=True)
        (copies / rel).write_bytes(indexer_page(page_file.read_bytes()))
        assert len((copies / rel).read_bytes()) < len(page_file.read_bytes()) * 0.7
    assert run_pagefind(out, tmp_path / "whole", ARTICLE_GLOB) == []
    assert run_pagefind(copies, tmp_path / "copied") == []

    whole = _bundle_files(tmp_path / "whole")
    assert sum(name.startswith("fragment/") for name in whole) == 6  # the six article pages
    assert sum(name.startswith("index/") for name in whole) >= 2  # the words, one chunk or more a language
    assert whole == _bundle_files(tmp_path / "copied")


def test_filters_in_the_copy_index_as_filters_in_the_page(tmp_path: Path) -> None:
    """The search filters moved from the published page to the indexer's copy: Pagefind's fragments and
    word index are the same bytes as when each page carried them itself (where the theme wrote them
    before, first in the body's second region), and a page whose template writes filters of its own
    keeps exactly those (the ones sitegen adds are left out, not counted twice)."""
    out = tmp_path / "public"
    assert build_site(FIXTURES / "search", out).ok
    added = search_regions(load_model(FIXTURES / "search", BuildOptions(search=True)))
    moved, inline = tmp_path / "moved", tmp_path / "inline"
    for page_file in out.glob(ARTICLE_GLOB):
        rel = page_file.relative_to(out)
        html, extra = page_file.read_bytes(), added[rel].encode()
        assert b"data-pagefind-filter" not in html and extra.startswith(FILTERS)
        filters, region = extra.split(b"</div>", 1)
        before = html.replace(
            b'<div class="article-body">', filters + b'</div>\n<div class="article-body">', 1
        )
        assert before != html
        for folder, page_bytes in (
            (moved, indexer_page(html, extra)),
            (inline, indexer_page(before, region)),
        ):
            (folder / rel).parent.mkdir(parents=True)
            (folder / rel).write_bytes(page_bytes)
        # a template with filters of its own: only those reach the indexer
        assert indexer_page(before, extra) == indexer_page(before, region)
    assert run_pagefind(moved, tmp_path / "moved-index") == []
    assert run_pagefind(inline, tmp_path / "inline-index") == []

    inline_files = _bundle_files(tmp_path / "inline-index")
    assert sum(b'"filters":{"' in data for data in inline_files.values()) == 6  # every page has filters
    assert _bundle_files(tmp_path / "moved-index") == inline_files


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(FIXTURES / "search", copy)
    return copy


def inodes(out: Path) -> dict[str, int]:
    """The inode of each kept shard's metadata file, by shard: a shard not indexed again keeps it."""
    store = shard_store(out)
    assert store is not None
    return {meta.parent.name.split(".")[0]: meta.stat().st_ino for meta in store.glob("*/pagefind.*.pf_meta")}


def test_the_site_holds_one_merged_index_and_the_shards_stay_in_the_cache(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    # four Arabic pages in two shards of two, two English pages in one, kept out of the site
    assert sorted(inodes(out)) == ["ar-1-of-2", "ar-2-of-2", "en-1-of-1"]
    bundle = out / "pagefind"
    assert not [p for p in bundle.iterdir() if p.is_dir() and p.name not in ("index", "filter", "fragment")]
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == {"ar": 4, "en": 2}
    assert len(list((bundle / "fragment").iterdir())) == 6  # every page once
    for name in (
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-ui.js",
        "pagefind-ui.css",
        "wasm.ar.pagefind",
    ):
        assert (bundle / name).is_file(), name


def test_rebuild_indexes_only_the_shard_whose_article_changed(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = tmp_path / "shm"  # stands for /dev/shm: the copies go there, and nothing is left behind
    memory.mkdir()
    monkeypatch.setattr(shards, "SCRATCH_IN_MEMORY", (memory,))
    laid_out: list[Path] = []
    lay_out = shards._lay_out
    monkeypatch.setattr(shards, "_lay_out", lambda *args: laid_out.append(lay_out(*args)) or laid_out[-1])
    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    first = inodes(out)
    english = {p.name: p.stat().st_ino for p in (out / "pagefind" / "fragment").glob("en_*")}
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    assert inodes(out) == first  # nothing changed: every shard kept, none indexed
    article = site / "content" / "articles" / "shelling.ar.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nكلمة جديدة\n", encoding="utf-8")
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    second = inodes(out)
    assert second.keys() == first.keys()
    assert [name for name in first if second[name] != first[name]] == ["ar-1-of-2"]  # the shelling page's
    # the English index is not merged again: its files are the last build's (hard links)
    assert {p.name: p.stat().st_ino for p in (out / "pagefind" / "fragment").glob("en_*")} == english
    assert not list(tmp_path.glob(".pagefind-*")) and not list(tmp_path.glob(".search-shard*"))
    assert laid_out and all(folder.is_relative_to(memory) for folder in laid_out)
    assert not list(memory.iterdir())
    store = shard_store(out)
    assert (
        store is not None and len([p for p in store.iterdir() if p.is_dir()]) == 3
    )  # the replaced one is gone


def test_the_store_of_a_deleted_output_folder_goes_once_idle(site: Path, tmp_path: Path) -> None:
    """Shard stores are per output folder: one built once and deleted would stay in the cache for good."""
    gone, there, built = tmp_path / "gone", tmp_path / "there", tmp_path / "built"
    stores = {}
    for out in (gone, there):
        assert build_site(site, out, search=True).ok
        stores[out] = shard_store(out)
        assert (stores[out] / OWNER_FILE).read_text(encoding="utf-8") == str(out.resolve())
    shutil.rmtree(gone)
    assert build_site(site, built, search=True).ok
    assert stores[gone].is_dir()  # used a moment ago: a first build of `gone` may still be under way
    day_ago = time.time() - IDLE_SECONDS - 60
    for out in (gone, there):
        os.utime(stores[out] / OWNER_FILE, (day_ago, day_ago))
    assert build_site(site, built, search=True).ok
    assert not stores[gone].exists()
    assert stores[there].is_dir()  # idle as long, but its output folder is still there


def test_without_a_cache_folder_every_shard_is_indexed_and_nothing_is_left(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEGEN_CACHE_DIR", "")
    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    regions = search_regions(load_model(site, BuildOptions(search=True)))
    errors, indexed = index_search(out, ARTICLE_GLOB, limit=2, extra=regions)
    assert errors == [] and indexed == ["ar-1-of-2", "ar-2-of-2", "en-1-of-1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]


def test_index_in_place_reuses_its_own_shards(site: Path, tmp_path: Path) -> None:
    """The dev server indexes the folder it serves: unchanged shards are kept from that same folder."""
    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    regions = search_regions(load_model(site, BuildOptions(search=True)))
    assert regions  # the fixture's Arabic pages have normalized words
    errors, indexed = index_search(out, ARTICLE_GLOB, limit=2, extra=regions)
    assert errors == [] and indexed == []
    target = out / "articles" / "hama" / "index.html"
    html = target.read_text(encoding="utf-8")
    assert "</nav>" in html and 'class="article-body">' in html
    target.write_text(html.replace("</nav>", "<p>رابط جديد</p></nav>", 1), encoding="utf-8")
    errors, indexed = index_search(out, ARTICLE_GLOB, limit=2, extra=regions)
    assert errors == [] and indexed == []  # outside what Pagefind reads: nothing indexed again
    target.write_text(
        html.replace('class="article-body">', 'class="article-body"><p>إضافة</p>'), encoding="utf-8"
    )
    errors, indexed = index_search(out, ARTICLE_GLOB, limit=2, extra=regions)
    assert errors == [] and indexed == ["ar-2-of-2"]  # the hama page's


def test_a_build_without_its_cache_keeps_no_shards(site: Path, tmp_path: Path) -> None:
    """`sitegen build --no-cache`: every shard indexed in a temporary folder, nothing kept for later."""
    out = tmp_path / "public"
    built = build_site(site, out, search=True, search_shard_pages=2, cache=False)  # type: ignore[arg-type]
    assert built.ok, built.problems
    store = shard_store(out)
    assert store is not None and not store.exists()
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == {"ar": 4, "en": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]


def test_the_dev_servers_indexer_finds_an_edited_article_in_the_merged_index(
    site: Path, tmp_path: Path
) -> None:
    """`sitegen serve`: after an edit the background indexer rebuilds the shard and the merged index
    in the folder it serves, and the new word is in the index the browser loads."""
    import io
    import time

    from rich.console import Console

    from sitegen.search.merge import entry
    from sitegen.search.pagefind_files import BundleError, read_file
    from sitegen.serve.search import SearchIndexer

    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    before = entry(out / "pagefind")["languages"]["ar"]["hash"]
    regions = dict(search_regions(load_model(site, BuildOptions(search=True))))
    hama = Path("articles", "hama", "index.html")
    regions[hama] += "<div data-pagefind-body><p>كلمةجديدةتماما</p></div>"  # Pagefind reads body regions only
    indexer = SearchIndexer(out, Console(file=io.StringIO()), lambda: regions)
    indexer.request()

    def current() -> str | None:
        try:  # None while the new index is swapped in (a moment without pagefind/, as a browser may see)
            return str(entry(out / "pagefind")["languages"]["ar"]["hash"])
        except BundleError:
            return None

    deadline = time.monotonic() + 60
    while current() in (before, None) and time.monotonic() < deadline:
        time.sleep(0.2)
    indexer.stop()
    info = entry(out / "pagefind")["languages"]["ar"]
    assert info["hash"] != before and info["page_count"] == 4
    meta = read_file(out / "pagefind" / f"pagefind.{info['hash']}.pf_meta")
    words = {
        w[0]
        for _, _, chunk in meta[2]
        for w in read_file(out / "pagefind" / "index" / f"{chunk}.pf_index")[0]
    }
    assert any(word.startswith("كلمةجديد") for word in words)


def test_a_damaged_kept_shard_is_indexed_again_not_reported(site: Path, tmp_path: Path) -> None:
    """A shard in the cache damaged between builds (a disk, an interrupted copy): the build indexes every
    shard again, once, instead of failing until someone deletes the cache."""
    from sitegen.search.pagefind_files import read_file

    out = tmp_path / "public"
    assert build_site(site, out, search=True, search_shard_pages=2).ok  # type: ignore[arg-type]
    first = inodes(out)
    store = shard_store(out)
    assert store is not None
    chunk = next(store.glob("ar-1-of-2.*/index/*.pf_index"))
    chunk.write_bytes(chunk.read_bytes()[:40])
    (out / "pagefind" / "sitegen-index-keys.json").unlink()  # no language kept: every one merged
    built = build_site(site, out, search=True, search_shard_pages=2)  # type: ignore[arg-type]
    assert built.ok, built.problems
    assert sorted(inodes(out)) == sorted(first)
    # the damaged file was written again whole (same content, same name), every kept file reads
    assert read_file(chunk) and all(read_file(f) for f in store.glob("*/index/*.pf_index"))
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == {"ar": 4, "en": 2}
