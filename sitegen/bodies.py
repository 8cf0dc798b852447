"""Article bodies out of memory: each rendered body (with its link markers) and its search words live in
a sqlite file, keyed by a digest of the body, and are fetched one at a time by whoever shows them.

At 10k articles the bodies and their words were ~300 MB of Python strings held from the read stage to the
end of the build (and loaded whole with the parse cache); a 100k-article archive would not fit. The model
keeps a 16-byte key per article instead (`Article.body_key`). Equal bodies have equal keys, so an edit of
the front matter only keeps its key (the dev server relies on it).

The file is a cache: WAL, no fsync, and a damaged or foreign one is removed and made again. It sits beside
the parse cache in the user's cache folder (cache.py), or in a temporary folder removed with the store when
the cache is off. Rows are addressed by their content (body and words), not salted: a build with other
settings or another sitegen never finds a wrong row, and never has to empty the store under a dev server
that reads it. Rows no parse-cache entry refers to are pruned when the cache is saved, unless another
process is using the store. Processes made by fork never share a connection: each opens its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
import threading
import traceback
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import lz4.block  # type: ignore[import-untyped]

from sitegen import cache
from sitegen.errors import BuildInterrupted

SCHEMA = "3"
# LZ4: a rendered body (Arabic HTML) shrinks to ~46 % in 14 µs and is read back in 10, where zlib at its
# fastest level made ~34 % in 56 µs and took 27 to read (10k articles: ~0.9 s of CPU less a build)
_SELECT = {c: f"SELECT {c} FROM bodies WHERE key = ?" for c in ("html", "words")}
BUSY_MS = 60_000  # the read workers write at once; sqlite serializes them


@dataclass(frozen=True, slots=True)
class Body:
    """A rendered body (link markers unresolved) and its normalized search words ('' without search)."""

    html: str
    words: str = ""


def key_of(body: Body) -> bytes:
    """The key of a body: equal bodies (and search words), equal keys. Rows are addressed by what they hold,
    so builds with other settings or another sitegen share the store without ever reading a wrong row."""
    return hashlib.blake2b(f"{body.html}\0{body.words}".encode(), digest_size=16).digest()


class MissingBody(BuildInterrupted):
    """A body the model refers to is not in the store: the store (in the cache folder) was removed or emptied
    while the build ran. Nothing the site or sitegen did wrong: the next build reads the files again."""


class BodyStore:
    """The bodies of one site; `html(key)` and `words(key)` fetch one, `put` adds many."""

    def __init__(self, path: Path, temporary: bool = False):
        self.path = path
        self._pid = -1
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        # a connection made before a fork: never used nor closed in the child (sqlite forbids both)
        self._inherited: list[sqlite3.Connection] = []
        self._holder = 0  # the process that prepared the store (a forked child prunes for it)
        self._remove = weakref.finalize(self, _remove_folder, path.parent, os.getpid()) if temporary else None

    @classmethod
    def for_site(cls, site_dir: Path, use_cache: bool) -> BodyStore:
        """Beside the site's parse cache, or a temporary store when the cache is off or has no folder."""
        where = cache.cache_file(site_dir) if use_cache else None
        if where is None:
            return cls.temporary()
        return cls(where.with_name(where.name.replace("read-", "bodies-").replace(".pickle", ".sqlite")))

    @classmethod
    def temporary(cls) -> BodyStore:
        """A store in a folder of its own, removed by `close` (or when the store is collected, at the latest
        when the process that made it exits)."""
        return cls(Path(tempfile.mkdtemp(prefix="sitegen-bodies-")) / "bodies.sqlite", temporary=True)

    def __reduce__(self) -> tuple[type[BodyStore], tuple[Path]]:
        return (BodyStore, (self.path,))  # a copy reads the same file; it never removes it

    def _connection(self) -> tuple[sqlite3.Connection, threading.Lock]:
        if self._pid != os.getpid():
            if self._conn is not None:
                self._inherited.append(self._conn)
            self._pid, self._lock = os.getpid(), threading.Lock()  # a lock held at the fork stays held
            self._conn = _open(self.path)
        assert self._conn is not None
        return self._conn, self._lock

    def prepare(self) -> None:
        """Open the store for a build or a dev server session: a damaged or foreign file is made again,
        and this process is noted as using it (`keep_only` leaves the rows alone while another is)."""
        try:
            conn, lock = self._connection()
        except sqlite3.Error:  # not a database, another schema: make it again
            self.reset()
            conn, lock = self._connection()
        with lock:
            conn.execute("INSERT OR REPLACE INTO holders VALUES (?)", (os.getpid(),))
        self._holder = os.getpid()

    def reset(self) -> None:
        """Remove the file (and its WAL) and start with an empty store."""
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn, self._pid = None, -1
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def put(self, bodies: Iterable[tuple[bytes, Body]]) -> None:
        """Add bodies, in one transaction (a read worker puts a batch of files at once)."""
        rows = [
            (key, lz4.block.compress(b.html.encode()), lz4.block.compress(b.words.encode()))
            for key, b in bodies
        ]
        if not rows:
            return
        conn, lock = self._connection()
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                # REPLACE, not IGNORE: a new rowid, so a prune that started earlier (`keep_only`) spares it
                conn.executemany("INSERT OR REPLACE INTO bodies (key, html, words) VALUES (?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def html(self, key: bytes) -> str:
        return self._get("html", key)

    def words(self, key: bytes) -> str:
        return self._get("words", key)

    def _get(self, column: str, key: bytes) -> str:
        conn, lock = self._connection()
        with lock:
            row = conn.execute(_SELECT[column], (key,)).fetchone()
        if row is None:
            raise _missing(self.path)
        return str(lz4.block.decompress(row[0]).decode())

    def keys(self) -> set[bytes]:
        """The keys of every stored body."""
        conn, lock = self._connection()
        with lock:
            return {k for (k,) in conn.execute("SELECT key FROM bodies")}

    def last_row(self) -> int:
        """The newest row: `keep_only(keys, last_row)` never removes a body put after this call."""
        conn, lock = self._connection()
        with lock:
            return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM bodies").fetchone()[0])

    def keep_only(self, keys: Iterable[bytes], up_to: int) -> None:
        """Remove the bodies no key refers to (among the rows up to `up_to`): the store does not grow
        with every edit ever made. A failure only leaves the rows for the next time."""
        try:
            conn, lock = self._connection()
            if self._other_holders(conn, lock):
                return  # a dev server (or another build) may need them: pruned by a later build
            with lock:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key BLOB PRIMARY KEY)")
                    conn.execute("DELETE FROM keep")
                    conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keys))
                    conn.execute(
                        "DELETE FROM bodies WHERE rowid <= ? AND key NOT IN (SELECT key FROM keep)", (up_to,)
                    )
                    conn.execute("DELETE FROM keep")
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error:
            pass

    def _other_holders(self, conn: sqlite3.Connection, lock: threading.Lock) -> bool:
        with lock:
            pids = [p for (p,) in conn.execute("SELECT pid FROM holders") if p != self._holder]
            ended = [p for p in pids if not _alive(p)]  # killed before it closed the store
            conn.executemany("DELETE FROM holders WHERE pid = ?", ((p,) for p in ended))
        return len(ended) < len(pids)

    def close(self) -> None:
        """Close this process's connection; a temporary store is removed with its folder."""
        if self._conn is not None and self._pid == os.getpid():
            if self._holder == os.getpid():
                try:
                    self._conn.execute("DELETE FROM holders WHERE pid = ?", (self._holder,))
                except sqlite3.Error:
                    pass
            self._conn.close()
        self._conn, self._pid = None, -1
        if self._remove is not None:
            self._remove()


def _missing(store: Path) -> MissingBody:
    return MissingBody(
        f"the text of an article was removed from sitegen's cache ({store.parent}) while this build ran: the"
        " cache folder was cleared, or another sitegen cleaned it",
        "build again: the articles are read again from their files",
        "Traceback (most recent call last):\n" + "".join(traceback.format_stack()),
    )


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # autocommit (isolation_level=None): transactions only where `put` and `keep_only` open them, so no
    # connection sits in a read transaction that would keep the WAL from being checkpointed
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        # WAL is kept in the file; asking for it again takes a lock for which sqlite does not wait (no busy
        # handler): a read worker opening the store while another wrote failed with "database is locked"
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")  # a cache: a crash costs a rebuild of what was lost
        conn.execute("PRAGMA cache_size=-4096")  # 4 MB a connection: rows are read once each
        conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        conn.execute("CREATE TABLE IF NOT EXISTS holders (pid INTEGER PRIMARY KEY)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bodies"
            " (key BLOB PRIMARY KEY, html BLOB NOT NULL, words BLOB NOT NULL)"
        )
        version = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        if version is None:
            conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA,))
        elif version[0] != SCHEMA:
            raise sqlite3.DatabaseError(f"a body store of schema {version[0]}")
    except BaseException:
        conn.close()
        raise
    return conn


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def _remove_folder(folder: Path, owner: int) -> None:
    if os.getpid() == owner:  # a forked child that drops its copy must not remove the parent's store
        shutil.rmtree(folder, ignore_errors=True)
