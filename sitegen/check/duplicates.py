"""Near-duplicate articles (the same report imported twice under two slugs), found in time linear in the
archive with bottom-k MinHash sketches: each body's 4-word shingles (of its normalized words) are hashed
and the K smallest hashes kept; sketches are indexed by value, and only articles sharing a value are
compared, by the Jaccard similarity their sketches estimate. A sketch value shared by many articles is
boilerplate (a standard disclaimer, a wire-service footer): it is left out rather than making every pair
of those articles a candidate, which keeps the work linear.

Sketches are kept between runs (`store_file`), keyed by a hash of the body: a warm check only reads.
"""

from __future__ import annotations

import heapq
import os
import pickle
import re
import sys
import tempfile
from collections import defaultdict
from hashlib import blake2b
from itertools import combinations
from pathlib import Path
from zlib import crc32

from sitegen import cache
from sitegen.arabic import normalize
from sitegen.check.findings import Finding
from sitegen.errors import SiteError
from sitegen.model import Article, Lang, Slug
from sitegen.parallel import pmap

SHINGLE = 4
K = 32  # sketch size: Jaccard estimated to about ±0.05 near 0.9
MIN_SHINGLES = 40  # shorter texts (under ~40 words) say too little to call them duplicates
COMMON = 20  # a sketch value in more articles than this is boilerplate
THRESHOLD = 0.8  # estimated Jaccard similarity of the shingle sets
WORD = re.compile(r"\w+")

Sketch = tuple[int, ...]


def sketch(text: str) -> Sketch:
    """The K smallest shingle hashes, sorted; () for a text too short to compare."""
    # words as CRC-32s, shingles as tuples of ints: hash() of an int tuple is the same in every run
    # (a str's hash is salted per process, which would make sketches, and so results, vary)
    words = [crc32(w.encode()) for w in WORD.findall(normalize(text).casefold())]
    shingles = set(map(hash, zip(*(words[i:] for i in range(SHINGLE)), strict=False)))
    return tuple(heapq.nsmallest(K, shingles)) if len(shingles) >= MIN_SHINGLES else ()


def _sketch_one(_: None, text: str) -> Sketch:
    return sketch(text)


def similarity(a: Sketch, b: Sketch) -> float:
    """The bottom-k estimate: of the K smallest hashes of the union, the share found in both."""
    sa, sb = set(a), set(b)
    union = heapq.nsmallest(K, sa | sb)
    return sum(1 for h in union if h in sa and h in sb) / len(union)


def find_duplicates(
    bodies: dict[tuple[Slug, Lang], tuple[Article, str]], store: Path | None = None
) -> list[Finding]:
    """`bodies`: each article version with its body text. Only versions in one language are compared.

    `store`: a file keeping each body's sketch between runs (most of the time of this check)."""
    known = _load(store)
    kept: dict[str, tuple[bytes, Sketch]] = {}
    sketches: dict[tuple[Slug, Lang], Sketch] = {}
    index: dict[Lang, dict[int, list[tuple[Slug, Lang]]]] = defaultdict(dict)
    digests = {key: blake2b(body.encode(), digest_size=16).digest() for key, (_, body) in bodies.items()}
    misses = [
        key
        for key, (article, _) in bodies.items()
        if known.get(str(article.source_path), (b"",))[0] != digests[key]
    ]
    # new or changed texts are sketched on every core (~0.3 ms each: 5 s for 16k files on one)
    fresh = dict(
        zip(misses, pmap(_sketch_one, None, [bodies[k][1] for k in misses], chunksize=64), strict=True)
    )
    for key, (article, _) in bodies.items():
        name = str(article.source_path)
        sk = fresh[key] if key in fresh else known[name][1]
        kept[name] = (digests[key], sk)
        if not sk:
            continue
        sketches[key] = sk
        values = index[key[1]]
        for h in sk:
            values.setdefault(h, []).append(key)
    if kept != known:
        _save(store, kept)
    candidates: set[tuple[tuple[Slug, Lang], tuple[Slug, Lang]]] = set()
    for values in index.values():
        for holders in values.values():
            if 1 < len(holders) <= COMMON:
                candidates.update(combinations(sorted(holders), 2))
    findings: list[Finding] = []
    for a, b in sorted(candidates):
        sim = similarity(sketches[a], sketches[b])
        if sim < THRESHOLD:
            continue
        first, second = bodies[a][0], bodies[b][0]
        findings.append(
            Finding(
                "duplicates",
                SiteError(
                    second.source_path,
                    second.fm_start - 1,
                    f"the text is nearly the same ({sim:.0%}) as {first.source_path.name}",
                    "if it is the same report imported twice, keep one file (or link them with related:)",
                    "warning",
                ),
            )
        )
    return findings


def store_file(site_dir: Path) -> Path | None:
    """In the user's cache folder, beside the parse cache (never in the site: it is a pickle)."""
    folder = cache.cache_dir()
    if folder is None:
        return None
    key = blake2b(str(site_dir.resolve()).encode(), digest_size=10).hexdigest()
    return folder / f"fingerprints-{key}.pickle"


def _salt() -> bytes:
    """This module's and the normalizer's code: a change to either makes every fingerprint stale."""
    here = Path(__file__).parent
    return blake2b(
        here.joinpath("duplicates.py").read_bytes()
        + here.parent.joinpath("arabic.py").read_bytes()
        + repr(sys.version_info[:2]).encode()
    ).digest()


def _load(store: Path | None) -> dict[str, tuple[bytes, Sketch]]:
    if store is None:
        return {}
    try:
        with store.open("rb") as f:
            salt, entries = pickle.load(f)
    except Exception:  # noqa: BLE001 - missing, damaged or from another version: computed again
        return {}
    return entries if salt == _salt() and isinstance(entries, dict) else {}


def _save(store: Path | None, entries: dict[str, tuple[bytes, Sketch]]) -> None:
    if store is None:
        return
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=store.parent, prefix=".fingerprints-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump((_salt(), entries), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, store)
    except OSError:
        pass  # only costs the next run time
