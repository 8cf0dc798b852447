"""The size of the built site, and a warning before it outgrows GitHub Pages (docs/publishing.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import SiteError

# GitHub Pages: "Published GitHub Pages sites may be no larger than 1 GB" (docs.github.com, Pages limits)
GITHUB_PAGES_LIMIT = 1_000_000_000
WARN_AT = 0.8  # a daily-growing archive needs time to move: warn at 80 % of the limit


@dataclass(frozen=True)
class SiteSize:
    bytes: int
    files: int

    def __add__(self, other: SiteSize) -> SiteSize:
        return SiteSize(self.bytes + other.bytes, self.files + other.files)

    def shown(self) -> str:
        amount = f"{self.bytes / 1e6:,.0f} MB" if self.bytes >= 1e6 else f"{self.bytes / 1e3:,.0f} KB"
        return f"{amount} in {self.files:,} files"


def measure(folder: Path) -> SiteSize:
    """The sum of the sizes of every file under `folder` (what GitHub Pages counts), and their number."""
    total = files = 0
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    files += 1
    return SiteSize(total, files)


def size_warning(size: SiteSize, limit: int = GITHUB_PAGES_LIMIT) -> SiteError | None:
    """A warning naming the limit when the site is near or past it; None while it fits comfortably."""
    if size.bytes < WARN_AT * limit:
        return None
    share = size.bytes / limit
    what = ("is larger than" if share > 1 else f"is at {share:.0%} of") + " GitHub Pages' limit of 1 GB"
    return SiteError(
        None,
        None,
        f"the built site ({size.shown()}) {what}",
        "see docs/publishing.md: build with --no-search to check what the index costs, or publish "
        "to another static host or to object storage behind a CDN",
        severity="warning",
    )
