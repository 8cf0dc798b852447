"""Template helpers for URLs and links: every href a page writes, under the site's base path."""

from __future__ import annotations

from collections.abc import Sequence

import jinja2
from markupsafe import Markup

from sitegen import urls
from sitegen.bidi import isolate_ltr
from sitegen.escape import esc
from sitegen.graph import Graph
from sitegen.markdown import resolve_markers
from sitegen.model import Article, Author, Lang, Page, Site, Slug, direction
from sitegen.pages import tag_languages
from sitegen.render.text import TextHelpers


class LinkHelpers(TextHelpers):
    """URLs, links to articles and taxonomies, language alternates."""

    def __init__(self, site: Site, graph: Graph, lang: str, env: jinja2.Environment, search: bool = True):
        super().__init__(site, graph, lang, env, search)
        self._lang_key = Lang(lang)
        # an article's href in each language, around its slug, escaped: escaping goes character by
        # character, so the two ends escaped once and the slug alone make the same text as the whole
        self._article_hrefs: dict[str, tuple[str, str]] = {}
        for other in self.config.languages:
            before, after = self.href(urls.article_url(self.config, other, "\x00")).split("\x00")
            self._article_hrefs[other] = (esc(before), esc(after))

    def href(self, url: str) -> str:
        """The link to put in HTML: the URL path under the site's base path."""
        return self._prefix + url

    def absolute(self, url: str) -> str:
        return urls.absolute(self.config, url)

    def asset(self, path: str) -> str:
        return self.href(urls.asset_url(path))

    def home_path(self) -> str:
        return urls.home_url(self.config, self.lang)

    def home_href(self, lang: str | None = None) -> str:
        return self.href(urls.home_url(self.config, lang or self.lang))

    def section_href(self, section: str, key: str = "", lang: str | None = None) -> str:
        return self.href(urls.section_url(self.config, lang or self.lang, section, key))

    def article(self, slug: Slug) -> Article:
        return self.graph.version(slug, self.lang)

    def article_path(self, slug: Slug) -> str:
        """The URL path (without the base path) of the article in this language, or its fallback."""
        return urls.article_url(self.config, self.graph.version(slug, self.lang).lang, slug)

    def link(self, slug: Slug) -> Markup:
        """A link to an article in this language; a fallback version is marked with its language.

        Written in Python, not as a template macro: lists call it thousands of times per build."""
        return Markup(self._link_html(slug))

    def event_link(self, slug: Slug, text: str) -> Markup:
        """A link to an article whose text is one of its events (`text`, in the same version's language)."""
        return Markup(self._link_html(slug, text))

    def _link_html(self, slug: Slug, text: str | None = None) -> str:
        a = self.graph.versions[slug].get(self._lang_key) or self.graph.version(slug, self.lang)
        label = a.title if text is None else text
        ends = self._article_hrefs.get(a.lang)
        if ends is None:  # pragma: no cover - every version is in one of the site's languages
            href = esc(self.href(urls.article_url(self.config, a.lang, slug)))
        else:
            href = f"{ends[0]}{esc(slug)}{ends[1]}"
        if a.lang == self.lang:
            title = isolate_ltr(label) if self.dir == "rtl" else esc(label)
            return f'<a href="{href}">{title}</a>'
        title = isolate_ltr(label) if direction(a.lang) == "rtl" else esc(label)
        return (
            f'<a href="{href}" lang="{a.lang}" dir="{direction(a.lang)}" hreflang="{a.lang}">'
            f'{title}</a> <span class="lang-marker">({esc(self.lang_name(a.lang, self.lang))})'
            "</span>"
        )

    @staticmethod
    def backlinks_beyond(related: Sequence[Slug], backlinks: Sequence[Slug]) -> list[Slug]:
        """The backlinks not already among `related` (an article's page lists each other article once)."""
        shown = set(related)
        return [slug for slug in backlinks if slug not in shown]

    def link_items(self, slugs: Sequence[Slug]) -> Markup:
        """`<li>` links to these articles (related, backlinks)."""
        return Markup("".join([f"<li>{self._link_html(slug)}</li>" for slug in slugs]))

    def body(self, article: Article) -> Markup:
        """The article's HTML with links to other articles resolved in this page's language."""

        def url_for(slug: str, _lang: str) -> tuple[str, str]:
            if not slug:  # the base-path marker before a site-absolute link
                return self._prefix, ""
            version = self.graph.version(Slug(slug), self.lang)
            link = self.href(urls.article_url(self.config, version.lang, slug))
            # a fallback to another language is marked for browsers and screen readers
            return link, "" if version.lang == self.lang else f' hreflang="{version.lang}"'

        def title_for(slug: str) -> str:
            # the default text of a wikilink is the target's title: in the other language when falling back
            version = self.graph.version(Slug(slug), self.lang)
            if version.lang == self.lang:
                return isolate_ltr(version.title) if self.dir == "rtl" else esc(version.title)
            title = isolate_ltr(version.title) if direction(version.lang) == "rtl" else esc(version.title)
            return (
                f'<bdi lang="{version.lang}" dir="{direction(version.lang)}">{title}</bdi> '
                f'<span class="lang-marker">({esc(self.lang_name(version.lang, self.lang))})</span>'
            )

        return Markup(resolve_markers(self.site.bodies.html(article.body_key), url_for, title_for))

    def alternate_links(self, page: Page) -> Markup:
        """`<link rel="alternate" hreflang>` for every language version of the page, and x-default."""
        if len(page.alternates) < 2:
            return Markup("")
        default = self.config.default_language
        links = [
            f'<link rel="alternate" hreflang="{lang}" href="{esc(self.absolute(url))}">'
            for lang, url in page.alternates
        ]
        links += [
            f'<link rel="alternate" hreflang="x-default" href="{esc(self.absolute(url))}">'
            for lang, url in page.alternates
            if lang == default
        ]
        return Markup("\n".join(links))

    def lang_switch(self, page: Page) -> Markup:
        """`<li>` links to this page in the other languages (their home page when it has no version)."""
        items = []
        for other in self.config.languages:
            if other == self.lang:
                continue
            url = page.alternate(other)
            href = self.href(url) if url else self.home_href(other)
            # an untranslated article's switch says so, in the language the reader is switching to
            note = (
                ""
                if url or page.kind != "article"
                else f' <span class="lang-note">({esc(self.t_in(other, "not_translated_short"))})</span>'
            )
            items.append(
                f'<li><a href="{esc(href)}" lang="{other}" dir="{direction(other)}" hreflang="{other}">'
                f"{esc(self.lang_name(other))}{note}</a></li>"
            )
        return Markup("".join(items))


class TaxonomyHelpers(LinkHelpers):
    """Tags, authors and sources: labels, links to their pages; each tag's and author's link made once."""

    def __init__(self, site: Site, graph: Graph, lang: str, env: jinja2.Environment, search: bool = True):
        super().__init__(site, graph, lang, env, search)
        self._tag_items: dict[str, str] = {}  # tag id -> its <li>
        self._author_links: dict[str, str] = {}  # author id -> its <a>

    def tag_label(self, tag_id: str) -> str:
        return self.site.tags[tag_id].label(self.lang)  # type: ignore[index]

    def tag_href(self, tag_id: str) -> str:
        langs = tag_languages(self.site, tag_id)
        return self.section_href("tags", tag_id, self.lang if self.lang in langs else langs[0])

    def tag_items(self, article: Article) -> Markup:
        """`<li>` links to the article's tag pages, in this language."""
        items = []
        for tid in article.tags:
            item = self._tag_items.get(tid)
            if item is None:  # made once per tag: an article page shows ~5 of the site's few hundred
                item = self._tag_items[tid] = (
                    f'<li><a href="{esc(self.tag_href(tid))}" rel="tag">{self.isolate(self.tag_label(tid))}'
                    "</a></li>"
                )
            items.append(item)
        return Markup("".join(items))

    def author(self, author_id: str) -> Author:
        return self.site.authors[author_id]

    def author_name(self, author_id: str) -> str:
        return self.site.authors[author_id].name(self.lang)

    def author_links(self, article: Article) -> Markup:
        sep = "، " if self.lang == "ar" else ", "
        links = []
        for aid in article.authors:
            link = self._author_links.get(aid)
            if link is None:  # made once per author: the site's few hundred write most articles
                link = self._author_links[aid] = (
                    f'<a href="{esc(self.section_href("authors", aid))}" rel="author">'
                    f"{self.name_html(self.author_name(aid))}</a>"
                )
            links.append(link)
        return Markup(sep.join(links))

    def source_name(self, source_id: str) -> str:
        return self.site.sources[source_id].name

    def source_id(self, name: str) -> str:
        return urls.safe_segment(name)
