"""Shards merged into one index (sitegen/search/merge.py) hold what one Pagefind run over the same pages
holds: the same words and spelling variants with the same locations on the same pages, the same word
counts, filters and metadata fields, cut into the same chunks. So the browser ranks them alike."""

from __future__ import annotations

import gzip
import json
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2
import pytest

from sitegen.search import run_pagefind
from sitegen.search.merge import merge_bundles
from sitegen.search.pagefind_files import BundleError, read_file
from sitegen.search.shards import index_search

WORDS = ["القصف", "المدفعي", "على", "الأحياء", "السكنية", "في", "مدينة", "حماة", "وريفها", "الشمالي"]


def write_page(root: Path, number: int, lang: str, meta: dict[str, str], filters: dict[str, str]) -> None:
    """A page with words repeated by its number (so pages differ in length and word counts), Arabic
    words with and without hamza and tashkeel (Pagefind keeps spelling variants of one stem)."""
    words = WORDS if lang == "ar" else ["shelling", "of", "the", "northern", "city", "and", "its", "villages"]
    text = " ".join(words[(number + i) % len(words)] for i in range(5 + 7 * number))
    if lang == "ar":
        text += " أَحْياء الأحياء" if number % 2 else " احياء"
    metas = "".join(f'<span data-pagefind-meta="{k}">{v}</span>' for k, v in meta.items())
    spans = "".join(f'<span data-pagefind-filter="{k}">{v}</span>' for k, v in filters.items())
    rel = root / ("" if lang == "ar" else lang) / f"p{number}" / "index.html"
    rel.parent.mkdir(parents=True, exist_ok=True)
    rel.write_text(
        f'<html lang="{lang}"><body><main data-pagefind-body><h1>{number} {words[number % 3]}</h1>'
        f"<p>{text}</p>{metas}{spans}</main></body></html>",
        encoding="utf-8",
    )


def pages(root: Path, numbers: range) -> None:
    for n in numbers:
        lang = "en" if n % 4 == 3 else "ar"
        # the metadata fields differ from page to page: a shard may not know every one (merge renumbers)
        meta = {"title": f"t{n}"} | ({"date": f"2020-01-{n % 28 + 1:02d}"} if n % 3 else {})
        meta |= {"zone": f"z{n % 2}"} if n >= 8 else {}
        write_page(root, n, lang, meta, {"year": str(2010 + n % 3), "tag": f"tag{n % 4}"})


def canonical(bundle: Path) -> dict[str, Any]:
    """An index by URL instead of page number and hash: what the browser's ranking reads."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = {"version": entry["version"]}
    for lang, info in entry["languages"].items():
        meta = read_file(bundle / f"pagefind.{info['hash']}.pf_meta")
        urls = []
        for fragment, _ in meta[1]:
            data = gzip.decompress((bundle / "fragment" / f"{fragment}.pf_fragment").read_bytes())
            urls.append(json.loads(data[data.index(b"{") :])["url"])
        fields = meta[5]
        words: dict[object, dict[str, object]] = {}
        for _, _, chunk in meta[2]:
            for word, word_pages, variants in read_file(bundle / "index" / f"{chunk}.pf_index")[0]:
                for key, listed in [(word, word_pages), *(((word, v), p) for v, p in variants)]:
                    number = 0
                    for gap, locations, meta_locations in listed:
                        number += gap
                        named = [fields[-v - 1] if v < 0 else v for v in meta_locations]
                        words.setdefault(key, {})[urls[number]] = (locations, named)
        found[lang] = {
            "page_count": info["page_count"],
            "word_counts": {urls[i]: count for i, (_, count) in enumerate(meta[1])},
            "words": words,
            "chunks": [(a, b) for a, b, _ in meta[2]],
            "filters": {
                name: {
                    value: sorted(urls[i] for i in listed)
                    for value, listed in read_file(bundle / "filter" / f"{file}.pf_filter")[1]
                }
                for name, file in meta[3]
            },
            "fields": sorted(fields),
        }
    return found


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("merge")
    pages(root / "all", range(16))
    shards = []
    for number, members in enumerate((range(5), range(5, 8), range(8, 16))):
        pages(root / f"site-{number}", members)
        assert run_pagefind(root / f"site-{number}", root / f"shard-{number}") == []
        shards.append(root / f"shard-{number}")
    assert run_pagefind(root / "all", root / "one") == []
    return root / "one", shards


def test_merged_shards_hold_what_one_index_holds(indexes: tuple[Path, list[Path]], tmp_path: Path) -> None:
    one, shards = indexes
    merge_bundles(shards, tmp_path / "merged")
    merged, expected = canonical(tmp_path / "merged"), canonical(one)
    assert merged["ar"]["fields"] == ["date", "title", "zone"]  # the first shard knew two of them
    assert any(isinstance(key, tuple) for key in merged["ar"]["words"])  # spelling variants are there
    assert merged == expected
    assert (tmp_path / "merged" / "pagefind.js").is_file()
    assert (tmp_path / "merged" / "wasm.ar.pagefind").is_file()


def test_the_chunks_are_cut_where_pagefind_cuts_them(tmp_path: Path) -> None:
    """Enough words for several chunks: every chunk boundary and its prefixes as Pagefind's own."""
    for n in range(60):
        text = " ".join(f"w{n}x{i} common" for i in range(400))
        for folder in ("all", "first" if n < 25 else "second"):
            page = tmp_path / folder / "en" / f"p{n}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(
                f'<html lang="en"><body><main data-pagefind-body><p>{text}</p></main></body></html>',
                encoding="utf-8",
            )
    for name in ("all", "first", "second"):
        assert run_pagefind(tmp_path / name, tmp_path / f"index-{name}") == []
    merge_bundles([tmp_path / "index-first", tmp_path / "index-second"], tmp_path / "merged")
    merged, one = canonical(tmp_path / "merged"), canonical(tmp_path / "index-all")
    assert len(one["en"]["chunks"]) > 3
    assert merged == one


def test_a_language_of_an_earlier_merge_is_reused_as_it_is(
    indexes: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    _, shards = indexes
    merge_bundles(shards, tmp_path / "first")
    merge_bundles(shards, tmp_path / "second", {"en": tmp_path / "first"})
    assert canonical(tmp_path / "second") == canonical(tmp_path / "first")
    for file in (tmp_path / "second").rglob("*_*"):
        earlier = tmp_path / "first" / file.relative_to(tmp_path / "second")
        linked = file.stat().st_ino == earlier.stat().st_ino
        # English: the earlier files themselves; Arabic: merged again (the same bytes, new files),
        # except the fragments, which both link from the shards
        assert linked == ("en_" in file.name or file.parent.name == "fragment"), file


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: gzip.compress(b"not an index"),  # another kind of file
        lambda data: data[: len(data) // 2],  # cut short: gzip fails
        lambda data: gzip.compress(gzip.decompress(data)[:200]),  # cut short inside: CBOR fails
        lambda data: gzip.compress(b"pagefind_dcd" + cbor2.dumps([[["word", 3, []]]])),  # not a page list
    ],
    ids=["other", "truncated", "truncated-cbor", "wrong-shape"],
)
def test_a_damaged_shard_is_an_error_not_a_wrong_index(
    indexes: tuple[Path, list[Path]], tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    _, shards = indexes
    damaged = tmp_path / "damaged"
    shutil.copytree(shards[1], damaged)
    chunk = max((damaged / "index").iterdir(), key=lambda p: p.stat().st_size)
    chunk.write_bytes(damage(chunk.read_bytes()))
    with pytest.raises(BundleError, match=r"not a Pagefind index file|damaged"):
        merge_bundles([shards[0], damaged], tmp_path / "merged")


def test_pages_sorted_by_a_value_are_refused_with_a_fix(tmp_path: Path) -> None:
    """Pagefind stores a sort as an order of pages, not values: shards cannot be merged. The build says
    what to change instead of publishing a wrong order."""
    for n in range(4):
        page = tmp_path / "site" / f"p{n}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<html lang="en"><body><main data-pagefind-body><p>word {n}</p>'
            f'<span data-pagefind-sort="weight">{n}</span></main></body></html>',
            encoding="utf-8",
        )
    errors, _ = index_search(tmp_path / "site", "**/index.html", limit=2)
    assert len(errors) == 1
    assert "data-pagefind-sort" in errors[0].message
    assert errors[0].hint == "remove data-pagefind-sort from the site's templates"
    error = pickle.loads(pickle.dumps(BundleError("message", "the fix")))  # as a merge worker sends it
    assert (str(error), error.hint) == ("message", "the fix")


def test_two_shards_pages_with_the_same_short_name_both_stay(
    indexes: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """Pagefind names a page's record by 7 hex digits of its hash: two shards may use one name for two
    different pages. The merged index keeps both, under longer names."""
    _, shards = indexes
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(shards[0], first)
    shutil.copytree(shards[1], second)
    taken = next((first / "fragment").glob("ar_*")).stem
    renamed = next((second / "fragment").glob("ar_*"))
    renamed.rename(renamed.with_name(f"{taken}.pf_fragment"))
    entry = json.loads((second / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta_file = second / f"pagefind.{entry['languages']['ar']['hash']}.pf_meta"
    meta = read_file(meta_file)
    meta[1] = [[taken if h == renamed.stem else h, n] for h, n in meta[1]]
    meta_file.write_bytes(gzip.compress(b"pagefind_dcd" + cbor2.dumps(meta)))
    merge_bundles([first, second], tmp_path / "merged")
    urls = canonical(tmp_path / "merged")["ar"]["word_counts"]
    assert len(urls) == len(canonical(first)["ar"]["word_counts"]) + len(
        canonical(second)["ar"]["word_counts"]
    )
