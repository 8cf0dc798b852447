"""The search index in shards: every article page goes, by a stable hash of its path, to one of a
power-of-two number of shards of its language, each shard a separate Pagefind index that the browser
merges at query time (search.js, Pagefind's `mergeIndex`).

Why shards: Pagefind holds a whole index in memory, and its memory grows faster than the page count
(1.6k pages: ~240 MiB, 16k: 2.4 GiB; out of memory past ~30k, upstream issue #842). One Pagefind run per
shard, one after the other, bounds the build's memory by the shard size instead of the archive's.

Why a hash, not years: Pagefind ranks a page with its own index's word statistics (BM25: a word's idf
from how many of the index's pages hold it, a page's length against the index's average), and the
browser merges the shards' results by those scores. Shards of consecutive years had very different
statistics (a word frequent in one year is rare in another). A hash makes every shard a uniform sample
of its language's pages: the average page length is the archive's, and a word's share of pages is the
archive's up to sampling noise. That noise is what remains, and for words on nearly every page it is
large: the idf of a word missing from 3 % of pages rests on the ~80 pages of a 2,500-page shard that
lack it, ±10 %, more than the score gaps between the top pages. Measured at 10k on bench/search.py's
query set (mostly such words in the generated corpus), against one index over the same pages: same top
result 12/32 with years, 13/32 with the hash (English 3/11 → 7/11: two shards, not slices of five;
Arabic 9/21 → 6/21, two of them the year-filtered queries, exact with years since one shard held the
year); mean top-5 overlap 2.09 → 1.81, top-10 4.31 → 3.97; result counts equal; the merged top result
scores ≥ 0.964 of the best in the one index. So on this query set it is no closer: the hash was kept for
what it does to the build (a new article changes one shard, never the boundaries of all; per-language
shards of even size). Exact equality needs the archive's statistics in every shard, which Pagefind's
index format has no place for. Re-scoring the merged results in the browser with the archive's statistics
does give it (bench/search_rerank.py, 2026-11-30: same top result 11/32 -> 32/32, top-5 overlap 5/5), but
only through Pagefind's playground mode, reachable through its undocumented internals and on the main
thread, at +92-128 ms median per search at 10k (x1.23-1.29, worst +482 ms): not shipped.
Why per language: Pagefind keeps one index per language anyway, and the browser merges only the
shards of the page's language; a language with few pages then has one shard (exactly one index's
ranking) instead of a thin slice of every shard.
Why powers of two: a page's shard is its hash modulo the shard count, the smallest power of two whose
largest shard holds at most SHARD_PAGES pages. Adding or editing an article changes one shard's key;
only when the count doubles is every shard of that language indexed again (each splits in two).
Pagefind reads the indexer's copy of each page (search/reading.py: what Pagefind reads of it, the
`data-pagefind-body` regions and `data-pagefind-*` attributes, with the normalized words added for the
indexer), and a shard's key hashes those copies, not whole pages: a new backlink title or a changed
menu does not index a shard again.

Layout of `SITE/pagefind/`: one folder per shard (a complete Pagefind bundle) named `LANG-I-of-N`,
`shards.json` listing them with their languages (of the shards that have the page's language, the
first is the primary index and the others are merged into it), and the Default UI's files once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sitegen.errors import SiteError
from sitegen.search.reading import indexer_page, page_language

# Measured on the 10k benchmark corpus (bench/search.py): Pagefind peaks at ~240 MiB for 1.6k pages and
# ~2.4 GiB for 16k; 4000 pages keeps one run well under 1 GiB, and a 100k-article archive (~160k pages)
# has 32 Arabic and 16 or 32 English shards, of which a search page merges only its language's (each
# merged index costs the browser a few small requests per query).
SHARD_PAGES = 4000
BUNDLE = "pagefind"
MANIFEST = "shards.json"
KEY_FILE = "sitegen-shard-key"
# the Default UI, needed once beside the shards; everything else Pagefind writes belongs to one shard
UI_FILES = ("pagefind-ui.js", "pagefind-ui.css")
UNUSED = (
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)
SCRATCH_IN_MEMORY = (Path("/dev/shm"),)  # Linux's memory file system (GitHub's runners have it)
KEY_VERSION = "2"  # bump when the shard layout or the way pages are fed to Pagefind changes


@dataclass(frozen=True)
class Shard:
    name: str  # the shard's folder under pagefind/: "ar-1-of-4", "en-1-of-1"…
    files: tuple[Path, ...]  # relative to the site
    key: str  # hash of the indexer's copies of the pages (and of the indexer's version)


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
            shards.append(Shard(name, tuple(p.rel for p in members), key.hexdigest()))
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
) -> tuple[list[SiteError], list[str]]:
    """Index the pages of `site` matching `glob` into `site/pagefind/`, shard by shard; a shard whose key
    matches the one in `previous/pagefind/` (the last build's output, default: `site` itself) is copied
    from there (hard links), not indexed again. `extra`: the pages to index, when not every one `glob`
    matches, with HTML to add to each (by its path relative to `site`) for the indexer only. Returns the
    errors (in plain words) and the shards indexed."""
    files = sorted(p.relative_to(site) for p in site.glob(glob) if p.is_file())
    if extra is not None:
        files = [f for f in files if f in extra]
    if not files:  # Pagefind says what is wrong with an empty site in its own words
        return run_pagefind(site, site / BUNDLE, glob), []
    extra = extra or {}
    shards = plan_shards(site, files, limit, extra)
    old_bundle = (previous if previous is not None else site) / BUNDLE
    bundle = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))
    scratch = Path(tempfile.mkdtemp(prefix=".search-shard-", dir=_scratch_parent(site)))
    try:
        stale = []
        for shard in shards:
            if _key(old_bundle / shard.name) == shard.key:
                shutil.copytree(old_bundle / shard.name, bundle / shard.name, copy_function=_link)
            else:
                stale.append(shard)
        # one shard and nothing to add: Pagefind reads the site itself, no scratch folder
        whole = glob if len(shards) == 1 and not extra else None
        errors = _index_shards(site, stale, bundle, scratch, whole, extra)
        if errors:
            return errors, []
        _move_ui(bundle, shards[0].name, old_bundle)
        listed = [{"name": s.name, "languages": _languages(bundle / s.name)} for s in shards]
        (bundle / MANIFEST).write_text(json.dumps({"shards": listed}, ensure_ascii=False), encoding="utf-8")
        os.chmod(bundle, 0o755)  # mkdtemp makes 0700; a web server must be able to read it
        _replace(bundle, site / BUNDLE)
    finally:
        shutil.rmtree(bundle, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)
    return [], [s.name for s in stale]


def _index_shards(
    site: Path,
    stale: Sequence[Shard],
    bundle: Path,
    scratch: Path,
    whole: str | None,
    extra: Mapping[Path, str],
) -> list[SiteError]:
    """Pagefind over each shard in `stale`, one run at a time (memory), each into `bundle/NAME`.

    The CLI takes one folder: the indexer's copies of a shard's pages are laid out in a folder of their
    own under `scratch`, or, when `whole` is set, Pagefind reads the site with that glob. A helper thread makes the next shard's folder and removes the last one's while
    Pagefind runs: at 10k that file system work (32k files and folders made, as many removed) was
    seconds of wall time in which the indexer waited."""
    if not stale:
        return []
    with ThreadPoolExecutor(max_workers=1) as helper:
        ahead = helper.submit(_lay_out, site, stale[0], scratch / "0", extra) if whole is None else None
        for number, shard in enumerate(stale):
            folder = ahead.result() if ahead is not None else None
            if whole is None and number + 1 < len(stale):
                ahead = helper.submit(_lay_out, site, stale[number + 1], scratch / str(number + 1), extra)
            target = bundle / shard.name
            errors = run_pagefind(site, target, whole) if folder is None else run_pagefind(folder, target)
            if folder is not None:
                helper.submit(shutil.rmtree, folder, ignore_errors=True)
            if errors:
                return errors  # Pagefind missing or failing fails every shard alike: once
            for name in UNUSED:
                (target / name).unlink(missing_ok=True)
            (target / KEY_FILE).write_text(shard.key, encoding="utf-8")
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


def _move_ui(bundle: Path, first: str, old_bundle: Path) -> None:
    """The Default UI's files, once, beside the shards (from a freshly indexed shard, or the last build)."""
    for name in UI_FILES:
        source = bundle / first / name
        if source.exists():
            os.replace(source, bundle / name)
        elif (old_bundle / name).exists():
            _link(old_bundle / name, bundle / name)
    for shard in bundle.iterdir():
        for name in UI_FILES:
            if shard.is_dir():
                (shard / name).unlink(missing_ok=True)


def _replace(new: Path, target: Path) -> None:
    """`target` becomes `new`; the old one is removed after the swap (the dev server serves it meanwhile)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=".pagefind-old-", dir=target.parent.parent))
        os.replace(target, old / target.name)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _languages(shard: Path) -> list[str]:
    """The languages a shard has an index for: the browser merges, for a page in one language, only the
    shards that have it (Pagefind would search another language's index in their place)."""
    entry = json.loads((shard / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sorted(entry.get("languages", {}))


def _key(shard: Path) -> str | None:
    try:
        return (shard / KEY_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


def _link(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """A hard link (no bytes copied); a copy where the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


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
