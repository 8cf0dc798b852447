"""Pagefind's index files, read and written: what merge.py needs of Pagefind 1.5.2's format.

Read from Pagefind's output (its source is not needed to build sitegen), and checked against one run
over the same pages by tests/test_search_merge.py. Each file is gzip of `pagefind_dcd` and CBOR:
- `pagefind.LANG_HASH.pf_meta`: [version, pages, index chunks, filters, sorts, meta fields]; a page is
  [fragment hash, word count], its number its position; a chunk is [from, to, file hash] (`from`/`to`:
  the shortest prefixes that tell neighbouring chunks apart); a filter is [name, file hash].
- `index/HASH.pf_index`: [[words]], sorted by word; a word is [word, pages, spelling variants], a
  variant [word as written, pages], a page [number as the gap from the list's previous page, locations,
  metadata locations] (a metadata location is -(field number + 1), the field's place in the meta
  fields, then positions).
- `filter/HASH.pf_filter`: [name, [[value, [page numbers]]]].
- `fragment/HASH.pf_fragment`: gzip of `pagefind_dcd` and the page's JSON (no page number in it).
Every file name but `pagefind-entry.json` and the code starts with its language (`ar_…`).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
_GAP, _LOCATIONS, _META = itemgetter(0), itemgetter(1), itemgetter(2)


class BundleError(Exception):
    """A Pagefind bundle that is not what this module reads (another Pagefind version, a damaged file);
    `hint`: how to fix it, when building again is not the fix."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def __reduce__(self) -> tuple[type[BundleError], tuple[str, str]]:  # from a merge worker, hint and all
        return (BundleError, (str(self), self.hint))


# what a damaged file raises while it is read (gzip's own errors are OSError or EOFError)
DAMAGED = (EOFError, zlib.error, cbor2.CBORDecodeError, ValueError, IndexError, TypeError, KeyError)


def unpacked(path: Path) -> bytes:
    """A file's CBOR: gunzipped, its signature checked."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (EOFError, zlib.error) as exc:
        raise BundleError(f"{path}: a damaged search index file ({exc})") from exc
    if not data.startswith(SIGNATURE):
        raise BundleError(f"{path}: not a Pagefind index file")
    return data


def read_file(path: Path) -> Any:
    """A Pagefind index file (pf_meta, pf_index, pf_filter), decoded."""
    try:
        return cbor2.loads(unpacked(path)[len(SIGNATURE) :])
    except DAMAGED as exc:
        raise BundleError(f"{path}: a damaged search index file ({exc})") from exc


def pack(raw: bytes) -> bytes:
    """A file's bytes from its CBOR."""
    # level 5, not Pagefind's 9: measured on the 10k index, 1.1 s against 7.1 s for 3 % more bytes
    # (level 6: 1.9 s, 1.5 %)
    return gzip.compress(SIGNATURE + raw, compresslevel=5, mtime=0)


def encode(value: Any) -> bytes:
    return pack(cbor2.dumps(value))


@dataclass(frozen=True)
class Run:
    """One shard's pages of a word (or of a spelling variant): the first decoded, since its number
    changes in the merged index, and the others as their CBOR bytes, copied as they are."""

    first: list[Any]
    rest: bytes
    count: int  # pages in all
    last: int  # the shard's number of the last page
    size: int  # as Pagefind counts it when it cuts chunks: locations and metadata locations, and one a page


class Chunk:
    """A shard's word chunk read word by word. Only the first page of each list is decoded for keeps: the
    rest is decoded in one call to find where it ends, then copied as bytes (re-encoding every page of
    every word was most of the merge's time)."""

    def __init__(self, path: Path, fields: tuple[int, ...]) -> None:
        """`fields`: the merged index's number of each of the chunk's metadata fields, by the chunk's."""
        data = unpacked(path)
        self.raw, self.path, self.fields = data, path, fields
        self.buf = io.BytesIO(data)
        self.decoder = cbor2.CBORDecoder(self.buf)
        self.pos = len(SIGNATURE)

    def words(self) -> Iterator[tuple[str, list[Run], list[tuple[str, list[Run]]]]]:
        """(word, its pages, its spelling variants and theirs), in the chunk's order."""
        try:
            yield from self._words()
        except DAMAGED as exc:
            raise BundleError(f"{self.path}: a damaged search index file ({exc})") from exc

    def _words(self) -> Iterator[tuple[str, list[Run], list[tuple[str, list[Run]]]]]:
        if self._array() != 1:
            raise BundleError(f"{self.path}: an index chunk of an unknown layout")
        for _ in range(self._array()):
            if self._array() != 3:
                raise BundleError(f"{self.path}: a word of an unknown layout")
            word = self._decode()
            pages = self._run()
            variants = []
            for _ in range(self._array()):
                if self._array() != 2:
                    raise BundleError(f"{self.path}: a spelling variant of an unknown layout")
                variant = self._decode()
                variants.append((variant, self._run()))
            yield word, pages, variants

    def _array(self) -> int:
        """The length of the CBOR array whose header is at the current position."""
        raw, pos = self.raw, self.pos
        head = raw[pos]
        if head >> 5 != 4:
            raise BundleError(f"{self.path}: an index chunk of an unknown layout")
        info = head & 31
        if info < 24:
            self.pos = pos + 1
            return info
        width = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
        if width is None:
            raise BundleError(f"{self.path}: an index chunk of an unknown layout")
        self.pos = pos + 1 + width
        return int.from_bytes(raw[pos + 1 : pos + 1 + width], "big")

    def _decode(self) -> Any:
        self.buf.seek(self.pos)
        value = self.decoder.decode()
        self.pos = self.buf.tell()
        return value

    def _run(self) -> list[Run]:
        count = self._array()
        if count == 0:
            return []
        first = self._decode()
        start = self.pos
        rest: list[list[Any]] = []
        if count > 1:
            # the other pages decoded as one array: its header written over the bytes just read, then put back
            header = array_header(count - 1)
            at = start - len(header)
            saved = self.raw[at:start]
            self.buf.seek(at)
            self.buf.write(header)
            self.pos = at
            rest = self._decode()
            self.buf.seek(at)
            self.buf.write(saved)
        # map and itemgetter: these two sums visit every page of every word (2M at 10k articles)
        last = first[0] + sum(map(_GAP, rest))
        size = sum(map(len, map(_LOCATIONS, rest))) + sum(map(len, map(_META, rest)))
        size += len(first[1]) + len(first[2]) + count
        fields = self.fields
        if fields != tuple(range(len(fields))):  # rare: the shards know different metadata fields
            first = [first[0], first[1], renumber(first[2], fields)]
            body = b"".join(cbor2.dumps([e[0], e[1], renumber(e[2], fields)]) for e in rest)
        else:
            body = self.raw[start : self.pos]
        return [Run(first, body, count, last, size)]


def array_header(length: int) -> bytes:
    if length < 24:
        return bytes([0x80 | length])
    for info, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * width):
            return bytes([0x80 | info]) + length.to_bytes(width, "big")
    raise BundleError("a search index list too long to write")


def renumber(locations: list[int], fields: tuple[int, ...]) -> list[int]:
    """Metadata locations with the shard's field numbers made the merged list's."""
    return [-(fields[-value - 1] + 1) if value < 0 else value for value in locations]


def unique_name(lang: str, data: bytes, folder: Path, suffix: str) -> str:
    """A content hash name for `data` in `folder` (7 hex digits, longer on a collision)."""
    digest = hashlib.sha256(data).hexdigest()
    for length in range(7, len(digest) + 1):
        name = f"{lang}_{digest[:length]}"
        existing = folder / f"{name}{suffix}"
        if not existing.exists() or existing.read_bytes() == data:
            return name
    raise BundleError(f"two different search index files with the same hash in {folder}")


def link(source: Path, target: Path) -> None:
    """A hard link (no bytes copied); a copy where the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
