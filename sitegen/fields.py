"""The per-field readers of front matter (text, lists, dates, source, events, related), each reporting
its problems at the field's own line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sitegen.errors import Problems, did_you_mean
from sitegen.model import Event, ExternalRef, PartialDate, Slug, Source, SourceDoc
from sitegen.yamlio import file_line

HASH_FIELD = "translated_from_hash"
# read from the raw text, not from the YAML value: YAML takes an all-digit hash for a number
HASH_RE = re.compile(rf"^{HASH_FIELD}:[ \t]*['\"]?([0-9a-fA-F]*)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def recorded_hash(fm_text: str) -> str | None:
    """The hash a translation's front matter records of its original's body; None when there is none."""
    m = HASH_RE.search(fm_text)
    return m.group(1).lower() if m and m.group(1) else None


DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


class Doc:
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


def read_text(d: Doc, key: str, value: Any, required: bool = False) -> str:
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
    d.error([key], f"`{key}` must be text, not a {kind(value)}", f"write: {key}: some text")
    return ""


def kind(value: Any) -> str:
    return {"list": "list", "dict": "mapping", "bool": "true/false"}.get(
        type(value).__name__, type(value).__name__
    )


def read_list(d: Doc, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [str(value)]
    if not isinstance(value, list):
        d.error([key], f"`{key}` must be a list, not a {kind(value)}", f"write: {key}: [first, second]")
        return []
    out = []
    for i, item in enumerate(value):
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            out.append(str(item).strip())
        else:
            d.error([key, i], f"item {i + 1} of `{key}` must be text, not a {kind(item)}")
    return out


def read_source(d: Doc, value: Any) -> Source:
    if value is None:
        return Source()
    if isinstance(value, str):
        return Source(name=value.strip())
    if not isinstance(value, dict):
        d.error(
            ["source"],
            f"`source` must be a name or a mapping, not a {kind(value)}",
            "write: source: {name: ..., url: https://...}",
        )
        return Source()
    fields: dict[str, str] = {}
    for key in ("name", "url", "archive_url", "sha256", "accessed", "copy"):
        fields[key] = read_text(d, "source", value.get(key)) if key in value else ""
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


def read_events(d: Doc, value: Any) -> tuple[Event, ...]:
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
                f"event {i + 1} has no date"
                if item.get("date") is None
                else f"event {i + 1} has no valid date: {item.get('date')!r}",
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


def plain(value: object) -> str:
    """A scalar as YAML wrote it (`title: 1984` is an int); '' for a list, mapping or null."""
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def read_date(d: Doc, meta: dict[str, object]) -> dt.date | None:
    """The article's `date`, a full day; None (with an error) when it is missing or not a real date."""
    if "date" not in meta or meta.get("date") in (None, ""):
        d.error([], "missing `date`", "add a line like `date: 2020-12-21` to the front matter")
        return None
    pd = parse_partial_date(meta["date"])
    if pd is None or not pd.day:
        d.error(
            ["date"],
            f"`date` is not a valid date: {meta['date']!r}",
            "write it as YYYY-MM-DD with a real month (01-12) and day, e.g. 2020-12-21",
        )
        return None
    return dt.date(pd.year, pd.month, pd.day)


def read_related(d: Doc, value: Any) -> tuple[list[Slug], list[ExternalRef], list[str]]:
    """`related`: slugs of other articles, outside links (title and url), and titles graph.py resolves."""
    related: list[Slug] = []
    external: list[ExternalRef] = []
    titles: list[str] = []
    if value is not None and not isinstance(value, list):
        d.error(["related"], "`related` must be a list", 'write: related: [other-slug, {title: "…"}]')
        value = []
    for i, item in enumerate(value or []):
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
        elif isinstance(item, dict) and plain(item.get("title")).strip():
            titles.append(" ".join(plain(item["title"]).split()))  # graph.py links it if an article has it
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
    return related, external, titles
