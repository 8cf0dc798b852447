"""Helpers for tests: build a site with the real CLI, parse its HTML, check every internal link."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "sites"
SHARED = REPO.parent / "shared"


def run_sitegen(*args: str | Path, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run `python -m sitegen ARGS` as a user would; output is captured as text."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "sitegen", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


def build(site: Path, out: Path, *extra: str, search: bool = False) -> subprocess.CompletedProcess[str]:
    args = ["build", str(site), "-o", str(out), *extra]
    if not search:
        args.append("--no-search")
    return run_sitegen(*args)


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def html_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if "pagefind" not in p.parts)


@dataclass(frozen=True)
class BrokenLink:
    page: Path
    attr: str
    target: str

    def __str__(self) -> str:
        return f"{self.page}: {self.attr}={self.target!r} does not resolve"


def resolve(out: Path, base_path: str, page: Path, ref: str) -> Path | None:
    """The file a same-site reference points to, or None for links to other sites."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or ref.startswith(("#", "mailto:", "data:")):
        return None
    path = unquote(parts.path)
    if not path:
        return page
    if path.startswith("/"):
        if not path.startswith(base_path):
            return out / "__outside_base_path__" / path.lstrip("/")
        target = out / path[len(base_path):]
    else:
        target = (page.parent / path)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def check_links(out: Path, base_path: str = "/") -> list[BrokenLink]:
    """Every href/src on every page must name a file in `out` (under the site's base path)."""
    broken = []
    for page in html_files(out):
        doc = html(page)
        for element, attr, ref, _ in doc.iterlinks():
            if attr not in ("href", "src") or element.tag in ("base",):
                continue
            target = resolve(out, base_path, page, ref)
            if target is not None and not target.is_file():
                broken.append(BrokenLink(page.relative_to(out), attr, ref))
    return broken
