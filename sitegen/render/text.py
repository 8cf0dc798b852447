"""What every template helper starts from (the site, the page language, its strings), and the helpers that
format text in that language: dates, numbers, names of languages, mixed-direction fragments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2
from markupsafe import Markup

from sitegen import i18n
from sitegen.bidi import fragment, isolate, isolate_ltr
from sitegen.escape import esc
from sitegen.graph import Graph
from sitegen.model import Config, PartialDate, Site, direction

# names isolated for bidi, remembered per page language: the same authors, sources and site titles come
# back on most pages; bounded (a title or summary is seen once) so a 100k-article worker stays small
NAMES_KEPT, NAME_LENGTH = 4096, 120


class ViewState:
    """The data a page language's helpers read; nothing here changes while pages render."""

    def __init__(self, site: Site, graph: Graph, lang: str, env: jinja2.Environment, search: bool = True):
        self.site, self.graph, self.lang, self.env = site, graph, lang, env
        self.config: Config = site.config
        self.search_enabled = search  # False with --no-search: the search page must not load a missing index
        self.t = i18n.strings(lang)
        self.dir = direction(lang)
        self._prefix = site.config.base_path.rstrip("/")  # computed once: href() runs ~50 times a page
        self._locale, self._digits = site.config.date_style(lang)
        # Babel loads a locale's data on first use: once here, before the workers fork, it is shared by
        # them instead of loaded by each (~5 MB a worker)
        i18n.format_partial(PartialDate(2000, 1), self._locale, self._digits)
        i18n.format_day(dt.date(2000, 1, 1), self._locale, self._digits)
        # the interface strings and site titles, isolated once: the header, footer and "cite" block of
        # every page show five of them (~12 us a page, most of it running the Latin runs of "BibTeX (.bib)")
        constants = [*self.t.values(), *(site.config.site_title(other) for other in site.config.languages)]
        self._isolated: dict[str, Markup] = {
            text: Markup(isolate_ltr(text) if self.dir == "rtl" else esc(text))
            for text in constants
            if type(text) is str
        }
        self._names: dict[str, str] = {}


class TextHelpers(ViewState):
    """Text in the page's language."""

    def date(self, day: Any) -> str:
        return i18n.format_day(day, self._locale, self._digits)

    def pdate(self, date: PartialDate) -> str:
        return i18n.format_partial(date, self._locale, self._digits, self.t["circa"])

    def month(self, year: int, month: int) -> str:
        return i18n.format_month(year, month, self._locale, self._digits) if month else self.num(year)

    def num(self, n: int) -> str:
        return i18n.format_number(n, self._digits)

    def count(self, n: int) -> str:
        return i18n.article_count(n, self.lang, self._digits)

    def t_in(self, lang: str, key: str) -> str:
        """An interface string in another language (e.g. 'Read in English' on an Arabic page)."""
        return str(i18n.strings(lang).get(key, ""))

    def lang_name(self, lang: str, in_lang: str | None = None) -> str:
        return i18n.language_name(lang, in_lang)

    def dir_of(self, lang: str) -> str:
        return direction(lang)

    def site_title(self, lang: str | None = None) -> str:
        return self.config.site_title(lang or self.lang)

    def bidi(self, text: str) -> Markup:
        """Text from an article, isolated, with `lang` when its script is not the page's."""
        if type(text) is not str:
            return fragment(text, self.lang, self.config.languages)
        return Markup(self.name_html(text))

    def name_html(self, text: str) -> str:
        """`bidi(text)` as a plain string (for HTML assembled as strings), remembered for names that recur."""
        done = self._names.get(text)
        if done is None:
            done = isolate(text, self.lang, self.config.languages)
            if len(self._names) < NAMES_KEPT and len(text) <= NAME_LENGTH:
                self._names[text] = done
        return done

    def isolate(self, text: str) -> Markup:
        """Text in the page's language, its Latin runs isolated on a right-to-left page (bidi.py)."""
        done = self._isolated.get(text) if type(text) is str else None
        if done is not None:
            return done
        return Markup(isolate_ltr(text) if self.dir == "rtl" else esc(text))
