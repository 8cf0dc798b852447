"""The archive's status page, one per language (linked from the footer, not indexed by search engines):
articles per language, what is not translated, translations that may lag, tags and authors without a
label, and the date of the build. The same translation states go into the data export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sitegen import urls
from sitegen.check.translations import TranslationState, missing_translations
from sitegen.graph import Graph
from sitegen.model import Lang, Site, Slug, URLPath

# articles shown in each list; the heading counts them all (at 100k articles, ~39k untranslated made a
# 7 MB page; `sitegen check --all-notes` lists every one)
LISTED = 200
# the page's own words; a language without them gets the English ones
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Archive status",
        "built": "Built on",
        "language": "Language",
        "articles": "Articles",
        "originals": "Originals",
        "translations": "Translations",
        "untranslated": "Not translated into {lang}",
        "outdated": "Translations that may be out of date",
        "unknown": "Translations with no record of their original",
        "labels": "Tags and authors without a label in {lang}",
        "none": "None.",
        "outdated_note": "The original text changed after the translation was made.",
        "from": "from",
        "more": "…and {n} more; to list them all, run",
    },
    "ar": {
        "title": "حالة الأرشيف",
        "built": "تاريخ البناء",
        "language": "اللغة",
        "articles": "المقالات",
        "originals": "النصوص الأصلية",
        "translations": "الترجمات",
        "untranslated": "غير مترجمة إلى {lang}",
        "outdated": "ترجمات قد لا تكون محدّثة",
        "unknown": "ترجمات بلا سجل لحالة النص الأصلي",
        "labels": "وسوم وكتّاب بلا اسم في {lang}",
        "none": "لا شيء.",
        "outdated_note": "تغيّر النص الأصلي بعد إنجاز الترجمة.",
        "from": "عن",
        "more": "…و{n} غيرها؛ لسردها كلها شغّل الأمر",
    },
}


@dataclass(frozen=True)
class Item:
    """One article version as listed: its title, language and page."""

    slug: Slug
    lang: Lang
    title: str
    url: URLPath


@dataclass(frozen=True)
class LangCounts:
    lang: Lang
    articles: int
    originals: int
    translations: int


@dataclass(frozen=True)
class Status:
    built: dt.date
    counts: tuple[LangCounts, ...]
    missing: dict[Lang, tuple[Item, ...]]  # per language: articles with no version in it (their version)
    outdated: tuple[Item, ...]
    unknown: tuple[Item, ...]
    unlabelled: dict[Lang, tuple[str, ...]]  # per language: "tag: id" / "author: id" without a label


def site_status(
    site: Site,
    graph: Graph,
    states: Mapping[tuple[Slug, Lang], TranslationState],
    built: dt.date | None = None,
) -> Status:
    config = site.config

    def item(slug: Slug, lang: Lang) -> Item:
        return Item(slug, lang, graph.versions[slug][lang].title, urls.article_url(config, lang, slug))

    def some(slug: Slug) -> Item:
        lang = next(iter(graph.versions[slug]))
        return item(slug, lang)

    counts = []
    for lang in config.languages:
        mine = [st for (s, lg), st in states.items() if lg == lang]
        translated = sum(1 for st in mine if st.original is not None)
        counts.append(LangCounts(lang, len(mine), len(mine) - translated, translated))
    order = {slug: i for i, slug in enumerate(graph.order)}
    by_order = sorted(states.values(), key=lambda st: (order[st.slug], st.lang))
    unlabelled: dict[Lang, list[str]] = {lang: [] for lang in config.languages}
    for tid in sorted(graph.by_tag):
        tag = site.tags.get(tid)
        for lang in config.languages:
            if tag is not None and tag.registered and not tag.labels.get(lang):
                unlabelled[lang].append(f"tag: {tid}")
    for aid in sorted(graph.by_author):
        author = site.authors.get(aid)
        for lang in config.languages:
            if (
                author is not None
                and author.registered
                and "*" not in author.names
                and not author.names.get(lang)
            ):
                unlabelled[lang].append(f"author: {aid}")
    return Status(
        built=built or dt.date.today(),
        counts=tuple(counts),
        missing={
            lang: tuple(some(s) for s in slugs) for lang, slugs in missing_translations(site, graph).items()
        },
        outdated=tuple(item(st.slug, st.lang) for st in by_order if st.state == "outdated"),
        unknown=tuple(item(st.slug, st.lang) for st in by_order if st.state == "unknown"),
        unlabelled={lang: tuple(v) for lang, v in unlabelled.items()},
    )
