"""Registries from data/: tags.yaml and authors.yaml, with lookups by id or by any-language label."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from sitegen.errors import Problems
from sitegen.model import Author, Config, Tag, TagId
from sitegen.urls import safe_segment
from sitegen.yamlio import key_lines, load_data_file


def fold(text: str) -> str:
    """Key for matching labels and names typed in different ways."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Registries:
    tags: dict[TagId, Tag]
    tag_index: dict[str, TagId]  # folded id or label -> id
    authors: dict[str, Author]
    author_index: dict[str, str]  # folded id or name -> id


def load_registries(config: Config, problems: Problems) -> Registries:
    tags, tag_index = _load_tags(config.site_dir / "data" / "tags.yaml", config, problems)
    authors, author_index = _load_authors(config.site_dir / "data" / "authors.yaml", config, problems)
    return Registries(tags, tag_index, authors, author_index)


def _read(path: Path, problems: Problems) -> tuple[dict[str, Any], str]:
    if not path.exists():
        return {}, ""
    data, errs = load_data_file(path)
    problems.extend(errs)
    if errs or data is None:
        return {}, ""
    if not isinstance(data, dict):
        problems.error(
            path, 1, f"{path.name} must be a mapping of ids to entries", "see docs/content.md for the format"
        )
        return {}, ""
    return data, path.read_text(encoding="utf-8-sig")


def _entries(path: Path, kind: str, problems: Problems) -> Iterator[tuple[str, int | None, Any]]:
    """(id, line, entry) for each entry of a registry whose id is a valid URL segment."""
    data, text = _read(path, problems)
    lines = key_lines(text) if data else {}
    for raw_id, entry in data.items():
        entry_id = str(raw_id)
        line = lines.get(entry_id)
        if safe_segment(entry_id) != entry_id:
            problems.error(
                path,
                line,
                f"{kind} id '{entry_id}' must be lowercase letters, digits and hyphens",
                f"rename it to '{safe_segment(entry_id)}'",
            )
            continue
        yield entry_id, line, entry


def _load_tags(path: Path, config: Config, problems: Problems) -> tuple[dict[TagId, Tag], dict[str, TagId]]:
    tags: dict[TagId, Tag] = {}
    index: dict[str, TagId] = {}
    for tid, line, labels in _entries(path, "tag", problems):
        if isinstance(labels, str):
            labels = {lang: labels for lang in config.languages}
        if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
            problems.error(
                path, line, f"tag '{tid}' needs a label per language", f"write: {tid}: {{ar: ..., en: ...}}"
            )
            continue
        tag = Tag(TagId(tid), {str(k): v for k, v in labels.items()}, True)
        tags[tag.id] = tag
        for key in (tid, *tag.labels.values()):
            index.setdefault(fold(key), tag.id)
    return tags, index


def _load_authors(path: Path, config: Config, problems: Problems) -> tuple[dict[str, Author], dict[str, str]]:
    authors: dict[str, Author] = {}
    index: dict[str, str] = {}
    for aid, line, entry in _entries(path, "author", problems):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            problems.error(
                path,
                line,
                f"author '{aid}' must be a mapping with name (and optional bio, links)",
                f"write: {aid}: {{name: {{ar: ..., en: ...}}}}",
            )
            continue
        names = entry.get("name", aid)
        names = {"*": names} if isinstance(names, str) else names
        bio = entry.get("bio", {})
        bio = {lang: bio for lang in config.languages} if isinstance(bio, str) else bio
        links = entry.get("links", [])
        if not (isinstance(names, dict) and isinstance(bio, dict) and isinstance(links, list)):
            problems.error(
                path,
                line,
                f"author '{aid}': name and bio must be text or per-language mappings, links a list of URLs",
                "see docs/content.md",
            )
            continue
        author = Author(
            aid,
            {str(k): str(v) for k, v in names.items()},
            {str(k): str(v) for k, v in bio.items()},
            tuple(str(x) for x in links),
            True,
        )
        authors[aid] = author
        for key in (aid, *author.names.values()):
            index.setdefault(fold(key), aid)
    return authors, index
