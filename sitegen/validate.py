"""Stage 3: SourceDocs → a validated Site; every problem is collected with its file and line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.arabic import fold
from sitegen.data import Registries
from sitegen.errors import Problems, SiteError, did_you_mean
from sitegen.model import (
    SLUG_RE,
    Article,
    Author,
    Config,
    Event,
    ExternalRef,
    Lang,
    PartialDate,
    Publication,
    Site,
    Slug,
    Source,
    SourceDoc,
    Tag,
    TagId,
)
from sitegen.urls import safe_segment
from sitegen.yamlio import file_line

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
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


class _Doc:
    """Error reporting for one file: finds the line of a front-matter key only when one is needed."""

    def __init__(self, doc: SourceDoc, problems: Problems):
        self.doc, self.problems = doc, problems

    def line(self, *path: str | int) -> int:
        found = file_line(self.doc.fm_text, self.doc.fm_start, path)
        return found if found is not None else self.doc.fm_start - 1

    def error(self, path: Sequence[str | int], message: str, hint: str = "") -> None:
        self.problems.error(self.doc.path, self.line(*path), message, hint)

    def warning(self, path: Sequence[str | int], message: str, hint: str = "") -> None:
        self.problems.warning(self.doc.path, self.line(*path), message, hint)


def parse_partial_date(value: Any) -> PartialDate | None:
    """`2019`, `2019-10`, `2019-10-09` (a date-time keeps its date); None when impossible."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return PartialDate(value) if 1 <= value <= 9999 else None
    if isinstance(value, (dt.date, dt.datetime)):
        return PartialDate(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    m = DATE_RE.match(value.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    try:
        if day:
            dt.date(year, month, day)
        elif month and not 1 <= month <= 12:
            return None
    except ValueError:
        return None
    return PartialDate(year, month, day)


def _text(d: _Doc, key: str, value: Any, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            d.error(
                [key] if key in d.doc.meta else [],
                f"missing `{key}`",
                f"add a line `{key}: ...` to the front matter",
            )
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    d.error([key], f"`{key}` must be text, not a {_kind(value)}", f"write: {key}: some text")
    return ""


def _kind(value: Any) -> str:
    return {"list": "list", "dict": "mapping", "bool": "true/false"}.get(
        type(value).__name__, type(value).__name__
    )


def _list_of_text(d: _Doc, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, list):
        d.error([key], f"`{key}` must be a list, not a {_kind(value)}", f"write: {key}: [first, second]")
        return []
    out = []
    for i, item in enumerate(value):
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            out.append(str(item).strip())
        else:
            d.error([key, i], f"item {i + 1} of `{key}` must be text, not a {_kind(item)}")
    return out


def _source(d: _Doc, value: Any) -> Source:
    if value is None:
        return Source()
    if isinstance(value, str):
        return Source(name=value.strip())
    if not isinstance(value, dict):
        d.error(
            ["source"],
            f"`source` must be a name or a mapping, not a {_kind(value)}",
            "write: source: {name: ..., url: https://...}",
        )
        return Source()
    fields: dict[str, str] = {}
    for key in ("name", "url", "archive_url", "sha256", "accessed", "copy"):
        fields[key] = _text(d, "source", value.get(key)) if key in value else ""
    for key in value:
        if key not in fields:
            d.warning(
                ["source", str(key)],
                f"unknown field `source.{key}` is ignored",
                did_you_mean(str(key), fields) or "known: name, url, accessed, archive_url, sha256, copy",
            )
    for key in ("url", "archive_url"):
        if fields[key] and not re.match(r"^https?://", fields[key]):
            d.error(
                ["source", key],
                f"`source.{key}` must be a web address starting with http:// or https://",
                f"got {fields[key]!r}",
            )
            fields[key] = ""
    accessed = None
    if fields["accessed"]:
        pd = parse_partial_date(value.get("accessed"))
        if pd is None or not pd.day:
            d.error(
                ["source", "accessed"],
                f"`source.accessed` is not a valid date: {fields['accessed']!r}",
                "write it as YYYY-MM-DD, e.g. 2020-12-22",
            )
        else:
            accessed = dt.date(pd.year, pd.month, pd.day)
    return Source(
        fields["name"], fields["url"], accessed, fields["archive_url"], fields["sha256"], fields["copy"]
    )


def _events(d: _Doc, value: Any) -> tuple[Event, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        d.error(
            ["events"],
            "`events` must be a list of {date, title}",
            "write: events: [{date: 2020-12-20, title: ...}]",
        )
        return ()
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            d.error(["events", i], f"event {i + 1} must be a mapping with date and title")
            continue
        start = parse_partial_date(item.get("date"))
        title = item.get("title")
        if start is None:
            d.error(
                ["events", i, "date"],
                f"event {i + 1} has no valid date: {item.get('date')!r}",
                "write the date as YYYY-MM-DD, YYYY-MM or YYYY",
            )
            continue
        if not isinstance(title, (str, int)) or not str(title).strip():
            d.error(["events", i], f"event {i + 1} needs a title", "add: title: what happened")
            continue
        circa = item.get("circa", False)
        if not isinstance(circa, bool):
            d.error(["events", i, "circa"], "`circa` must be true or false")
            circa = False
        end = None
        if item.get("end") is not None:
            end = parse_partial_date(item.get("end"))
            if end is None:
                d.error(
                    ["events", i, "end"],
                    f"event {i + 1} has an invalid end date: {item.get('end')!r}",
                    "write the date as YYYY-MM-DD, YYYY-MM or YYYY",
                )
            elif end.sort_key() < start.sort_key():
                d.error(["events", i, "end"], f"event {i + 1} ends before it starts", "swap `date` and `end`")
                end = None
        start = PartialDate(start.year, start.month, start.day, circa)
        out.append(Event(start, str(title).strip(), end))
    return tuple(out)


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
                doc, _validate_one(_Doc(doc, mine), config, registries, effects), tuple(mine.items), effects
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
    return Site(config, articles, tags, authors, sources)


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


def _plain(value: object) -> str:
    """A scalar as YAML wrote it (`title: 1984` is an int); '' for a list, mapping or null."""
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _validate_one(d: _Doc, config: Config, reg: Registries, effects: _Effects) -> Article | None:
    meta, doc = d.doc.meta, d.doc
    for key in meta:
        if key not in KNOWN_FIELDS:
            d.warning(
                [key],
                f"unknown front-matter field `{key}` is ignored",
                did_you_mean(key, KNOWN_FIELDS) or "see docs/content.md for the fields",
            )
    before = d.problems.error_count
    title = _text(d, "title", meta.get("title"), required=True)
    slug = str(doc.slug)
    if "slug" in meta:
        slug = _text(d, "slug", meta.get("slug"))
    if slug and not SLUG_RE.match(slug):
        where = ["slug"] if "slug" in meta else []
        d.error(
            where,
            f"'{slug}' is not a valid slug: use lowercase a-z, digits and hyphens",
            f"for example '{safe_segment(slug).encode('ascii', 'ignore').decode() or 'my-article'}'",
        )
    date = None
    if "date" not in meta or meta.get("date") in (None, ""):
        d.error([], "missing `date`", "add a line like `date: 2020-12-21` to the front matter")
    else:
        pd = parse_partial_date(meta["date"])
        if pd is None or not pd.day:
            d.error(
                ["date"],
                f"`date` is not a valid date: {meta['date']!r}",
                "write it as YYYY-MM-DD with a real month (01-12) and day, e.g. 2020-12-21",
            )
        else:
            date = dt.date(pd.year, pd.month, pd.day)

    author_ids = []
    for name in _list_of_text(d, "author", meta.get("author")):
        aid = reg.author_index.get(fold(name))
        if aid is None:
            aid = "a-" + safe_segment(name) if safe_segment(name) in reg.authors else safe_segment(name)
            effects.authors.append((aid, name))
        author_ids.append(aid)

    tag_ids: list[TagId] = []
    for i, label in enumerate(_list_of_text(d, "tags", meta.get("tags"))):
        tid = reg.tag_index.get(fold(label))
        if tid is None:
            tid = TagId(safe_segment(label))
            hint = did_you_mean(label, [lab for t in reg.tags.values() for lab in t.labels.values()])
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

    source = _source(d, meta.get("source"))
    if source.name:
        effects.source = Publication(safe_segment(source.name), source.name)

    related: list[Slug] = []
    external: list[ExternalRef] = []
    titles: list[str] = []
    rel = meta.get("related")
    if rel is not None and not isinstance(rel, list):
        d.error(["related"], "`related` must be a list", 'write: related: [other-slug, {title: "…"}]')
        rel = []
    for i, item in enumerate(rel or []):
        if isinstance(item, dict) and item.get("url"):
            url = str(item["url"]).strip()
            if not re.match(r"^https?://", url):  # never javascript:, data: or a local file
                d.error(
                    ["related", i],
                    f"related item {i + 1}: the url must start with http:// or https://",
                    f"got {url!r}",
                )
                continue
            external.append(ExternalRef(str(item.get("title") or url), url))
        elif isinstance(item, dict) and _plain(item.get("title")).strip():
            titles.append(" ".join(_plain(item["title"]).split()))  # graph.py links it if an article has it
        elif isinstance(item, str) and item.strip():
            related.append(Slug(item.strip()))
        else:
            keys = f" (its keys: {', '.join(map(str, item))})" if isinstance(item, dict) and item else ""
            d.error(
                ["related", i],
                f"item {i + 1} of `related` is neither a slug nor has a title or url{keys}",
                'write a slug (- other-slug), a title (- {title: "…"}: a link if an article has that '
                'title) or a title and url (- {title: "…", url: "https://…"})',
            )

    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        d.error(["draft"], "`draft` must be true or false", "write: draft: true")
        draft = False
    events = _events(d, meta.get("events"))
    summary = _text(d, "summary", meta.get("summary"))
    extras = {k: _text(d, k, meta.get(k)) for k in ("translated_from", "translator", "content_warning")}
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
        body_html=doc.body_html,
        links=doc.links,
        source_path=doc.path,
        translated_from=extras["translated_from"],
        translator=extras["translator"],
        content_warning=extras["content_warning"],
        fm_text=doc.fm_text,
        fm_start=doc.fm_start,
        search_words=doc.search_words,
        related_titles=tuple(titles),
    )
