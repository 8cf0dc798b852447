"""Stage 3: SourceDocs → a validated Site; every problem is collected with its file and line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.arabic import fold
from sitegen.bodies import BodyStore
from sitegen.data import Registries
from sitegen.errors import Problems, SiteError, did_you_mean
from sitegen.fields import (
    Doc,
    read_date,
    read_events,
    read_list,
    read_related,
    read_source,
    read_text,
    recorded_hash,
)
from sitegen.model import (
    MAX_SLUG,
    SLUG_RE,
    Article,
    Author,
    Config,
    Lang,
    Publication,
    Site,
    Slug,
    SourceDoc,
    Tag,
    TagId,
)
from sitegen.urls import safe_segment

KNOWN_FIELDS = (
    "title",
    "date",
    "author",
    "source",
    "tags",
    "related",
    "events",
    "summary",
    "draft",
    "slug",
    "translated_from",
    "translator",
    "content_warning",
    "translated_from_hash",
)


@dataclass
class _Effects:
    """What one document adds to the site's registries: applied in file order, since the first file to
    name an unregistered tag, author or source gives its label."""

    tags: list[tuple[TagId, Lang, str]] = field(default_factory=list)  # (id before any clash rename, …)
    authors: list[tuple[str, str]] = field(default_factory=list)  # (id, name as written)
    source: Publication | None = None


@dataclass(frozen=True)
class _Done:
    doc: SourceDoc
    article: Article | None
    problems: tuple[SiteError, ...]
    effects: _Effects


@dataclass
class ValidateMemo:
    """Each document's validation, kept by the dev server between rebuilds: a document read again is a new
    SourceDoc, an unchanged one is the very same object, so an edit re-validates only the edited files (and
    the unchanged Article objects stay the same, which makes comparing two models cheap)."""

    settings: tuple[Config, Registries, bool] | None = None
    done: dict[int, _Done] = field(default_factory=dict)  # id(SourceDoc) -> its validation


def validate(
    docs: Sequence[SourceDoc],
    config: Config,
    registries: Registries,
    problems: Problems,
    drafts: bool = False,
    memo: ValidateMemo | None = None,
    *,
    bodies: BodyStore,
) -> Site:
    """Check every document's front matter; errors go to `problems` (the caller raises once)."""
    articles: dict[tuple[Slug, Lang], Article] = {}
    seen: dict[tuple[Slug, Lang], Path] = {}
    tags = dict(registries.tags)
    authors = dict(registries.authors)
    sources: dict[str, Publication] = {}
    settings = (config, registries, drafts)
    earlier = memo.done if memo is not None and memo.settings == settings else {}
    done: dict[int, _Done] = {}
    for doc in docs:
        hit = earlier.get(id(doc))
        if hit is None or hit.doc is not doc:
            mine = Problems()
            effects = _Effects()
            hit = _Done(
                doc, _validate_one(Doc(doc, mine), config, registries, effects), tuple(mine.items), effects
            )
        done[id(doc)] = hit
        problems.extend(hit.problems)
        _apply(hit.effects, tags, authors, sources)
        article = hit.article
        if article is None or (article.draft and not drafts):
            continue
        if article.key in seen:
            problems.error(
                doc.path,
                None,
                f"duplicate article: '{article.slug}' in '{article.lang}' is also {seen[article.key]}",
                "give one of them another slug (rename the file or change its `slug:`)",
            )
            continue
        seen[article.key] = doc.path
        articles[article.key] = article
    if memo is not None:
        memo.settings, memo.done = settings, done
    return Site(config, articles, tags, authors, sources, bodies)


def _apply(
    effects: _Effects, tags: dict[TagId, Tag], authors: dict[str, Author], sources: dict[str, Publication]
) -> None:
    for tid, lang, label in effects.tags:
        existing = tags.get(tid)
        if existing is None or existing.registered:
            if existing is not None:  # an unregistered label clashing with a registered id
                tid = TagId("t-" + tid)
            tags[tid] = Tag(tid, {lang: label}, False)
        elif lang not in existing.labels:
            tags[tid] = Tag(tid, {**existing.labels, lang: label}, False)
    for aid, name in effects.authors:
        authors.setdefault(aid, Author(aid, {"*": name}, {}, (), False))
    if effects.source is not None:
        sources.setdefault(effects.source.id, effects.source)


def _validate_one(d: Doc, config: Config, reg: Registries, effects: _Effects) -> Article | None:
    meta, doc = d.doc.meta, d.doc
    for key in meta:
        if key not in KNOWN_FIELDS:
            d.warning(
                [key],
                f"unknown front-matter field `{key}` is ignored",
                did_you_mean(key, KNOWN_FIELDS) or "see docs/content.md for the fields",
            )
    before = d.problems.error_count
    title = read_text(d, "title", meta.get("title"), required=True)
    slug = str(doc.slug)
    if "slug" in meta:
        slug = read_text(d, "slug", meta.get("slug"))
    if slug and not SLUG_RE.match(slug):
        where = ["slug"] if "slug" in meta else []
        example = safe_segment(slug).encode("ascii", "ignore").decode()[:MAX_SLUG].strip("-")
        d.error(where, _slug_problem(slug), f"for example '{example or 'my-article'}'")
    date = read_date(d, meta)

    author_ids = []
    for name in read_list(d, "author", meta.get("author")):
        aid = reg.author_index.get(fold(name))
        if aid is None:
            aid = "a-" + safe_segment(name) if safe_segment(name) in reg.authors else safe_segment(name)
            effects.authors.append((aid, name))
        author_ids.append(aid)

    tag_ids: list[TagId] = []
    for i, label in enumerate(read_list(d, "tags", meta.get("tags"))):
        tid = reg.tag_index.get(fold(label))
        if tid is None:
            tid = TagId(safe_segment(label))
            hint = did_you_mean(label, [lab for t in reg.tags.values() for lab in t.labels.values()])
            if any(comma in label for comma in ",،"):
                parts = ", ".join(p.strip() for p in re.split("[,،]", label) if p.strip())
                hint = f"if these are several tags, write them as a list: tags: [{parts}]"
            d.warning(
                ["tags", i],
                f"tag '{label}' is not in data/tags.yaml",
                hint or "add it to data/tags.yaml with a label per language",
            )
            effects.tags.append((tid, doc.lang, label))
            registered = reg.tags.get(tid)
            if registered is not None and registered.registered:
                tid = TagId("t-" + tid)  # an unregistered label clashing with a registered id (see _apply)
        if tid not in tag_ids:
            tag_ids.append(tid)

    source = read_source(d, meta.get("source"))
    if source.name:
        effects.source = Publication(safe_segment(source.name), source.name)

    related, external, titles = read_related(d, meta.get("related"))

    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        d.error(["draft"], "`draft` must be true or false", "write: draft: true")
        draft = False
    events = read_events(d, meta.get("events"))
    summary = read_text(d, "summary", meta.get("summary"))
    extras = {k: read_text(d, k, meta.get(k)) for k in ("translated_from", "translator", "content_warning")}
    if d.problems.error_count > before or date is None:
        return None
    return Article(
        slug=Slug(slug),
        lang=doc.lang,
        title=title,
        date=date,
        authors=tuple(author_ids),
        source=source,
        tags=tuple(tag_ids),
        related=tuple(related),
        external_related=tuple(external),
        events=events,
        summary=summary,
        draft=draft,
        body_key=doc.body_key,
        links=doc.links,
        source_path=doc.path,
        translated_from=extras["translated_from"],
        translator=extras["translator"],
        content_warning=extras["content_warning"],
        fm_start=doc.fm_start,
        translated_from_hash=recorded_hash(doc.fm_text),
        related_titles=tuple(titles),
    )


def _slug_problem(slug: str) -> str:
    """Why `slug` (not matching SLUG_RE) is refused, in plain words."""
    shown = slug if len(slug) <= 60 else slug[:60] + "…"
    if len(slug) > MAX_SLUG:
        return f"'{shown}' is too long for a slug ({len(slug)} characters, at most {MAX_SLUG})"
    if slug.startswith("-") or slug.endswith("-"):
        return f"'{shown}' is not a valid slug: it may not start or end with a hyphen"
    return f"'{shown}' is not a valid slug: use lowercase a-z, digits and hyphens"
