"""A cache of parsed content files between builds (what Jekyll keeps in .jekyll-cache).

Parsing Markdown is most of a large build's first half: ~1 ms a file, ~10 s for a 10k-article archive
on two cores. A file whose bytes have not changed since the last build parses the same, so its result
is kept, keyed by the file's path and a hash of its bytes, and salted with everything else the result
depends on (sitegen's parsing code, library versions, the site's languages and raw-HTML setting).

The cache lives in the user's cache folder, never in the site: a cache file is loaded with pickle, and
a pickle committed to a repository someone clones must never be loaded.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from sitegen.parallel import release_freed_memory

SCHEMA = 5  # 5: the model's many-instance classes have __slots__ (pickled differently); 3: bodies in the body store (bodies.py), entries keep their keys; 4: results kept pickled
# the modules whose code decides what a content file parses into
# (and search words: arabic.py, search/__init__.py)
_PARSER_MODULES = (
    "read.py",
    "markdown.py",
    "markdown_syntax.py",
    "markdown_fast.py",
    "markdown_fast_guard.py",
    "bidi.py",
    "model.py",
    "yamlio.py",
    "errors.py",
    "cache.py",
    "bodies.py",
    "arabic.py",
    "search/__init__.py",
)
_PARSER_PACKAGES = ("markdown-it-py", "mdit-py-plugins", "markdown-it-pyrs", "PyYAML")


def cache_dir() -> Path | None:
    """$SITEGEN_CACHE_DIR, else $XDG_CACHE_HOME/sitegen, else ~/.cache/sitegen; None when set to ''."""
    explicit = os.environ.get("SITEGEN_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder (some CI sandboxes): build without a cache
            return None
    return Path(base) / "sitegen"


def cache_file(site_dir: Path) -> Path | None:
    """One cache file per site folder."""
    return cache_path("read-", site_dir, ".pickle")


def cache_path(prefix: str, folder: Path, suffix: str = "") -> Path | None:
    """A name in the cache folder for what belongs to `folder` (a site or an output folder); None
    without a cache folder."""
    cache = cache_dir()
    if cache is None:
        return None
    return cache / f"{prefix}{hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:20]}{suffix}"


def salt(*settings: Any) -> str:
    """Everything besides a file's bytes that its parsed result depends on."""
    h = hashlib.sha256(repr((SCHEMA, sys.version_info[:2], settings)).encode())
    here = Path(__file__).parent
    for name in _PARSER_MODULES:
        h.update((here / name).read_bytes())
    for package in _PARSER_PACKAGES:
        try:
            h.update(metadata.version(package).encode())
        except metadata.PackageNotFoundError:
            pass
    return h.hexdigest()


Stamp = tuple[int, int, int]
# a file's stamp, the digest of its bytes, and its parsed result as a pickle: made by the worker that parsed
# it (it pickles the result for the pool anyway), so writing the cache only copies bytes
Entry = tuple[Stamp | None, bytes, bytes]
RACY_SECONDS = 2.0


def stamp(path: Path) -> Stamp:
    """Size, modification time and inode: while all three are as cached, the file is not read at all."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


def settled(s: Stamp) -> Stamp | None:
    """The stamp to keep, or None for a file changed in the last seconds: a second save within the
    file system's time resolution could keep size and time, so such a file is checked by its bytes
    next time (git's "racy" entries)."""
    return s if s[1] < time.time_ns() - RACY_SECONDS * 1e9 else None


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def load(path: Path | None, expected_salt: str) -> dict[str, Entry]:
    """The cached entries {path: (stamp, digest, pickled result)}; empty when missing, stale or unreadable."""
    if path is None:
        return {}
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new objects, none of them garbage
    try:
        with path.open("rb") as f:
            stored_salt, entries = pickle.load(f)
    except FileNotFoundError:
        return {}
    except Exception:  # noqa: BLE001 - a cache is never worth failing a build over (a pickle from another version raises anything): start afresh
        return {}
    finally:
        if collecting:
            gc.enable()
    return entries if stored_salt == expected_salt and isinstance(entries, dict) else {}


def result(entry: Entry) -> Any:
    """The parsed result an entry keeps; None when it cannot be read (a miss: the file is parsed again)."""
    try:
        return pickle.loads(entry[2])
    except Exception:  # noqa: BLE001 - as in `load`: never worth failing a build over
        return None


class Writes:
    """Cache files still being written by background threads. A build owns one: it waits for them at its
    end, and a read of the cache waits for them first (the dev server reads again in the same process)."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []

    def add(self, thread: threading.Thread) -> None:
        self._threads.append(thread)

    def wait(self) -> None:
        while self._threads:
            self._threads.pop().join()


def save(
    path: Path | None,
    the_salt: str,
    entries: dict[str, Entry],
    writes: Writes | None = None,
    then: Callable[[], None] | None = None,
) -> None:
    """Write the cache atomically; a failure (read-only home, full disk) only costs the next build time.
    `then` runs once it is written (the body store drops the bodies no entry refers to any more).

    When the caller keeps `writes`, a thread writes it while the build goes on; `writes.wait()` makes sure
    it is written. A thread, not a forked child: the entries are bytes, so writing them holds the GIL
    little, and a child walking the parent's objects copied them, by reference counting, while the parent
    went on validating (at 100k articles ~1 GB more for the tree)."""
    if path is None:
        return
    held = [entries]

    def write() -> None:
        _write(path, the_salt, held.pop())  # the entries go as soon as they are written, before `then`
        if then is not None:
            then()
        release_freed_memory()

    if writes is not None and BACKGROUND:
        writes.wait()
        thread = threading.Thread(target=write, name="sitegen-cache-writer")
        thread.start()
        writes.add(thread)
        return
    write()


BACKGROUND = True  # a name of its own: tests turn it on and off


def _write(path: Path, the_salt: str, entries: dict[str, Entry]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".read-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((the_salt, entries), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
