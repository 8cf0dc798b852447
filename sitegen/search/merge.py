"""The search shards merged into one Pagefind bundle, at build time.

Pagefind ranks a page with its own index's word statistics (BM25: how many of the index's pages hold a
word, a page's length against the index's average). Shards merged in the browser (`mergeIndex`) are each
ranked by their own statistics, so the merged list differed from one index's: the same top result for
11 of 32 queries at 10k (docs/performance.md). Merged here, the shards become one index: the same words,
pages, locations, filters and metadata as one Pagefind run over every page, hence the same ranking;
and each Pagefind run still holds only one shard in memory (shards.py).

A language's merge (merge_language) is a streaming merge of its shards' sorted word chunks (memory: one
chunk of each shard, the page list and the filters, never a whole word index); languages are merged
apart, so that one can be merged while Pagefind indexes the next (shards.py), and an unchanged one
taken as it was (reuse_language). The file format is in pagefind_files.py.
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import itertools
import json
import multiprocessing
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from sitegen.search.pagefind_files import (
    BundleError,
    Chunk,
    Run,
    array_header,
    encode,
    link,
    pack,
    read_file,
    unique_name,
)

# Pagefind closes a word chunk once its pages' locations (plus one a page) reach this: ~40-80 KB sent
CHUNK_LOCATIONS = 20_000
# what a bundle holds besides its index: the same files in every shard of one Pagefind version
SHARED_FILES = ("pagefind.js", "pagefind-worker.js", "pagefind-ui.js", "pagefind-ui.css")
FOLDERS = ("index", "filter", "fragment")


@dataclass(frozen=True)
class _Shard:
    folder: Path
    meta: list[Any]  # the shard's pf_meta, decoded
    offset: int  # its first page's number in the merged index
    fields: tuple[int, ...]  # its metadata field numbers in the merged list, by its own


def merge_bundles(shards: Sequence[Path], target: Path, reuse: Mapping[str, Path] | None = None) -> None:
    """One Pagefind bundle in `target` (a new folder) holding every language of every bundle in
    `shards`: a language's pages are numbered shard after shard, in that order. A language in `reuse`
    is taken as it is from that earlier merged bundle (its shards have not changed since)."""
    start_bundle(target)
    infos = {}
    for lang in languages(shards):
        old = (reuse or {}).get(lang)
        info = reuse_language(lang, old, target) if old is not None else None
        infos[lang] = info if info is not None else merge_language(lang, shards, target)
    finish_bundle(shards, target, infos)


def languages(bundles: Sequence[Path]) -> list[str]:
    return sorted({lang for folder in bundles for lang in entry(folder)["languages"]})


def merge_languages(bundles: Sequence[Path], target: Path) -> dict[str, dict[str, Any]]:
    """Every language of `bundles` merged into `target` (merge_language); their entries."""
    # without the cycle collector: a merge makes millions of short-lived lists, none in a cycle, and in
    # the build's process each collection walked the model's objects too (10k: 2.5 s became 7.7 s)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return {lang: merge_language(lang, bundles, target) for lang in languages(bundles)}
    finally:
        if collecting:
            gc.enable()


def start_bundle(target: Path) -> None:
    for folder in (target, *(target / name for name in FOLDERS)):
        folder.mkdir(parents=True, exist_ok=True)


class Merger:
    """Merges each language into `target` as soon as its shards are ready: in a worker process while
    Pagefind still has shards to index (it leaves most of a second core idle), else here. A language
    in `reuse` is taken from that earlier merged bundle instead, if it holds it."""

    def __init__(self, target: Path, reuse: Mapping[str, Path]) -> None:
        self.target, self.reuse = target, reuse
        self.infos: dict[str, dict[str, Any]] = {}
        self.pending: list[Future[dict[str, dict[str, Any]]]] = []
        self.pool: ProcessPoolExecutor | None = None
        start_bundle(target)

    def ready(self, lang: str, shards: Sequence[Path], busy: bool) -> None:
        """The shards of `lang` are indexed; `busy`: Pagefind has more shards to index."""
        old = self.reuse.get(lang)
        info = reuse_language(lang, old, self.target) if old is not None else None
        if info is not None:
            self.infos[lang] = info
        elif busy:
            # spawned, not forked: the build's process is large and runs threads
            self.pool = self.pool or ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self.pending.append(self.pool.submit(merge_languages, shards, self.target))
        else:
            self.infos.update(merge_languages(shards, self.target))

    def finish(self, shards: Sequence[Path]) -> None:
        """Waits for the worker, then writes the bundle's entry file (finish_bundle)."""
        for future in self.pending:
            self.infos.update(future.result())
        finish_bundle(shards, self.target, self.infos)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def finish_bundle(shards: Sequence[Path], target: Path, languages: Mapping[str, dict[str, Any]]) -> None:
    """The bundle's entry file, naming each language's merged index, and Pagefind's code."""
    entries = [entry(folder) for folder in shards]
    if not entries:
        raise BundleError("no search shard to merge")
    versions = {e["version"] for e in entries}
    if len(versions) != 1:
        raise BundleError(f"search shards of different Pagefind versions: {', '.join(sorted(versions))}")
    merged = {k: v for k, v in entries[0].items() if k != "languages"}
    merged["languages"] = dict(sorted(languages.items()))
    for folder in shards:
        for file in [*SHARED_FILES, *(wasm.name for wasm in folder.glob("wasm.*.pagefind"))]:
            if (folder / file).exists() and not (target / file).exists():
                link(folder / file, target / file)
    (target / "pagefind-entry.json").write_text(
        json.dumps(merged, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )


def entry(folder: Path) -> dict[str, Any]:
    """A bundle's `pagefind-entry.json`."""
    try:
        found: dict[str, Any] = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BundleError(f"{folder}: no readable pagefind-entry.json ({exc})") from exc
    return found


def reuse_language(lang: str, old: Path, target: Path) -> dict[str, Any] | None:
    """A language's files linked from an earlier merged bundle; its entry, or None if that bundle does
    not hold it whole (it is then merged again)."""
    try:
        info: dict[str, Any] = entry(old)["languages"][lang]
        files = [old / f"pagefind.{info['hash']}.pf_meta"]
        for folder in FOLDERS:
            files += (old / folder).glob(f"{lang}_*")
        for file in files:
            link(file, target / file.relative_to(old))
    except (BundleError, KeyError, TypeError, OSError):
        for file in (file for folder in FOLDERS for file in (target / folder).glob(f"{lang}_*")):
            file.unlink()
        return None
    return info


def merge_language(lang: str, bundles: Sequence[Path], target: Path) -> dict[str, Any]:
    """The merged index of one language of `bundles` written into `target` (start_bundle); returns its
    entry in `pagefind-entry.json`."""
    holding = [
        (folder, e["languages"][lang]) for folder in bundles if lang in (e := entry(folder))["languages"]
    ]
    metas = [read_file(folder / f"pagefind.{info['hash']}.pf_meta") for folder, info in holding]
    for (folder, _), meta in zip(holding, metas, strict=True):
        if len(meta) != 6:
            raise BundleError(f"{folder}: a search index of an unknown layout")
        if meta[4]:  # only the order of the pages is stored, not the values: shards cannot be merged
            raise BundleError(
                "a template marks pages with data-pagefind-sort (results sorted by a value), which the "
                "search index, built in shards and merged, does not support",
                "remove data-pagefind-sort from the site's templates",
            )
    fields = sorted({field for meta in metas for field in meta[5]})
    shards, pages, offset = [], [], 0
    fragments: dict[str, bytes] = {}  # fragment name → its digest, for collisions between shards
    for (folder, _), meta in zip(holding, metas, strict=True):
        shards.append(_Shard(folder, meta, offset, tuple(fields.index(f) for f in meta[5])))
        for fragment, words in meta[1]:
            pages.append([_fragment(folder, fragment, target, fragments), words])
        offset += len(meta[1])
    chunks = _write_words(lang, shards, target)
    filters = _write_filters(lang, shards, target)
    data = encode([metas[0][0], pages, chunks, filters, [], fields])
    name = f"{lang}_{hashlib.sha256(data).hexdigest()[:10]}"
    (target / f"pagefind.{name}.pf_meta").write_bytes(data)
    return {**holding[0][1], "hash": name, "page_count": len(pages)}


def _fragment(folder: Path, name: str, target: Path, seen: dict[str, bytes]) -> str:
    """The fragment `name` of a shard linked into `target`, under a longer name if another shard's
    fragment took that one (Pagefind names a fragment by the first 7 hex digits of a hash)."""
    source = folder / "fragment" / f"{name}.pf_fragment"
    digest = hashlib.sha256(source.read_bytes()).digest()
    chosen, extra = name, 0
    while chosen in seen and seen[chosen] != digest:
        extra += 1
        chosen = f"{name}{digest.hex()[:extra]}"
    if chosen not in seen:
        seen[chosen] = digest
        link(source, target / "fragment" / f"{chosen}.pf_fragment")
    return chosen


Runs = list[tuple[_Shard, Run]]


def _words(shard: _Shard, number: int) -> Iterator[tuple[str, int, Runs, list[tuple[str, Runs]]]]:
    """A shard's words in order, chunk by chunk: (word, shard number, its pages, its variants' pages)."""
    for _, _, name in shard.meta[2]:
        for word, pages, variants in Chunk(shard.folder / "index" / f"{name}.pf_index", shard.fields).words():
            yield (
                word,
                number,
                [(shard, r) for r in pages],
                [(v, [(shard, r) for r in p]) for v, p in variants],
            )


def _pages(runs: Runs) -> bytes:
    """The CBOR of one merged page list: each run's first page given its gap from the run before."""
    pieces = [array_header(sum(run.count for _, run in runs))]
    last = 0
    for shard, run in runs:
        number = shard.offset + run.first[0]
        pieces.append(cbor2.dumps([number - last, run.first[1], run.first[2]]))
        pieces.append(run.rest)
        last = shard.offset + run.last
    return b"".join(pieces)


def _write_words(lang: str, shards: Sequence[_Shard], target: Path) -> list[list[str]]:
    """The word index of `shards` as one, in chunks; returns the meta's chunk list. A thread compresses
    and writes the chunks (zlib lets go of the interpreter) while the next are merged."""
    chunks: list[list[str]] = []
    writing: deque[tuple[list[str], Future[str]]] = deque()
    words: list[bytes] = []
    first_word = ""
    size = 0
    word: str | None = None
    runs: Runs = []
    variants: dict[str, Runs] = {}

    def close(writer: ThreadPoolExecutor, last: bool = False) -> None:
        nonlocal words, size, first_word
        if word is not None:
            if not words:
                first_word = word
            pieces = [b"\x83", cbor2.dumps(word), _pages(runs), array_header(len(variants))]
            for variant, variant_runs in variants.items():
                pieces += [b"\x82", cbor2.dumps(variant), _pages(variant_runs)]
            words.append(b"".join(pieces))
            size += sum(run.size for _, run in runs)  # variants are not counted, as Pagefind does
        if words and (size >= CHUNK_LOCATIONS or last):
            chunk = [first_word, word or "", ""]
            writing.append((chunk, writer.submit(_write_chunk, lang, words, target)))
            chunks.append(chunk)
            words, size = [], 0
        while writing and (len(writing) > 4 or last):  # a few chunks in memory at most
            chunk, name = writing.popleft()
            chunk[2] = name.result()

    streams = [_words(shard, number) for number, shard in enumerate(shards)]
    with ThreadPoolExecutor(1) as writer:
        for text, _, pages, shard_variants in heapq.merge(*streams, key=lambda item: (item[0], item[1])):
            if text != word:
                close(writer)
                word, runs, variants = text, [], {}
            runs += pages
            for variant, variant_runs in shard_variants:
                variants.setdefault(variant, []).extend(variant_runs)
        close(writer, last=True)
    for before, after in itertools.pairwise(chunks):
        to, after[0] = _prefixes(before[1], after[0])
        # never shorter than the chunk's first word (a chunk of one word keeps it whole), as Pagefind does
        before[1] = to if to >= before[0] else before[1]
    return chunks


def _write_chunk(lang: str, words: list[bytes], target: Path) -> str:
    data = pack(array_header(1) + array_header(len(words)) + b"".join(words))
    name = unique_name(lang, data, target / "index", ".pf_index")
    (target / "index" / f"{name}.pf_index").write_bytes(data)
    return name


def _prefixes(a: str, b: str) -> tuple[str, str]:
    """The shortest prefixes of neighbouring chunks' last and first words that differ (Pagefind's rule):
    a query term is looked up in the chunks whose range it falls in."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return a[: common + 1], b[: common + 1]


def _write_filters(lang: str, shards: Sequence[_Shard], target: Path) -> list[list[str]]:
    values: dict[str, dict[str, list[int]]] = {}
    for shard in shards:
        for name, file in shard.meta[3]:
            filter_name, pairs = read_file(shard.folder / "filter" / f"{file}.pf_filter")
            if filter_name != name:
                raise BundleError(f"{shard.folder}: filter file {file} is not {name!r}")
            by_value = values.setdefault(name, {})
            for value, pages in pairs:
                by_value.setdefault(value, []).extend(shard.offset + page for page in pages)
    listed = []
    for name in sorted(values):
        data = encode([name, [[value, pages] for value, pages in sorted(values[name].items())]])
        file = unique_name(lang, data, target / "filter", ".pf_filter")
        (target / "filter" / f"{file}.pf_filter").write_bytes(data)
        listed.append([name, file])
    return listed
