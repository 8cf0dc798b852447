"""What the importer needs to know about the site it imports into: tag labels, author names, and the
articles already there (to link "read also" titles, and to recognise an input imported before)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.arabic import fold
from sitegen.config import load_config
from sitegen.data import load_registries
from sitegen.errors import Problems, SiteError, SiteErrors
from sitegen.read import closing_fence, decode, opens_front_matter
from sitegen.yamlio import load, load_data_file


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
    """A data file read as `sitegen build` reads it (yamlio.py); a problem is noted, never raised."""
    if not path.exists():
        return None
    try:
        data, errors = load_data_file(path)
    except OSError as exc:
        problems.append(f"{path}: could not be read ({exc.strerror}); its entries are not used")
        return None
    # data/authors.yaml is read by the registries too (_build_tags), which noted its problems already
    problems.extend(e.format() for e in errors if e.format() not in problems)
    return data


def front_matter(path: Path) -> tuple[dict[str, Any], SiteError | None]:
    """The front matter of an existing article, read as `sitegen build` reads it (read.py's decoding and
    fences, yamlio's loader); when it cannot be, {} and why, in the build's words."""
    try:
        text, error = decode(path.read_bytes(), path)
    except OSError as exc:
        return {}, SiteError(path, None, f"cannot read this file: {exc.strerror}")
    if text is None:
        return {}, error
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not opens_front_matter(lines[0]):
        return {}, SiteError(path, 1, "the file does not start with front matter")
    close = closing_fence(lines)
    if close is None:
        return {}, SiteError(path, 1, "the front matter is never closed")
    fm_text = "\n".join(lines[1:close])
    meta, problem = load(fm_text) if fm_text.strip() else ({}, None)
    if problem is not None:
        line = min(problem.line, close - 1) + 1 if problem.line else 1  # as read_file counts it
        return {}, SiteError(path, line, problem.message, problem.hint)
    if meta is not None and not isinstance(meta, dict):
        return {}, SiteError(path, 2, "the front matter must be a list of `key: value` lines")
    return meta or {}, None


def _build_tags(site_dir: Path, problems: list[str]) -> dict[str, dict[str, str]]:
    """The tag registry exactly as `sitegen build` reads it (data.py), so a tag the build accepts is
    never refused by `import --tag`: id -> {lang: label}."""
    try:
        config, _ = load_config(site_dir)
    except SiteErrors as exc:
        problems.append(
            f"{site_dir / 'site.yaml'}: could not be read ({len(exc.errors)} problem(s)); "
            "tags from data/tags.yaml are not used"
        )
        return {}
    found = Problems()
    registries = load_registries(config, found)
    problems.extend(e.format() for e in found.items if e.severity == "error")
    return {str(tid): dict(tag.labels) for tid, tag in registries.tags.items()}


def load_site(out_dir: Path, cwd: Path) -> SiteContext:
    site_dir = find_site_dir(out_dir, cwd)
    problems: list[str] = []
    tags = _build_tags(site_dir, problems)
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
            meta, problem = front_matter(path)
            if problem is not None:
                # still an article of the site (its slug is taken), only its title and source are unknown
                problems.append(
                    f"{problem.location()}: {problem.message}; its title and source are not used"
                    " (to link related titles or recognise an input imported before)"
                )
            source = meta["source"] if isinstance(meta.get("source"), dict) else {}
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
