"""Plain, frozen data that flows between the stages (config → read → validate → graph → pages)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NewType

from sitegen.bodies import BodyStore
from sitegen.errors import TemplateMisuse

Slug = NewType("Slug", str)  # an article's id: lowercase ASCII, digits, hyphens
Lang = NewType("Lang", str)  # a language code from site.yaml: "ar", "en"
URLPath = NewType("URLPath", str)  # a site-relative URL path without base: "/en/articles/x/"
TagId = NewType("TagId", str)
# what a Slug may be: the name of a folder in every URL of the article (read, validate and the importer)
MAX_SLUG = 100  # characters: a folder name in the site's address, well under every file system's limit
SLUG_RE = re.compile(rf"^[a-z0-9](?:[a-z0-9-]{{0,{MAX_SLUG - 2}}}[a-z0-9])?$")

RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ku", "ps", "sd", "ug", "yi", "dv"})


def direction(lang: str) -> str:
    return "rtl" if lang.split("-", maxsplit=1)[0] in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class Config:
    site_dir: Path
    title: dict[str, str]
    description: dict[str, str]
    languages: tuple[Lang, ...]
    default_language: Lang
    base_url: str  # always ends with "/"; may be just "/"
    date_locale: dict[str, str]
    numerals: dict[str, str]  # "latn" or "arab" per language
    per_page: int = 20  # home pages (entries with their summaries)
    term_per_page: int = 100  # tag, author and source pages (a title and a date each)
    allow_html: bool = False
    search: bool = True
    config_path: Path | None = None

    def date_style(self, lang: str) -> tuple[str, str]:
        """The CLDR locale and the digits (latn or arab) that dates in `lang` are written with."""
        return self.date_locale.get(lang, lang), self.numerals.get(lang, "latn")

    @property
    def base_path(self) -> str:
        """The URL path the site lives under: "/" or "/archive/"."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def site_title(self, lang: str) -> str:
        """The site's title in `lang`, else in its first language."""
        return self.title.get(lang) or next(iter(self.title.values()), "")


@dataclass(frozen=True, slots=True)
class LinkRef:
    """An internal link found in a body: where it is and what it points to."""

    target: Slug
    line: int | None
    fragment: str = ""
    lang: Lang | None = None  # language named by a `.en.md` link; None for wikilinks


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One content file after reading: front matter as data, body rendered with link markers."""

    path: Path
    slug: Slug
    lang: Lang
    meta: dict[str, object]
    fm_start: int  # 1-based line of the first front-matter line (after '---')
    # the rendered body (with link markers) and its search words are in the body store, under this key
    # (bodies.py): at 10k articles they were ~300 MB held until the end of the build
    body_key: bytes
    links: tuple[LinkRef, ...]
    fm_text: str = ""  # the raw front matter, kept to find lines for error messages


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A day, a month or a year; `circa` marks approximate dates."""

    year: int
    month: int = 0
    day: int = 0
    circa: bool = False

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day)


@dataclass(frozen=True, slots=True)
class Event:
    date: PartialDate
    title: str
    end: PartialDate | None = None


@dataclass(frozen=True, slots=True)
class Source:
    name: str = ""
    url: str = ""
    accessed: dt.date | None = None
    archive_url: str = ""
    sha256: str = ""
    copy: str = ""  # a saved copy of the original, relative to the site folder (check verifies it)


@dataclass(frozen=True, slots=True)
class ExternalRef:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Article:
    slug: Slug
    lang: Lang
    title: str
    date: dt.date
    authors: tuple[str, ...]  # author ids (registry ids or ids made from free-text names)
    source: Source
    tags: tuple[TagId, ...]
    related: tuple[Slug, ...]
    external_related: tuple[ExternalRef, ...]
    events: tuple[Event, ...]
    summary: str
    draft: bool
    body_key: bytes  # see SourceDoc; `Site.bodies.html(key)`
    links: tuple[LinkRef, ...]
    source_path: Path
    translated_from: str = ""
    translator: str = ""
    content_warning: str = ""
    # the raw front matter is not kept (~160 MB at 100k articles): errors read it again from
    # `source_path` (read.front_matter) to point at a key's line, which starts at `fm_start`
    fm_start: int = 2
    translated_from_hash: str | None = None  # as the front matter writes it (fields.recorded_hash)
    related_titles: tuple[str, ...] = ()  # `related: [{title: …}]`: linked by title in graph.py

    @property
    def key(self) -> tuple[Slug, Lang]:
        return (self.slug, self.lang)

    @property
    def body_html(self) -> str:
        """Gone since the bodies moved out of memory (bodies.py); a template copied from an older theme
        would otherwise show every article empty, silently (Jinja renders a missing attribute as "")."""
        raise TemplateMisuse(
            "`article.body_html` is no longer available: write `{{ h.body(article) }}` to show the article's text"
        )


@dataclass(frozen=True, slots=True)
class Tag:
    id: TagId
    labels: dict[str, str]  # lang -> label
    registered: bool

    def label(self, lang: str) -> str:
        """The label in `lang`, else the first one given, else the id."""
        return self.labels.get(lang) or next(iter(self.labels.values()), self.id)


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    names: dict[str, str]  # lang -> name; free-text authors have one name under "*"
    bio: dict[str, str]
    links: tuple[str, ...]
    registered: bool

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("*") or next(iter(self.names.values()), self.id)


@dataclass(frozen=True, slots=True)
class Publication:
    id: str
    name: str


@dataclass(frozen=True)
class Site:
    """Everything validated: articles keyed by (slug, lang), and the registries."""

    config: Config
    articles: dict[tuple[Slug, Lang], Article]
    tags: dict[TagId, Tag]
    authors: dict[str, Author]
    sources: dict[str, Publication]
    bodies: BodyStore  # the articles' bodies and search words, by `Article.body_key`


@dataclass(frozen=True, slots=True)
class Page:
    """One file to write: its URL, the template and context that render it, the articles it reads."""

    url: URLPath
    template: str
    lang: Lang
    ctx: dict[str, Any]
    # the articles it reads, sorted: a tuple is a fifth of a set's memory (55k pages at 10k articles, each
    # held by the main process and copied by every render worker); `set.isdisjoint(page.slugs)` tests them
    slugs: tuple[Slug, ...] = ()
    alternates: tuple[tuple[Lang, URLPath], ...] = ()  # the same page in other languages
    kind: str = ""

    def alternate(self, lang: str) -> URLPath | None:
        """The URL of this page in another language, if it exists (templates ask it on every page)."""
        for other, url in self.alternates:
            if other == lang:
                return url
        return None
