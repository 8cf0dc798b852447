"""Data for other tools: the rows of `articles.json` and `articles.csv` (one per article and language),
formatted. Documented in docs/data.md; keep the two in step.

These outputs are Pages like any other, planned in pages.py (`research_pages`): they go through the same
parallel renderer, the duplicate-URL check and the dev server's per-slug rebuilds, and a site can override
their templates.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sitegen import urls
from sitegen.check.translations import TranslationState
from sitegen.graph import Graph
from sitegen.model import Lang, Site, Slug

COLUMNS = (
    "slug",
    "language",
    "title",
    "date",
    "authors",
    "author_ids",
    "source_name",
    "source_url",
    "source_archive_url",
    "source_accessed",
    "source_sha256",
    "tags",
    "tag_labels",
    "related",
    "translated_from",
    "translation_state",
    "translator",
    "url",
)
LIST_COLUMNS = frozenset({"authors", "author_ids", "tags", "tag_labels", "related"})
LIST_SEPARATOR = " | "
# a spreadsheet runs a cell that starts with one of these as a formula (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# one encoder for every row: json.dumps makes a new one per call when given ensure_ascii
_JSON = json.JSONEncoder(ensure_ascii=False)


def rows(
    site: Site, graph: Graph, states: Mapping[tuple[Slug, Lang], TranslationState]
) -> Iterator[dict[str, Any]]:
    """Newest article first, then the site's language order; lists stay lists (JSON keeps them).

    `states`: each version's translation state ("original", "current", "outdated", "unknown"). One row at
    a time: all of them at once were ~400 MB at 100k articles, in the main process that renders the exports
    (render/job.py reads_whole_site)."""
    config = site.config
    for slug in graph.order:
        versions = graph.versions[slug]
        for lang in [x for x in config.languages if x in versions]:
            a = versions[lang]
            yield (
                {
                    "slug": slug,
                    "language": lang,
                    "title": a.title,
                    "date": a.date.isoformat(),
                    "authors": [site.authors[x].name(lang) for x in a.authors],
                    "author_ids": list(a.authors),
                    "source_name": a.source.name,
                    "source_url": a.source.url,
                    "source_archive_url": a.source.archive_url,
                    "source_accessed": a.source.accessed.isoformat() if a.source.accessed else "",
                    "source_sha256": a.source.sha256,
                    "tags": list(a.tags),
                    "tag_labels": [site.tags[t].label(lang) for t in a.tags],
                    "related": list(graph.related.get(slug, ())),
                    "translated_from": a.translated_from,
                    "translation_state": states[(slug, lang)].state,
                    "translator": a.translator,
                    "url": urls.absolute(config, urls.article_url(config, lang, slug)),
                }
            )


def to_json(table: Iterable[dict[str, Any]]) -> str:
    """One article a line: readable and diff-friendly, and each line made by json's C encoder (with
    `indent`, json falls back to its pure-Python encoder: 1.4 s for a 10k-article site). A row is the
    list of its values in the order of `columns` (docs/data.md): the keys on every row were a third of
    the file (3.9 MB at 10k)."""
    return json_lines({"columns": list(COLUMNS)}, "articles", [[row[c] for c in COLUMNS] for row in table])


def json_lines(head: dict[str, Any], key: str, items: Iterable[Any]) -> str:
    """`{...head, key: [items]}` as JSON with one item a line."""

    dump = _JSON.encode

    # joined once: the export of a 10k-article site is ~10 MB of text, and each intermediate copy (the items
    # joined, then wrapped, then framed) was another 20 MB at the render worker's peak
    parts = ["{\n"]
    for k, v in head.items():
        parts += [dump(k), ": ", dump(v), ",\n"]
    parts += [dump(key), ": ["]
    empty = len(parts)
    for item in items:
        parts += [",\n " if len(parts) > empty else "\n ", dump(item)]
    parts.append("\n]\n}\n" if len(parts) > empty else "]\n}\n")
    return "".join(parts)


def csv_cell(value: Any) -> str:
    text = LIST_SEPARATOR.join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Iterable[dict[str, Any]]) -> str:
    """UTF-8 with a byte-order mark: without it Excel shows Arabic as mojibake."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table:
        writer.writerow([csv_cell(row[c]) for c in COLUMNS])
    return "\ufeff" + buf.getvalue()
