"""The search index in shards: every article page goes, by a stable hash of its path, to one of a
power-of-two number of shards of its language, each shard indexed by its own Pagefind run; the shards
are then merged into the one Pagefind index the site publishes (merge.py).

Why shards: Pagefind holds a whole index in memory, and its memory grows faster than the page count
(1.6k pages: ~240 MiB, 16k: 2.4 GiB; out of memory past ~30k, upstream issue #842). One Pagefind run per
shard, one after the other, bounds the build's memory by the shard size instead of the archive's.

Why merged at build time: Pagefind ranks a page with its own index's word statistics (BM25: a word's
idf from how many of the index's pages hold it, a page's length against the index's average). Shards
merged in the browser (Pagefind's `mergeIndex`, what sitegen did before) were each ranked by their own:
at 10k the same top result as one index for 11-13 of 32 queries of bench/search.py, whether the shards
were years or hashes. Re-scoring in the browser needed Pagefind's undocumented internals. Merged into
one index, the pages, words, locations, filters and word counts are those of one Pagefind run over every
page (tests/test_search_merge.py), so the ranking is one index's.

Why a hash, not years: a new article changes one shard, never the boundaries of all; per-language
shards are of even size.
Why per language: Pagefind keeps one index per language anyway; a language's merged index is made
again only when one of its shards changed (the key of each language is in the bundle's INDEX_KEYS).
Why powers of two: a page's shard is its hash modulo the shard count, the smallest power of two whose
largest shard holds at most SHARD_PAGES pages. Adding or editing an article changes one shard's key;
only when the count doubles is every shard of that language indexed again (each splits in two).
Pagefind reads the indexer's copy of each page (search/reading.py: what Pagefind reads of it, the
`data-pagefind-body` regions and `data-pagefind-*` attributes, with the normalized words added for the
indexer), and a shard's key hashes those copies, not whole pages: a new backlink title or a changed
menu does not index a shard again.

Where things are: the shards, each a complete Pagefind bundle in a folder named `LANG-I-of-N.KEY`, in
the shard store (shard_store: sitegen's cache folder, not the site); `SITE/pagefind/` is one Pagefind
bundle, as Pagefind itself writes it, with INDEX_KEYS beside it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sitegen.errors import SiteError
from sitegen.search.merge import Merger
from sitegen.search.pagefind_files import BundleError
from sitegen.search.reading import indexer_page, page_language
from sitegen.search.store import (
    INDEX_KEYS,
    KEY_FILE,
    KEY_VERSION,
    Shard,
    claim,
    folder,
    forget,
    key_of,
    language_keys,
    old_keys,
    shard_store,
    sweep,
    usable,
)

# Measured on the 10k benchmark corpus (bench/search.py): Pagefind peaks at ~240 MiB for 1.6k pages and
# ~2.4 GiB for 16k; 4000 pages keeps one run well under 1 GiB, and a 100k-article archive (~160k pages)
# has 32 Arabic and 16 or 32 English shards (merged into one index: the browser never sees them).
SHARD_PAGES = 4000
BUNDLE = "pagefind"
UNUSED = (
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
SCRATCH_IN_MEMORY = (Path("/dev/shm"),)  # Linux's memory file system (GitHub's runners have it)


@dataclass(frozen=True)
class _Page:
    rel: Path
    lang: str
    place: int  # the stable hash of the page's path: its shard is place % count
    digest: bytes  # of what Pagefind reads of it, with what the indexer adds


def plan_shards(
    site: Path, files: Sequence[Path], limit: int = SHARD_PAGES, extra: Mapping[Path, str] | None = None
) -> list[Shard]:
    """Group `files` (relative to `site`) by language, then by a stable hash of their path into the
    smallest power-of-two number of shards whose largest holds at most `limit` pages (empty ones are
    left out). A shard's key covers the indexer's copies of its pages, with what `extra` adds."""
    extra = extra or {}
    by_lang: dict[str, list[_Page]] = {}
    for rel in files:  # one page in memory at a time (100k × 30 KB)
        page = _read(site, rel, extra.get(rel, ""))
        by_lang.setdefault(page.lang, []).append(page)
    indexer = _indexer_version()
    shards = []
    for lang in sorted(by_lang):
        pages = sorted(by_lang[lang], key=lambda p: p.rel.as_posix())
        count = _shard_count([p.place for p in pages], limit)
        groups: dict[int, list[_Page]] = {}
        for p in pages:
            groups.setdefault(p.place % count, []).append(p)
        for number, members in sorted(groups.items()):
            key = hashlib.sha256(f"{KEY_VERSION} {indexer} {lang} {number} {count}\n".encode())
            for p in members:
                key.update(p.digest)
            name = f"{lang}-{number + 1}-of-{count}"
            shards.append(Shard(name, tuple(p.rel for p in members), key.hexdigest(), lang))
    return shards


def _shard_count(places: Sequence[int], limit: int) -> int:
    """The smallest power of two that splits `places` into groups of at most `limit` (by place % count)."""
    count = 1
    while count < 1 << 24:  # 64-bit places: far beyond, every page has a shard of its own
        sizes: dict[int, int] = {}
        for place in places:
            sizes[place % count] = sizes.get(place % count, 0) + 1
        if max(sizes.values(), default=0) <= max(limit, 1):
            break
        count *= 2
    return count


def _read(site: Path, rel: Path, added: str) -> _Page:
    data = (site / rel).read_bytes()
    place = int.from_bytes(hashlib.blake2b(rel.as_posix().encode(), digest_size=8).digest(), "big")
    digest = hashlib.sha256(rel.as_posix().encode() + b"\0" + indexer_page(data, added.encode()))
    return _Page(rel, page_language(data), place, digest.digest())


def index_search(
    site: Path,
    glob: str,
    previous: Path | None = None,
    limit: int = SHARD_PAGES,
    extra: Mapping[Path, str] | None = None,
    keep: bool = True,
) -> tuple[list[SiteError], list[str]]:
    """Index the pages of `site` matching `glob` into `site/pagefind/`: shard by shard into the shard
    store of `previous` (the output folder the index is for, default: `site`; see shard_store), where a
    shard whose key has not changed is not indexed again, then the shards merged into one index
    (merge.py). A language whose shards have not changed keeps its merged index from
    `previous/pagefind/`. `keep` false: no store, every shard indexed in a temporary folder. `extra`: the
    pages to index, when not every one `glob` matches, with HTML to add to each (by its path relative to
    `site`) for the indexer only. Returns the errors (in plain words) and the shards indexed."""
    if extra is not None:  # the pages are named: no walk of the whole site (41k files at 10k: ~1 s)
        files = sorted(f for f in extra if _matches(f, glob) and (site / f).is_file())
    else:
        files = sorted(p.relative_to(site) for p in site.glob(glob) if p.is_file())
    if not files:  # Pagefind says what is wrong with an empty site in its own words
        return run_pagefind(site, site / BUNDLE, glob), []
    extra = extra or {}
    shards = plan_shards(site, files, limit, extra)
    output = previous if previous is not None else site
    kept = usable(shard_store(output)) if keep else None
    if kept is not None:
        claim(kept, output)
        sweep(kept, time.time())
    try:
        return _index(site, glob, shards, extra, output, kept, reuse=True)
    except BundleError:  # a kept shard (or the last index) was damaged: everything indexed again, once
        assert kept is not None
        shutil.rmtree(kept, ignore_errors=True)
        try:
            return _index(site, glob, shards, extra, output, usable(kept), reuse=False)
        except BundleError as exc:
            return [_merge_error(exc, kept)], []


def _merge_error(exc: Exception, kept: Path | None) -> SiteError:
    again = "build again" + (f"; if it fails again, delete {kept} and build again" if kept else "")
    hint = exc.hint if isinstance(exc, BundleError) and exc.hint else again
    return SiteError(None, None, f"the search index could not be put together from its shards: {exc}", hint)


def _index(
    site: Path,
    glob: str,
    shards: Sequence[Shard],
    extra: Mapping[Path, str],
    output: Path,
    kept: Path | None,
    reuse: bool,
) -> tuple[list[SiteError], list[str]]:
    """index_search with its shards planned: `kept` the shard store (None: a temporary one); `reuse`:
    languages whose shards did not change keep their files from `output/pagefind/`. Raises BundleError
    (without a hint) when a kept file cannot be read."""
    store = kept or Path(tempfile.mkdtemp(prefix=".search-shards-", dir=site.parent))
    bundle = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))
    scratch = Path(tempfile.mkdtemp(prefix=".search-shard-", dir=_scratch_parent(site)))
    try:
        stale = [s for s in shards if key_of(store / folder(s)) != s.key]
        # one shard and nothing to add: Pagefind reads the site itself, no scratch folder
        whole = glob if len(shards) == 1 and not extra else None
        keys, old = language_keys(shards), output / BUNDLE
        last = old_keys(old) if reuse else {}
        merger = Merger(bundle, {lang: old for lang, key in keys.items() if last.get(lang) == key})
        left = Counter(s.lang for s in stale)
        folders = {lang: [store / folder(s) for s in shards if s.lang == lang] for lang in keys}

        def indexed(shard: Shard) -> None:
            left[shard.lang] -= 1
            if left[shard.lang] <= 0:
                merger.ready(shard.lang, folders[shard.lang], busy=sum(left.values()) > 0)

        try:
            for lang in keys:
                if not left[lang]:
                    merger.ready(lang, folders[lang], busy=bool(stale))
            errors = _index_shards(site, stale, store, scratch, whole, extra, indexed)
            if errors:
                return errors, []
            merger.finish([store / folder(s) for s in shards])
        except BundleError as exc:
            if kept is not None and not exc.hint:
                raise
            return [_merge_error(exc, kept)], []
        except OSError as exc:
            return [_merge_error(exc, kept)], []
        finally:
            merger.close()
        (bundle / INDEX_KEYS).write_text(json.dumps(keys, sort_keys=True), encoding="utf-8")
        os.chmod(bundle, 0o755)  # mkdtemp makes 0700; a web server must be able to read it
        _replace(bundle, site / BUNDLE)
        forget(store, {folder(s) for s in shards})
    finally:
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
        if kept is None:
            shutil.rmtree(store, ignore_errors=True)
    return [], [s.name for s in stale]


def _matches(rel: Path, glob: str) -> bool:
    """Whether Path.glob(glob) would list `rel` (`**/` also matches no folder at all)."""
    text = rel.as_posix()
    return fnmatch.fnmatch(text, glob) or (glob.startswith("**/") and fnmatch.fnmatch(text, glob[3:]))


def _index_shards(
    site: Path,
    stale: Sequence[Shard],
    store: Path,
    scratch: Path,
    whole: str | None,
    extra: Mapping[Path, str],
    indexed: Callable[[Shard], None],
) -> list[SiteError]:
    """Pagefind over each shard in `stale`, one run at a time (memory), each into its folder in `store`.

    The CLI takes one folder: the indexer's copies of a shard's pages are laid out in a folder of their
    own under `scratch`, or, when `whole` is set, Pagefind reads the site with that glob. A helper thread makes the next shard's folder and removes the last one's while
    Pagefind runs: at 10k that file system work (32k files and folders made, as many removed) was
    seconds of wall time in which the indexer waited."""
    if not stale:
        return []
    with ThreadPoolExecutor(max_workers=1) as helper:
        ahead = helper.submit(_lay_out, site, stale[0], scratch / "0", extra) if whole is None else None
        for number, shard in enumerate(stale):
            copies = ahead.result() if ahead is not None else None
            if whole is None and number + 1 < len(stale):
                ahead = helper.submit(_lay_out, site, stale[number + 1], scratch / str(number + 1), extra)
            target = store / f".new-{folder(shard)}"
            shutil.rmtree(target, ignore_errors=True)
            errors = run_pagefind(site, target, whole) if copies is None else run_pagefind(copies, target)
            if copies is not None:
                helper.submit(shutil.rmtree, copies, ignore_errors=True)
            if errors:
                return errors  # Pagefind missing or failing fails every shard alike: once
            for name in UNUSED:
                (target / name).unlink(missing_ok=True)
            (target / KEY_FILE).write_text(shard.key, encoding="utf-8")
            shutil.rmtree(store / folder(shard), ignore_errors=True)  # a damaged one: no key file
            os.replace(target, store / folder(shard))
            indexed(shard)
    return []


def _scratch_parent(site: Path) -> Path:
    """Where the indexer's copies are laid out: a memory file system when there is one with room, else
    beside the site. Measured on this VM's ext4, 4,000 copies written and removed: 1.8–9 s of wall time
    and 0.6–1.7 s of system CPU (per file: a folder, a file, two removals); in /dev/shm 0.25 s. The
    copies are small (~8 KB a page: reading.py), so two shards' folders (the one being indexed, the
    next) hold ~70 MiB at 4,000 pages a shard."""
    for memory in SCRATCH_IN_MEMORY:
        try:
            if memory.is_dir() and os.access(memory, os.W_OK) and shutil.disk_usage(memory).free > 1 << 30:
                return memory
        except OSError:
            continue
    return site.parent


def _lay_out(site: Path, shard: Shard, folder: Path, extra: Mapping[Path, str]) -> Path:
    """`folder` holding the indexer's copy of each of the shard's pages at its path (reading.py), with
    its `extra` HTML."""
    for rel in shard.files:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(indexer_page((site / rel).read_bytes(), extra.get(rel, "").encode()))
    return folder


def _replace(new: Path, target: Path) -> None:
    """`target` becomes `new`; the old one is removed after the swap (the dev server serves it meanwhile)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".pagefind-old-", dir=target.parent.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _indexer_version() -> str:
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "?"


def run_pagefind(site: Path, output: Path, glob: str | None = None) -> list[SiteError]:
    """The Pagefind CLI over `site` into `output`; its failure in plain words (never a traceback)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output), "--silent"]
    if glob:
        cmd += ["--glob", glob]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [
            SiteError(
                None,
                None,
                f"the search indexer (Pagefind) could not run: {exc}",
                "reinstall sitegen (pip install -e .) or build with --no-search",
            )
        ]
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        missing = "No module named pagefind" in proc.stderr
        return [
            SiteError(
                None,
                None,
                "the search indexer (Pagefind) is not installed"
                if missing
                else "the search indexer (Pagefind) failed: " + " / ".join(detail),
                "install it with: pip install 'pagefind[bin]', or build with --no-search",
            )
        ]
    return []
