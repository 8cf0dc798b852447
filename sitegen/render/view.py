"""`h` in templates: what a template may ask about the site, in one page language.

The helpers come in layers, each in its own module: ViewState and text (text.py) → URLs and links
(links.py) → list entries (lists.py) → citations, data export and search regions (here)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2
from markupsafe import Markup

from sitegen import charts, cite, cite_files, export
from sitegen.check.translations import TranslationState, translation_states
from sitegen.graph import Graph
from sitegen.model import Article, Lang, Page, Site, Slug
from sitegen.render.environment import THEME_DIR
from sitegen.render.lists import ListHelpers

CITE_TYPES = {"cite.bib": "application/x-bibtex", "cite.ris": "application/x-research-info-systems"}


class View(ListHelpers):
    """Every template helper of one page language; the research layer (citations, exports) is defined here,
    its logic lives in cite.py, cite_files.py and export.py."""

    def __init__(self, site: Site, graph: Graph, lang: str, env: jinja2.Environment, search: bool = True):
        super().__init__(site, graph, lang, env, search)
        # the last article's: its page asks for it three times (head, citation, data-cite), one after the other;
        # kept for every article, a worker held a Citation per page it had rendered
        self._last_citation: tuple[Article, cite.Citation] | None = None
        self._own_templates: dict[str, bool] = {}  # name -> the site overrides the theme's template

    def citation(self, article: Article) -> cite.Citation:
        """The article's citation data, made once per article page: the page uses it several times."""
        last = self._last_citation
        if last is None or last[0] is not article:
            last = self._last_citation = (article, cite.citation(self.site, self.graph, article))
        return last[1]

    def citation_text(self, article: Article) -> Markup:
        c = self.citation(article)
        return cite.text_html(c, self.lang, self.config.languages, self.t, self.date, self.name_html)

    def bibtex(self, article: Article) -> Markup:
        return Markup(cite_files.bibtex(self.citation(article)))  # Markup: a .bib file is not HTML

    def ris(self, article: Article) -> Markup:
        return Markup(cite_files.ris(self.citation(article)))

    def citation_head(self, article: Article, page: Page) -> Markup:
        """Highwire, Open Graph and JSON-LD metadata of an article page."""
        return cite.head_html(self.config, self.citation(article), page.alternates)

    def cite_download(self, article: Article, name: str) -> str:
        """`cite.bib` or `cite.ris` as a data: URL for the page's download link (no file per article). The
        theme's own formats are called directly; a site's own `templates/cite.bib` is rendered instead."""
        c = self.citation(article)
        if self._own_template(name):
            text = self.env.get_template(name).render(
                article=article, h=self, t=self.t, lang=self.lang, config=self.config, site=self.site
            )
        else:
            text = cite_files.bibtex(c) if name == "cite.bib" else cite_files.ris(c)
        return cite_files.data_url(text, CITE_TYPES[name])

    def cite_by_script(self, name: str) -> bool:
        """Whether the page's cite.js makes download `name` (`cite.bib`, `cite.ris`) in the browser."""
        # only with the theme's writer and the theme's article.html, which writes the tags the script reads;
        # otherwise the link is a data: URL (cite_download): a site's own template is the truth
        return not self._own_template(name) and not self._own_template("article.html")

    def cite_data(self, article: Article) -> Markup | None:
        """The download list's data-cite (cite_files.script_data), or None when cite.js makes no link of the page."""
        if not (self.cite_by_script("cite.bib") or self.cite_by_script("cite.ris")):
            return None
        data = cite_files.script_data(self.citation(article))
        # empty: a bare `data-cite`, 6 B less a page than `data-cite='{}'`
        return cite_files.single_quoted_json(data) if data else Markup("")

    def _own_template(self, name: str) -> bool:
        """True when the site has its own template `name`, over the theme's (asked once per name)."""
        own = self._own_templates.get(name)
        if own is None:
            filename = self.env.get_template(name).filename or ""
            own = self._own_templates[name] = not Path(filename).resolve().is_relative_to(THEME_DIR.resolve())
        return own

    def chart(self, coverage: charts.Coverage, small: bool = False) -> Markup:
        return charts.figure(self, coverage, small)

    def export(self, fmt: str, states: Mapping[tuple[Slug, Lang], TranslationState] | None = None) -> Markup:
        """articles.json / articles.csv; `states` from the page (pages.py), or made here for an older
        template that does not pass them."""
        if states is None:
            states = translation_states(self.site, self.graph)
        # made again for each of the two pages, never kept: the main process renders them (job.py)
        rows = export.rows(self.site, self.graph, states)
        return Markup(export.to_json(rows) if fmt == "json" else export.to_csv(rows))

    def search_words(self, article: Article) -> Markup:
        """Nothing: the normalized words go to the search indexer's copy of the page only (build.search_regions);
        kept so that a site's own article template written for an earlier sitegen still renders."""
        return Markup("")

    def search_filters(self, article: Article) -> Markup:
        """Nothing: the filters go to the search indexer's copy of the page only (search.filters_html);
        kept so that a site's own article template written for an earlier sitegen still renders."""
        return Markup("")


def make_views(site: Site, graph: Graph, env: jinja2.Environment, search: bool = True) -> dict[str, View]:
    return {lang: View(site, graph, lang, env, search) for lang in site.config.languages}
