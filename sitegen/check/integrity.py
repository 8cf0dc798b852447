"""Saved sources: when an article records `source.sha256` (import does) and the site keeps a copy of the
original, the copy must still have that hash — a mismatch means the copy (or the record) was changed.

Where a copy is looked for: `source.copy` in front matter (a path inside the site), else
`sources/<slug>.<lang>.<ext>` or `sources/<slug>.<ext>` in the site folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sitegen.check.findings import Finding
from sitegen.errors import SiteError
from sitegen.model import Article, Site
from sitegen.read import front_matter
from sitegen.yamlio import file_line

SOURCES = "sources"


def saved_copies(site_dir: Path) -> dict[str, list[Path]]:
    """Files under sources/ by their name without extension (`slug.lang` and `slug`): one scan, no lookups."""
    found: dict[str, list[Path]] = {}
    root = site_dir / SOURCES
    if not root.is_dir():
        return found
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.is_file() and not entry.name.startswith("."):
                stem = entry.name.rsplit(".", 1)[0] if "." in entry.name else entry.name
                found.setdefault(stem, []).append(root / entry.name)
    return found


def copy_of(article: Article, site_dir: Path, copies: dict[str, list[Path]]) -> Path | None:
    if article.source.copy:
        return site_dir / article.source.copy
    for stem in (f"{article.slug}.{article.lang}", article.slug):
        if len(copies.get(stem, ())) == 1:
            return copies[stem][0]
    return None


def check_integrity(site: Site) -> list[Finding]:
    site_dir = site.config.site_dir.resolve()
    copies = saved_copies(site_dir)
    findings: list[Finding] = []
    for article in site.articles.values():
        recorded = article.source.sha256.strip().lower()
        if not recorded and not article.source.copy:
            continue
        path = copy_of(article, site_dir, copies)
        if path is None:
            continue
        line = file_line(
            front_matter(article.source_path),
            article.fm_start,
            ["source", "copy" if article.source.copy else "sha256"],
        )
        resolved = path.resolve()
        if site_dir not in resolved.parents:
            findings.append(
                Finding(
                    "integrity",
                    SiteError(
                        article.source_path,
                        line,
                        f"`source.copy` points outside the site folder: {article.source.copy}",
                        "keep saved sources inside the site, e.g. in sources/",
                    ),
                )
            )
            continue
        if not resolved.is_file():
            findings.append(
                Finding(
                    "integrity",
                    SiteError(
                        article.source_path,
                        line,
                        f"the saved source {article.source.copy} does not exist",
                        "fix the path in `source.copy` (relative to the site folder) or remove it",
                    ),
                )
            )
            continue
        if not recorded:
            continue
        actual = _sha256(resolved)
        if actual != recorded:
            shown = resolved.relative_to(site_dir).as_posix()
            findings.append(
                Finding(
                    "integrity",
                    SiteError(
                        article.source_path,
                        line,
                        f"the saved source {shown} does not match `source.sha256` (it is {actual[:12]}…, "
                        f"recorded {recorded[:12]}…)",
                        "the copy or the record was changed since import: restore the original copy, or, if the "
                        "new copy is right, update source.sha256",
                    ),
                )
            )
    return findings


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
