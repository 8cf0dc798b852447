"""Stage 8: the search index, built by the Pagefind CLI over the freshly rendered stage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitegen.errors import SiteError


def index_search(stage: Path) -> list[SiteError]:
    """Run Pagefind on the rendered pages; errors in plain words (never a traceback)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(stage), "--output-subdir", "pagefind", "--silent"]
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
