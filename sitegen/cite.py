"""Citations: what every format shares (`Citation`), then a ready text and the page's metadata (Highwire tags,
Open Graph, JSON-LD); the BibTeX and RIS files are cite_files.py's.

People cite these pages in reports and court submissions, so a citation states only what the
content says: the translation link is claimed only when a version declares `translated_from`, and
nothing depends on the build's clock (two builds of the same content cite it identically).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from sitegen import i18n, urls
from sitegen.bidi import isolate
from sitegen.escape import esc
from sitegen.graph import Graph
from sitegen.model import Article, Config, Site, Source


@dataclass(frozen=True)
class Version:
    lang: str
    url: str  # absolute URL


@dataclass(frozen=True)
class Citation:
    """Everything a citation needs, already resolved to plain strings in the article's language."""

    slug: str
    lang: str
    title: str
    authors: tuple[str, ...]
    author_urls: tuple[str, ...]
    date: dt.date
    url: str
    site: str
    home: str
    summary: str
    keywords: tuple[str, ...]
    source: Source
    translated_from: Version | None  # the version this one declares it was translated from
    translations: tuple[Version, ...]  # versions that declare they were translated from this one
    translator: str

    @property
    def key(self) -> str:
        return f"{self.slug}-{self.lang}"


def citation(site: Site, graph: Graph, article: Article) -> Citation:
    """Computed from the article and the site alone: the same in every page language."""
    config, lang = site.config, article.lang
    versions = graph.versions.get(article.slug, {})

    def version_url(other: str) -> str:
        return urls.absolute(config, urls.article_url(config, other, article.slug))

    original = None
    if article.translated_from and article.translated_from in versions and article.translated_from != lang:
        original = Version(article.translated_from, version_url(article.translated_from))
    translations = tuple(
        Version(other, version_url(other))
        for other, a in versions.items()
        if other != lang and a.translated_from == lang
    )
    return Citation(
        slug=article.slug,
        lang=lang,
        title=article.title,
        authors=tuple(site.authors[a].name(lang) for a in article.authors),
        author_urls=tuple(
            urls.absolute(config, urls.section_url(config, lang, "authors", a)) for a in article.authors
        ),
        date=article.date,
        url=version_url(lang),
        site=config.site_title(lang),
        home=urls.absolute(config, urls.home_url(config, lang)),
        summary=article.summary,
        keywords=tuple(site.tags[t].label(lang) for t in article.tags),
        source=article.source,
        translated_from=original,
        translations=translations,
        translator=article.translator,
    )


def slashed(day: dt.date) -> str:
    """`2020/05/17`, as `strftime("%Y/%m/%d")` writes it (~2 us a call), at C speed for 4-digit years."""
    return day.isoformat().replace("-", "/") if day.year >= 1000 else day.strftime("%Y/%m/%d")


def _url(url: str) -> str:
    # a URL reads left to right even inside Arabic text
    return f'<a href="{esc(url)}" dir="ltr" translate="no">{esc(url)}</a>'


# --- the ready citation -------------------------------------------------------------------------


def _join(names: list[str], lang: str) -> str:
    if len(names) < 2:
        return "".join(names)
    if lang == "ar":
        return "، ".join(names[:-1]) + " و" + names[-1]
    if len(names) == 2:
        return names[0] + " and " + names[1]
    return ", ".join(names[:-1]) + ", and " + names[-1]


def text_html(
    c: Citation,
    lang: str,
    languages: tuple[str, ...],
    t: Mapping[str, str],
    day: Callable[[dt.date], str],
    names: Callable[[str], str] | None = None,
) -> Markup:
    """Chicago-like: Author. “Title.” Site, date. [Translation.] [Original source.] URL.

    `lang` is the page's language, `t` its interface strings and `day` its date format; `names` isolates a
    name as bidi.isolate does (the View's remembers the names that recur). Built as plain strings (every
    piece of text escaped on the way in): Markup arithmetic cost a fifth of an article page here."""

    def frag(text: str) -> str:
        return isolate(text, lang, languages)

    name = names or frag

    comma, (q_open, q_close) = ("، ", ("«", "»")) if lang == "ar" else (", ", ("“", "”"))
    parts: list[str] = []
    if c.authors:
        parts.append(_join([name(a) for a in c.authors], lang) + ("،" if lang == "ar" else "."))
    title = f"<cite>{q_open}{frag(c.title)}{'' if lang == 'ar' else '.'}{q_close}</cite>"
    parts.append(
        title
        + (comma if lang == "ar" else " ")
        + name(c.site)
        + comma
        + f'<time datetime="{c.date.isoformat()}">{esc(day(c.date))}</time>.'
    )
    if c.translated_from:
        from_name = i18n.language_name(c.translated_from.lang, lang)
        line = t["cite_translated_by" if c.translator else "cite_translated"]
        parts.append(
            str(Markup(esc(line)).format(lang=from_name, translator=Markup(name(c.translator)))) + "."
        )
    src = c.source
    if src.name or src.url:
        bits = [name(src.name)] if src.name else []
        if src.url:
            bits.append(_url(src.url))
        parts.append(esc(t["cite_original"]) + ": " + comma.join(bits) + ".")
    if src.archive_url:
        parts.append(esc(t["cite_archived"]) + ": " + _url(src.archive_url) + ".")
    parts.append(_url(c.url))
    return Markup(" ".join(parts))


COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


# --- JSON-LD and meta tags ------------------------------------------------------------------------


def json_ld(c: Citation) -> dict[str, Any]:
    # theme/static/cite.js writes the .bib/.ris from this: a fact dropped here must go into script_data
    # each fact once: `name` would repeat `headline`, and `url` and `mainEntityOfPage` the `@id` (the page's
    # address, which translations cite; search engines read it from <link rel="canonical">, og:url and the
    # page itself); on a 10k-article site each copy cost ~1-3 MB.
    # No `description` or `keywords`: the page's <meta name="description"> and citation_keywords say them
    # (Google reads the former, neither reads JSON-LD keywords), and summaries are long (~5 MB at 10k)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": c.url,
        "headline": c.title,
        "datePublished": c.date.isoformat(),
        "inLanguage": c.lang,
        "publisher": {"@type": "Organization", "name": c.site, "url": c.home},
    }
    if c.authors:
        data["author"] = [
            {"@type": "Person", "name": n, "url": u} for n, u in zip(c.authors, c.author_urls, strict=True)
        ]
    s = c.source
    if s.url or s.name:
        based: dict[str, Any] = {"@type": "NewsArticle"}
        if s.url:
            based["url"] = s.url
        if s.name:
            based["publisher"] = {"@type": "Organization", "name": s.name}
        if s.archive_url:
            based["archivedAt"] = s.archive_url
        data["isBasedOn"] = based
    if c.translated_from:
        data["translationOfWork"] = {"@id": c.translated_from.url, "inLanguage": c.translated_from.lang}
    if c.translations:
        data["workTranslation"] = [{"@id": v.url, "inLanguage": v.lang} for v in c.translations]
    if c.translator:
        data["translator"] = {"@type": "Person", "name": c.translator}
    return data


def script_json(data: Any) -> Markup:
    """JSON for a <script> element: no `</script>`, `<!--` or `&` can appear in it, whatever the titles say."""
    # the C encoder (~10x faster than indent=), without the spaces after `,` and `:` (~40 B a page)
    text = COMPACT_JSON.encode(data)
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        if char in text:  # a search is ~10x faster than a replace that finds nothing (Arabic text)
            text = text.replace(char, code)
    return Markup(text)


def og_locale(config: Config, lang: str) -> str:
    """Open Graph wants ll_TT: the date locale (ar_SY) when it has a territory, else the bare code."""
    locale = config.date_style(lang)[0]
    return locale if "_" in locale else lang


def head_html(config: Config, c: Citation, alternates: tuple[tuple[str, str], ...]) -> Markup:
    """The article page's citation metadata: Highwire tags (Zotero, Google Scholar), Open Graph and JSON-LD.
    Written here rather than in a template: ~30 tags on every article page cost a third of its rendering
    as template expressions. Every value is escaped. No <link rel="alternate"> to the .bib/.ris: they are
    made in the page by cite.js, which reads these tags (script_data), or are data: URLs (data_url)."""
    e = esc
    day = slashed(c.date)
    lines = [f'<meta name="citation_title" content="{e(c.title)}">']
    lines += [f'<meta name="citation_author" content="{e(name)}">' for name in c.authors]
    # citation_publication_date only: citation_date is its older synonym (Zotero and Google Scholar read both)
    lines += [
        f'<meta name="citation_publication_date" content="{day}">',
        f'<meta name="citation_publisher" content="{e(c.site)}">',
        f'<meta name="citation_language" content="{e(c.lang)}">',
        f'<meta name="citation_public_url" content="{e(c.url)}">',
    ]
    # no citation_abstract_html_url: it was the same address again (the page is the article, not an
    # abstract page); Zotero and Google Scholar need title, author and publication date, and take the
    # address from citation_public_url or the page itself
    if c.keywords:
        lines.append(f'<meta name="citation_keywords" content="{e("; ".join(c.keywords))}">')
    lines += [
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{e(c.title)}">',
        f'<meta property="og:url" content="{e(c.url)}">',
        f'<meta property="og:site_name" content="{e(c.site)}">',
        f'<meta property="og:locale" content="{e(og_locale(config, c.lang))}">',
    ]
    lines += [
        f'<meta property="og:locale:alternate" content="{e(og_locale(config, other))}">'
        for other, _ in alternates
        if other != c.lang
    ]
    # no og:description (link previews fall back to <meta name="description">, the same summary) and no
    # article:tag (one tag per keyword, which citation_keywords already lists): 0.5 KB an article page
    lines.append(f'<meta property="article:published_time" content="{c.date.isoformat()}">')
    lines += [
        '<script type="application/ld+json">',
        str(script_json(json_ld(c))),
        "</script>",
    ]
    return Markup("\n".join(lines) + "\n")
