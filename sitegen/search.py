"""Stage 8: the search index, built by the Pagefind CLI over the freshly rendered stage.

Arabic needs the same normalization on both sides (sitegen/arabic.py here, search.js in the browser).
The text readers see stays as written; each article page carries one more, hidden, indexed region
holding the normalized spellings of the words normalization changes (`الأسد` → `الاسد`,
`القـ.ـصف` → `القصف`), rendered with the page (`search_region`). The original words stay indexed too,
so nothing Pagefind found before is lost. The region starts with SENTINEL so that search.js can build
result excerpts from the original words only.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

from sitegen.arabic import normalize
from sitegen.errors import SiteError

SENTINEL = "⁂sitegen⁂"  # must match search.js; not a word anyone searches for


def extra_words(text: str) -> list[str]:
    """Normalized words of `text` that are not already among its own words, in order (repeats kept,
    so a page that says `القـ.ـصف` five times still ranks like one that says `القصف` five times)."""
    own = set(text.split())
    return [w for w in normalize(text).split() if w not in own]


TAG = re.compile(r"<[^>]*>")


def body_words(body_html: str) -> str:
    """The normalized spellings of a rendered body's words, space-separated (not escaped).

    Made when the file is read, on every core and kept in the parse cache: on Arabic text it costs about
    as much as rendering the page that shows it."""
    return " ".join(extra_words(html.unescape(TAG.sub(" ", body_html))))


def search_region(title: str, summary: str, body_extra: str) -> str:
    """HTML for the normalized spellings of an article's words (escaped), or '' when there are none.

    It is rendered into the article page itself, hidden (Pagefind indexes hidden elements; readers and
    screen readers never meet it). An earlier version wrote a normalized copy of every article page for
    Pagefind instead: on a 10k-article site that copy took ~15 s, all of it creating 16k folders and files."""
    words = " ".join(extra_words(f"{title}\n{summary}")) + " " + body_extra
    if not words.strip():
        return ""
    return f"<div data-pagefind-body hidden>{SENTINEL} {html.escape(words.strip())}</div>"


def index_search(stage: Path, glob: str | None = None) -> list[SiteError]:
    """Index the article pages of `stage` into `stage/pagefind`; errors in plain words (never a traceback).

    `glob` limits the files Pagefind reads (only article pages have indexed regions)."""
    return _run_pagefind(stage, stage / "pagefind", glob)


def _run_pagefind(site: Path, output: Path, glob: str | None = None) -> list[SiteError]:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(output), "--silent"]
    if glob:
        cmd += ["--glob", glob]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
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
