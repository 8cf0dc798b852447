"""Helpers for tests: build a site (in-process, or with the real CLI), parse its HTML, check every internal link.

Tests reach the pipeline through `build_site` here, which calls sitegen.build's stable entry points
(`build`, `BuildOptions`, `SiteErrors`): a refactor of the stages behind them changes this file, not the
tests. `run_sitegen`/`build` start the CLI in a subprocess: for tests of the CLI itself
(exit codes, messages, flags), not for checking what a build produces.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import lxml.html
import pytest

from sitegen.build import BuildOptions, BuildReport
from sitegen.build import build as build_in_process
from sitegen.errors import SiteError, SiteErrors

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "sites"
SHARED = REPO.parent / "shared"
CITE_JS = REPO / "sitegen" / "theme" / "static" / "cite.js"


def run_sitegen(
    *args: str | Path, cwd: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run `python -m sitegen ARGS` as a user would; output is captured as text."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )


def build(site: Path, out: Path, *extra: str, search: bool = False) -> subprocess.CompletedProcess[str]:
    """`sitegen build SITE -o OUT EXTRA` in a subprocess (without search unless asked)."""
    args = ["build", str(site), "-o", str(out), *extra]
    if not search:
        args.append("--no-search")
    return run_sitegen(*args)


@dataclass(frozen=True)
class Built:
    """An in-process build: its report when it succeeded, and every problem it found."""

    site: Path
    out: Path
    report: BuildReport | None
    problems: tuple[SiteError, ...]

    @property
    def ok(self) -> bool:
        """True where `sitegen build` would exit 0 (warnings allowed)."""
        return self.report is not None

    @property
    def text(self) -> str:
        """The problems as `sitegen build` prints them: `file:line: severity: message`, then the hint."""
        return "\n".join(p.format(self.site) for p in self.problems)


def build_site(
    site: Path,
    out: Path,
    base_url: str | None = None,
    drafts: bool = False,
    search: bool = False,
    cache: bool = True,
    **more: bool,
) -> Built:
    """Build `site` into `out` in this process, as `sitegen build` does (without search unless asked).

    A user's mistake (SiteErrors) is returned as `problems` with `ok` False; any other exception is a bug
    and fails the test with its traceback."""
    site, out = site.resolve(), out.resolve()
    try:
        # the options of the CLI flags --base-url, --drafts, --no-search, --no-cache
        options = BuildOptions(base_url=base_url, drafts=drafts, search=search, cache=cache, **more)
        report = build_in_process(site, out, options)
    except SiteErrors as exc:
        return Built(site, out, None, tuple(exc.errors))
    return Built(site, out, report, tuple(report.warnings))


def code_generator(site: Path, jinja_fast_code: bool = True) -> type:
    """The class that compiles the site's templates (jinja_fast's, or Jinja's own with jinja_fast_code=False)."""
    from sitegen.render import make_environment

    return make_environment(site, jinja_fast_code).code_generator_class


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def html_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if "pagefind" not in p.parts)


def cite_download(page: Path, ext: str) -> str:
    """The text a reader gets from the page's .bib or .ris download link: a data: URL (a site's own
    templates/cite.bib) decoded as a browser does (attribute unescaped by the HTML parser, then
    percent-decoded bytes, UTF-8), or the file the page's cite.js makes, run under node on what the page
    gives a browser (page_facts; test_research.py clicks the links in Chromium and compares)."""
    doc = html(page)
    [link] = doc.xpath(
        f'//ul[@class="cite-downloads"]//a[substring(@download, string-length(@download) - 3) = ".{ext}"]'
    )
    href = link.get("href")
    if href is not None:
        assert href.startswith("data:") and ";charset=utf-8," in href, href[:80]
        return unquote_to_bytes(href.partition(",")[2]).decode("utf-8")
    [data] = doc.xpath('//ul[@class="cite-downloads"]/@data-cite')
    [made] = cite_js("file", [[page_facts(doc), json.loads(data or "{}"), link.get("download")]])
    return str(made["text"])


def page_facts(doc: lxml.html.HtmlElement) -> dict[str, Any]:
    """What cite.js's pageFacts reads from an article page: its NewsArticle JSON-LD, the description just
    before the citation tags, citation_keywords and citation_publication_date."""
    lds = [json.loads(script.text) for script in doc.xpath('//script[@type="application/ld+json"]')]
    ld = next(one for one in lds if one.get("@type") == "NewsArticle")
    [title] = doc.xpath('//meta[@name="citation_title"]')
    described = title.getprevious()
    assert described is not None and described.get("name") == "description"

    def meta(name: str) -> str | None:
        found = doc.xpath(f'//meta[@name="{name}"]/@content')
        return str(found[0]) if found else None

    return {
        "ld": ld,
        "description": described.get("content"),
        "keywords": meta("citation_keywords"),
        "slashed": meta("citation_publication_date"),
    }


def cite_js(name: str, calls: list[list[Any]]) -> list[Any]:
    """`name` of sitegen/theme/static/cite.js called under node once per argument list in `calls` (its value,
    for a table); the results, through JSON. Skips the test where node is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        "const m = require(process.argv[1]), f = m[process.argv[2]];"
        "const calls = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(calls.map(a => typeof f === 'function' ? f(...a) : f)));"
    )
    proc = subprocess.run(
        [node, "-e", script, str(CITE_JS), name],
        input=json.dumps(calls),
        capture_output=True,
        encoding="utf-8",
        check=True,
    )
    return list(json.loads(proc.stdout))


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
        target = out / path[len(base_path) :]
    else:
        target = page.parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def check_links(out: Path, base_path: str = "/") -> list[BrokenLink]:
    """Every href/src on every page must name a file in `out` (under the site's base path)."""
    broken = []
    for page in html_files(out):
        doc = html(page)
        for element, attr, ref, _ in doc.iterlinks():
            if attr not in ("href", "src") or element.tag == "base":
                continue
            target = resolve(out, base_path, page, ref)
            if target is not None and not target.is_file():
                broken.append(BrokenLink(page.relative_to(out), attr, ref))
    return broken
