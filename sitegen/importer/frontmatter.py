"""Stage: the article file's text — front matter written by a YAML emitter, then the Markdown body.

yaml.safe_dump quotes whatever needs quoting, so no imported title, name or URL can add a key, end the
front matter early (`---`) or carry a tag like `!!python/object`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

FIELD_ORDER = ("title", "date", "author", "source", "tags", "related", "summary", "translated_from")


@dataclass(frozen=True)
class Article:
    """Everything written into one `<slug>.<lang>.md`."""

    slug: str
    lang: str
    meta: dict[str, Any]
    body: str


def build_meta(
    *,
    title: str,
    date: dt.date,
    author: str,
    source_name: str,
    source_url: str,
    accessed: dt.date,
    sha256: str,
    tags: list[str],
    related: list[Any],
    summary: str,
    translated_from: str = "",
) -> dict[str, Any]:
    """Front-matter fields in the order of docs/content.md, empty ones left out."""
    source: dict[str, Any] = {}
    if source_name:
        source["name"] = source_name
    if source_url:
        source["url"] = source_url
    source["accessed"] = accessed
    source["sha256"] = sha256
    meta: dict[str, Any] = {"title": title, "date": date}
    if author:
        meta["author"] = author
    meta["source"] = source
    if tags:
        meta["tags"] = tags
    if related:
        meta["related"] = related
    if summary:
        meta["summary"] = summary
    if translated_from:
        meta["translated_from"] = translated_from
    return meta


def render(article: Article) -> str:
    """The complete file text."""
    fm = yaml.safe_dump(
        article.meta, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False
    )
    return f"---\n{fm}---\n\n{article.body.strip()}\n"
