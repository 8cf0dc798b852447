"""Near-duplicate articles (the same report imported twice under two slugs), found in time linear in the
archive: each body becomes a small set of fingerprints (hashes of 4-word shingles of its normalized words,
keeping the ~1/4 whose hash is 0 mod 4 — the same shingles are kept in every copy of a text), fingerprints
are indexed, and only articles sharing fingerprints are compared, by their fingerprint sets.

A fingerprint shared by many articles is boilerplate (a standard disclaimer, a wire-service footer): it is
left out rather than making every pair of those articles a candidate, which keeps the work linear."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations
from zlib import crc32

from sitegen.arabic import normalize
from sitegen.check.findings import Finding
from sitegen.errors import SiteError
from sitegen.model import Article, Lang, Slug

SHINGLE = 4
SAMPLE = 4
MIN_FINGERPRINTS = 8      # shorter texts (under ~40 words) say too little to call them duplicates
COMMON = 20               # a fingerprint in more articles than this is boilerplate
THRESHOLD = 0.8           # Jaccard similarity of fingerprint sets
WORD = re.compile(r"\w+")


def fingerprints(text: str) -> frozenset[int]:
    # words as CRC-32s, shingles as tuples of ints: hash() of an int tuple is the same in every run
    # (a str's hash is salted per process, which would make the sampled set, and so the result, vary)
    words = [crc32(w.encode()) for w in WORD.findall(normalize(text).casefold())]
    shingles = zip(*(words[i:] for i in range(SHINGLE)))
    return frozenset(h for h in map(hash, shingles) if h % SAMPLE == 0)


def find_duplicates(bodies: dict[tuple[Slug, Lang], tuple[Article, str]]) -> list[Finding]:
    """`bodies`: each article version with its body text. Only versions in one language are compared."""
    prints: dict[tuple[Slug, Lang], frozenset[int]] = {}
    index: dict[tuple[Lang, int], list[tuple[Slug, Lang]]] = defaultdict(list)
    for key, (_, body) in bodies.items():
        fp = fingerprints(body)
        if len(fp) < MIN_FINGERPRINTS:
            continue
        prints[key] = fp
        for h in fp:
            index[(key[1], h)].append(key)
    shared: dict[tuple[tuple[Slug, Lang], tuple[Slug, Lang]], int] = defaultdict(int)
    for holders in index.values():
        if 1 < len(holders) <= COMMON:
            for a, b in combinations(sorted(holders), 2):
                shared[(a, b)] += 1
    findings: list[Finding] = []
    for (a, b), n in sorted(shared.items()):
        similarity = n / len(prints[a] | prints[b])
        if similarity < THRESHOLD:
            continue
        first, second = bodies[a][0], bodies[b][0]
        findings.append(Finding("duplicates", SiteError(
            second.source_path, second.fm_start - 1,
            f"the text is nearly the same ({similarity:.0%}) as {first.source_path.name}",
            "if it is the same report imported twice, keep one file (or link them with related:)",
            "warning")))
    return findings
