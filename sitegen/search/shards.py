"""The search index in shards: consecutive years of article pages, at most SHARD_PAGES pages each, every
shard a separate Pagefind index that the browser merges at query time (search.js, Pagefind's `mergeIndex`).

Why shards: Pagefind holds a whole index in memory, and its memory grows faster than the page count
(1.6k pages: ~240 MiB, 16k: 2.4 GiB; out of memory past ~30k, upstream issue #842). One Pagefind run per
shard, one after the other, bounds the build's memory by the shard size instead of the archive's.
Why years: an archive grows at its newest end, so the shards of older years keep their pages, their key
(a hash of those pages' bytes) and their index; the next build copies them from the previous output
instead of indexing them again.

Layout of `SITE/pagefind/`: one folder per shard (a complete Pagefind bundle), `shards.json` listing them
with their languages (of the shards that have the page's language, the first is the primary index and the
others are merged into it), and the Default UI's files once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
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

# Measured on the 10k benchmark corpus (bench/search.py): Pagefind peaks at ~240 MiB for 1.6k pages and
# ~2.4 GiB for 16k; 4000 pages keeps one run well under 1 GiB while a 100k archive still needs only ~40
# shards (each merged index costs the browser a few small requests per query).
SHARD_PAGES = 4000
# Pagefind runs at a time. Measured at 10k (5 shards, 2 cores, interleaved with Pagefind alone over the
# whole site: 21–36 s, 2.1–2.3 GiB): one at a time 46 s and ~550 MiB; two at a time 37–55 s and ~1.1 GiB.
# One: the build's peak is its render stage then, not the index, and memory is the point of shards.
SHARD_JOBS = 1
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
# the article template's date meta (theme/templates/article.html): the year that places a page in a shard
DATE = re.compile(rb'data-pagefind-meta="date:(\d{4})([0-9-]*)"')
UNDATED = "undated"
KEY_VERSION = "1"  # bump when the shard layout or the way pages are fed to Pagefind changes


@dataclass(frozen=True)
class Shard:
    name: str  # the shard's folder under pagefind/: "2011-2013", "2020", "2020-2"…
    files: tuple[Path, ...]  # relative to the site
    key: str  # hash of the pages' paths and bytes (and of the indexer's version)


def plan_shards(
    site: Path, files: Sequence[Path], limit: int = SHARD_PAGES, extra: Mapping[Path, str] | None = None
) -> list[Shard]:
    """Group `files` (relative to `site`) by year, consecutive years together up to `limit` pages; a year
    with more pages is split, in date order. Pages without a date meta go last, in shards of their own.
    A shard's key covers its pages and what `extra` adds to them for the indexer."""
    extra = extra or {}
    # per page: its date (for the order), path and digest; never the pages themselves (100k × 17 KB)
    dated: dict[str, list[tuple[bytes, Path, bytes]]] = {}
    for rel in files:
        data = (site / rel).read_bytes()
        found = DATE.search(data)
        year = found.group(1).decode() if found else UNDATED
        added = extra.get(rel, "").encode()
        digest = hashlib.sha256(str(rel).encode() + b"\0" + data + b"\0" + added).digest()
        dated.setdefault(year, []).append((found.group(0) if found else b"", rel, digest))
    groups: list[tuple[list[str], list[tuple[bytes, Path, bytes]]]] = []
    for year in sorted(dated, key=lambda y: (y == UNDATED, y)):
        pages = sorted(dated[year], key=lambda p: (p[0], str(p[1])))
        last = groups[-1] if groups else None
        if (
            last is not None
            and year != UNDATED
            and UNDATED not in last[0]
            and len(last[1]) + len(pages) <= limit
        ):
            last[0].append(year)
            last[1].extend(pages)
            continue
        for start in range(0, len(pages), limit):
            groups.append(
                ([year if start == 0 else f"{year}-{start // limit + 1}"], pages[start : start + limit])
            )
    indexer = _indexer_version()
    shards = []
    for years, pages in groups:
        key = hashlib.sha256(f"{KEY_VERSION} {indexer}\n".encode() + b"".join(d for _, _, d in pages))
        name = years[0] if len(years) == 1 else f"{years[0]}-{years[-1]}"
        shards.append(Shard(name, tuple(rel for _, rel, _ in pages), key.hexdigest()))
    return shards


def index_search(
    site: Path,
    glob: str,
    previous: Path | None = None,
    limit: int = SHARD_PAGES,
    extra: Mapping[Path, str] | None = None,
) -> tuple[list[SiteError], list[str]]:
    """Index the pages of `site` matching `glob` into `site/pagefind/`, shard by shard; a shard whose key
    matches the one in `previous/pagefind/` (the last build's output, default: `site` itself) is copied
    from there (hard links), not indexed again. `extra`: HTML to add to a page (by its path relative to
    `site`) for the indexer only. Returns the errors (in plain words) and the shards indexed."""
    files = sorted(p.relative_to(site) for p in site.glob(glob) if p.is_file())
    if not files:  # Pagefind says what is wrong with an empty site in its own words
        return run_pagefind(site, site / BUNDLE, glob), []
    extra = extra or {}
    shards = plan_shards(site, files, limit, extra)
    # one shard and nothing to add: Pagefind reads the site itself, no scratch folder
    whole = glob if len(shards) == 1 and not extra else None
    old_bundle = (previous if previous is not None else site) / BUNDLE
    bundle = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=site.parent))
    indexed: list[str] = []
    try:
        stale = []
        for shard in shards:
            if _key(old_bundle / shard.name) == shard.key:
                shutil.copytree(old_bundle / shard.name, bundle / shard.name, copy_function=_link)
            else:
                stale.append(shard)
        # memory is bounded by SHARD_JOBS shards, whatever the size of the archive
        with ThreadPoolExecutor(max_workers=SHARD_JOBS) as pool:
            results = list(pool.map(lambda s: _index_shard(site, s, bundle / s.name, whole, extra), stale))
        errors = [e for result in results for e in result]
        if errors:
            return list(dict.fromkeys(errors)), indexed  # Pagefind missing fails every shard alike: once
        indexed = [s.name for s in stale]
        _move_ui(bundle, shards[0].name, old_bundle)
        listed = [{"name": s.name, "languages": _languages(bundle / s.name)} for s in shards]
        (bundle / MANIFEST).write_text(json.dumps({"shards": listed}, ensure_ascii=False), encoding="utf-8")
        os.chmod(bundle, 0o755)  # mkdtemp makes 0700; a web server must be able to read it
        _replace(bundle, site / BUNDLE)
    finally:
        shutil.rmtree(bundle, ignore_errors=True)
    return [], indexed


def _index_shard(
    site: Path, shard: Shard, target: Path, whole: str | None, extra: Mapping[Path, str]
) -> list[SiteError]:
    """Pagefind over the shard's pages only, in a scratch folder (the CLI takes one folder): hard links,
    or copies with their `extra` HTML before `</body>`; or, when the shard is every page `whole`
    matches, the site itself."""
    scratch = Path(tempfile.mkdtemp(prefix=".search-shard-", dir=site.parent))
    try:
        if whole is None:
            for rel in shard.files:
                (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
                added = extra.get(rel, "")  # made when asked (build.search_regions): once
                if added:
                    (scratch / rel).write_bytes(_with((site / rel).read_bytes(), added.encode()))
                else:
                    _link(site / rel, scratch / rel)
        errors = run_pagefind(site, target, whole) if whole else run_pagefind(scratch, target)
        if not errors:
            for name in UNUSED:
                (target / name).unlink(missing_ok=True)
            (target / KEY_FILE).write_text(shard.key, encoding="utf-8")
        return errors
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _with(page: bytes, added: bytes) -> bytes:
    """`page` with `added` just before its last `</body>` (at the end if it has none)."""
    end = page.rfind(b"</body>")
    return page + added if end < 0 else page[:end] + added + page[end:]


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
