"""Stage 8: the search index, built by the Pagefind CLI over the freshly rendered stage.

Arabic needs the same normalization on both sides (sitegen/arabic.py here, search.js in the browser).
The published pages keep the text as written; Pagefind instead reads a *mirror* of the article pages,
written to a temporary folder beside the stage, in which each page gains one more indexed region
holding the normalized spellings of its words that normalization changes (`الأسد` → `الاسد`,
`القـ.ـصف` → `القصف`). The original words stay indexed too, so nothing Pagefind found before is lost,
and readers never download the extra text. The region starts with SENTINEL so that search.js can
build result excerpts from the original words only.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import lxml.html

from sitegen.arabic import normalize
from sitegen.errors import SiteError
from sitegen.parallel import pmap

SENTINEL = "⁂sitegen⁂"    # must match search.js; not a word anyone searches for
BODY_MARK = b"data-pagefind-body"
CHUNK = 100                 # pages per worker task when preparing the mirror


def extra_words(text: str) -> list[str]:
    """Normalized words of `text` that are not already among its own words, in order (repeats kept,
    so a page that says `القـ.ـصف` five times still ranks like one that says `القصف` five times)."""
    own = set(text.split())
    return [w for w in normalize(text).split() if w not in own]


def indexed_text(page: bytes) -> str:
    """The text Pagefind indexes on an article page: its `data-pagefind-body` regions without ignored parts."""
    doc = lxml.html.fromstring(page)
    parts = []
    for region in doc.xpath("//*[@data-pagefind-body]"):
        for skipped in region.xpath(".//*[@data-pagefind-ignore] | .//script | .//style"):
            skipped.drop_tree()   # keeps the text that follows the element
        parts.append(region.text_content())
    return "\n".join(parts)


def mirror_page(page: bytes) -> bytes | None:
    """The page as Pagefind should read it, or None when normalization adds nothing."""
    words = extra_words(indexed_text(page))
    if not words:
        return None
    region = f'<div data-pagefind-body>{SENTINEL} {html.escape(" ".join(words))}</div>'.encode()
    at = page.rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + region + page[at:]


def _mirror_chunk(dirs: tuple[Path, Path], rels: list[str]) -> int:
    stage, mirror = dirs
    for rel in rels:
        source, target = stage / rel, mirror / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        changed = mirror_page(source.read_bytes())
        if changed is None:
            try:
                os.link(source, target)   # same disk: no copy
            except OSError:
                shutil.copyfile(source, target)
        else:
            target.write_bytes(changed)
    return len(rels)


def write_mirror(stage: Path, mirror: Path) -> int:
    """Write the indexed pages of `stage` into `mirror`, with their normalized extra words; returns how many."""
    rels = []
    for path in stage.rglob("*.html"):
        with path.open("rb") as f:
            if BODY_MARK in f.read():
                rels.append(str(path.relative_to(stage)))
    chunks = [rels[i:i + CHUNK] for i in range(0, len(rels), CHUNK)]
    pmap(_mirror_chunk, (stage, mirror), chunks, chunksize=1, work=len(rels))
    return len(rels)


def index_search(stage: Path) -> list[SiteError]:
    """Index the article pages of `stage` into `stage/pagefind`; errors in plain words (never a traceback)."""
    mirror = Path(tempfile.mkdtemp(prefix=".search-", dir=stage.parent))
    try:
        try:
            indexed = write_mirror(stage, mirror)
        except OSError as exc:
            return [SiteError(None, None, f"could not prepare the pages for the search index: {exc}",
                              "check the free disk space, or build with --no-search")]
        site = mirror if indexed else stage   # no article: Pagefind still writes an (empty) index
        return _run_pagefind(site, stage / "pagefind")
    finally:
        shutil.rmtree(mirror, ignore_errors=True)


def _run_pagefind(site: Path, output: Path) -> list[SiteError]:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output), "--silent"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [SiteError(None, None, f"the search indexer (Pagefind) could not run: {exc}",
                          "reinstall sitegen (pip install -e .) or build with --no-search")]
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        missing = "No module named pagefind" in proc.stderr
        return [SiteError(None, None,
                          "the search indexer (Pagefind) is not installed" if missing
                          else "the search indexer (Pagefind) failed: " + " / ".join(detail),
                          "install it with: pip install 'pagefind[bin]', or build with --no-search")]
    return []
