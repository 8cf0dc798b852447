"""The shard store: where the search shards are kept between builds (in sitegen's cache folder, not the
site), and the keys that tell which shards, and which languages' merged indexes, are still current."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.cache import cache_path

KEY_FILE = "sitegen-shard-key"  # in each shard: its key
INDEX_KEYS = "sitegen-index-keys.json"  # in the merged bundle: the key of each language's shards
KEY_VERSION = "3"  # bump when the shard layout or the way pages are fed to Pagefind changes
STORE_PREFIX = "search-"  # the stores' names in the cache folder: the prefix, then the output folder's hash
OWNER_FILE = "sitegen-output"  # in each store: the output folder its shards are for
# a store whose output folder is gone is removed once no build has used it for this long (a build of another
# output folder that is under way has used its store seconds ago)
IDLE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Shard:
    """A shard as shards.plan_shards makes it."""

    name: str  # "ar-1-of-4", "en-1-of-1"…
    files: tuple[Path, ...]  # relative to the site
    key: str  # hash of the indexer's copies of the pages (and of the indexer's version)
    lang: str = ""


def shard_store(output: Path) -> Path | None:
    """Where the shards of the index of `output` are kept between builds: in sitegen's cache folder
    (cache.py; ~/.cache/sitegen, kept by the GitHub workflow), one folder per output folder. They are
    not published: the site holds only the merged index. None without a cache folder: every shard is
    then indexed again each time."""
    return cache_path(STORE_PREFIX, output)


def usable(store: Path | None) -> Path | None:
    """`store`, made if need be; None where it cannot be (a read-only home: the shards are then
    temporary, as without a cache)."""
    if store is None:
        return None
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return store if os.access(store, os.W_OK) else None


def folder(shard: Shard) -> str:
    """A shard's folder in the store, named by its key: a changed shard is a new folder, so a build never
    rewrites a folder another one (the dev server) may be reading."""
    return f"{shard.name}.{shard.key[:16]}"


def language_keys(shards: Sequence[Shard]) -> dict[str, str]:
    """A key per language, over its shards' keys: equal, the language's merged index is unchanged."""
    keys: dict[str, hashlib._Hash] = {}
    for shard in shards:
        keys.setdefault(shard.lang, hashlib.sha256(KEY_VERSION.encode())).update(shard.key.encode())
    return {lang: key.hexdigest() for lang, key in keys.items()}


def old_keys(bundle: Path) -> dict[str, str]:
    try:
        keys = json.loads((bundle / INDEX_KEYS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def forget(store: Path, used: set[str]) -> None:
    """Removes the store's shards this index does not use (older versions of its shards)."""
    for folder in store.iterdir():
        if folder.name not in used and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def claim(store: Path, output: Path) -> None:
    """Notes in `store` which output folder it serves, and that a build uses it now (sweep reads both)."""
    try:
        (store / OWNER_FILE).write_text(str(output.resolve()), encoding="utf-8")
    except OSError:
        pass  # a store that cannot be written to is not used (usable): nothing to note


def sweep(store: Path, now: float) -> list[Path]:
    """Removes the other shard stores of the cache folder whose output folder no longer exists and that no
    build has used for IDLE_SECONDS: those of deleted or one-off output folders (~55 MB each at 10k
    articles, ~500 MB at 100k) would otherwise stay until the cache is deleted. Returns them. A store
    without OWNER_FILE (made by an older sitegen) is removed once idle: its next build indexes again."""
    removed = []
    for other in store.parent.glob(STORE_PREFIX + "*"):
        if other == store or not other.is_dir():
            continue
        owner = other / OWNER_FILE
        try:
            owned = owner.exists()
            used = (owner if owned else other).stat().st_mtime
            gone = not owned or not Path(owner.read_text(encoding="utf-8")).exists()
        except OSError:
            continue
        if gone and now - used > IDLE_SECONDS:
            shutil.rmtree(other, ignore_errors=True)
            removed.append(other)
    return removed


def key_of(shard: Path) -> str | None:
    try:
        return (shard / KEY_FILE).read_text(encoding="utf-8")
    except OSError:
        return None
