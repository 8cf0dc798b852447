"""What the importer needs to know about the site it imports into: tag labels, author names, and the
articles already there (to link "read also" titles, and to recognise an input imported before)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitegen.importer.extract_text import fold

_FENCE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


@dataclass(frozen=True)
class Existing:
    slug: str
    lang: str
    path: Path
    title: str
    sha256: str


@dataclass(frozen=True)
class SiteContext:
    site_dir: Path
    out_dir: Path
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {lang: label}
    authors: dict[str, str] = field(default_factory=dict)  # folded name or id -> id
    articles: tuple[Existing, ...] = ()
    problems: tuple[str, ...] = ()  # unreadable data files


def find_site_dir(out_dir: Path, cwd: Path) -> Path:
    """The folder holding `content/` above the output folder, or the current folder."""
    for parent in [out_dir, *out_dir.parents]:
        if parent.name == "content":
            return parent.parent
    return cwd


def _yaml_file(path: Path, problems: list[str]) -> Any:
    if not path.exists():
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        problems.append(f"{path}: could not be read ({type(exc).__name__}); its entries are not used")
        return None


def front_matter(path: Path) -> dict[str, Any]:
    """The front matter of an existing article, or {} when it has none or it is broken."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    if not text.startswith("---"):
        return {}
    fences = list(_FENCE.finditer(text))
    if len(fences) < 2:
        return {}
    try:
        data = yaml.safe_load(text[fences[0].end() : fences[1].start()])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def load_site(out_dir: Path, cwd: Path) -> SiteContext:
    site_dir = find_site_dir(out_dir, cwd)
    problems: list[str] = []
    tags: dict[str, dict[str, str]] = {}
    raw_tags = _yaml_file(site_dir / "data" / "tags.yaml", problems)
    if isinstance(raw_tags, dict):
        for tag_id, labels in raw_tags.items():
            if isinstance(labels, dict):
                tags[str(tag_id)] = {str(k): str(v) for k, v in labels.items() if isinstance(v, (str, int))}
    authors: dict[str, str] = {}
    raw_authors = _yaml_file(site_dir / "data" / "authors.yaml", problems)
    if isinstance(raw_authors, dict):
        for author_id, entry in raw_authors.items():
            authors[fold(str(author_id))] = str(author_id)
            names = entry.get("name") if isinstance(entry, dict) else None
            for name in names.values() if isinstance(names, dict) else [names] if names else []:
                authors[fold(str(name))] = str(author_id)
    articles = []
    content = site_dir / "content" / "articles"
    for root in {content, out_dir}:
        for path in sorted(root.rglob("*.md")) if root.is_dir() else []:
            parts = path.name.split(".")
            if len(parts) != 3:
                continue
            meta = front_matter(path)
            source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
            articles.append(
                Existing(
                    str(meta.get("slug") or parts[0]),
                    parts[1],
                    path,
                    str(meta.get("title") or ""),
                    str(source.get("sha256") or ""),
                )
            )
    unique = {(a.path.resolve()): a for a in articles}
    return SiteContext(site_dir, out_dir, tags, authors, tuple(unique.values()), tuple(problems))
