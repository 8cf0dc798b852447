"""Which external URLs the archive cites, where (file and line), and what a link's result means for the
article that cites it: a dead source with an archived copy is a warning, without one an error."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.check.findings import Finding
from sitegen.check.links import PERMANENT_REDIRECTS, LinkResult
from sitegen.check.texts import RawFile, line_of, read_raw
from sitegen.errors import Severity, SiteError
from sitegen.model import Article, Site
from sitegen.read import front_matter
from sitegen.yamlio import file_line

HREF = re.compile(r"""<a\s[^>]*?href="(https?://[^"]+)\"""", re.IGNORECASE)
WAYBACK = "https://web.archive.org/web/*/"


@dataclass(frozen=True)
class Use:
    article: Article
    line: int | None
    kind: str  # "source", "archive", "related", "body"


def cited_urls(site: Site, raw: dict[Path, RawFile | None] | None = None) -> dict[str, list[Use]]:
    """Every http(s) URL the articles cite, with each place that cites it."""
    cache: dict[Path, RawFile | None] = {} if raw is None else raw
    uses: dict[str, list[Use]] = {}

    def add(url: str, use: Use) -> None:
        uses.setdefault(url, []).append(use)

    for article in site.articles.values():
        if article.source.url:
            add(article.source.url, Use(article, _fm_line(article, ["source", "url"]), "source"))
        if article.source.archive_url:
            add(
                article.source.archive_url,
                Use(article, _fm_line(article, ["source", "archive_url"]), "archive"),
            )
        for i, ref in enumerate(article.external_related):
            add(ref.url, Use(article, _fm_line(article, ["related", i]), "related"))
        hrefs = dict.fromkeys(html.unescape(h) for h in HREF.findall(site.bodies.html(article.body_key)))
        if hrefs:
            if article.source_path not in cache:
                cache[article.source_path] = read_raw(article.source_path)
            body = cache[article.source_path]
            for url in hrefs:
                add(url, Use(article, line_of(body, url) if body else None, "body"))
    return uses


def _fm_line(article: Article, path: list[str | int]) -> int | None:
    return file_line(front_matter(article.source_path), article.fm_start, path)


def link_findings(uses: dict[str, list[Use]], results: dict[str, LinkResult]) -> list[Finding]:
    findings: list[Finding] = []
    for url, result in results.items():
        for use in uses.get(url, ()):
            finding = _finding(use, result)
            if finding is not None:
                findings.append(finding)
    return findings


def _finding(use: Use, r: LinkResult) -> Finding | None:
    what = {
        "source": "the source",
        "archive": "the archived copy",
        "related": "the related link",
        "body": "the link",
    }[use.kind]
    path = use.article.source_path

    def made(message: str, hint: str, severity: Severity, note: bool = False) -> Finding:
        return Finding("external", SiteError(path, use.line, message, hint, severity), note)

    if r.ok:
        if r.final_url and r.redirect_code in PERMANENT_REDIRECTS:
            return made(
                f"{what} {r.url} has moved ({r.redirect_code}) to {r.final_url}",
                "update the address to the new one",
                "warning",
            )
        if r.final_url:
            return made(
                f"{what} {r.url} redirects ({r.redirect_code}) to {r.final_url}",
                "nothing to do unless the new page is not the same article",
                "warning",
                note=True,
            )
        return None
    problem = {
        "gone": f"is gone ({r.detail})",
        "unreachable": f"cannot be reached: {r.detail}",
        "timeout": f"did not answer: {r.detail}",
        "error": f"answered {r.detail}",
    }[r.status]
    tries = f" after {r.attempts} tries" if r.attempts > 1 else ""
    dead = r.status in ("gone", "unreachable")
    if use.kind == "source":
        if use.article.source.archive_url:
            return made(
                f"{what} {r.url} {problem}{tries}; readers still have the archived copy",
                "nothing to do while source.archive_url works",
                "warning",
            )
        return made(
            f"{what} {r.url} {problem}{tries}, and the article has no archived copy",
            "add source.archive_url: a saved copy of the page; the Wayback Machine may have one: "
            + WAYBACK
            + r.url,
            "error" if dead else "warning",
        )
    return made(
        f"{what} {r.url} {problem}{tries}",
        "replace it with a working address or an archived copy, or remove it",
        "error" if dead else "warning",
    )
