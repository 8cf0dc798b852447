"""The fast paths of an article edit: a new Markdown body patched into the model, and the edited
articles' own pages, rendered before the rest of a rebuild."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import jinja2

from sitegen import build
from sitegen.build import Model
from sitegen.model import Article, Lang, Page, Slug
from sitegen.pages import article_pages
from sitegen.serve.deps import TemplateDeps
from sitegen.serve.output import Announce, Output
from sitegen.serve.reads import ReadCache

EARLY_ARTICLES = 4  # an edit of more articles than this (a batch, a script) is not announced page by page


@dataclass(frozen=True)
class BodyIndex:
    """Lookups for the body-edit path, built once per model so an edit costs what it touches, not the site
    (scanning 55k pages per save took ~200 ms on a 10k-article site)."""

    model_id: int
    by_path: dict[Path, tuple[Slug, Lang]]  # source file -> article key
    owners: dict[tuple[Slug, Lang], list[int]]  # article key -> pages holding that Article
    readers: dict[str, list[int]]  # slug -> pages that show its body


def make_index(model: Model, deps: TemplateDeps) -> BodyIndex:
    by_path = {a.source_path: a.key for a in model.site.articles.values()}
    by_id = {id(a): a.key for a in model.site.articles.values()}
    owners: dict[tuple[Slug, Lang], list[int]] = {}
    readers: dict[str, list[int]] = {}
    for i, page in enumerate(model.pages):
        for value in page.ctx.values():
            key = by_id.get(id(value))
            if key is not None:
                owners.setdefault(key, []).append(i)
        if page.template in deps.reads_body:
            for slug in page.slugs:
                readers.setdefault(slug, []).append(i)
    return BodyIndex(id(model), by_path, owners, readers)


@dataclass(frozen=True)
class BodyEdit:
    """The model with the new bodies, and the pages to render again (`own`: the edited articles' own)."""

    model: Model
    index: BodyIndex
    todo: list[Page]
    own: list[Page]

    @property
    def rest(self) -> list[Page]:
        """Pages that merely read an edited slug (backlinks, feeds): they follow the own pages."""
        own_urls = {p.url for p in self.own}
        return [p for p in self.todo if p.url not in own_urls]


def patch_bodies(model: Model, index: BodyIndex, reads: ReadCache, changed: set[Path]) -> BodyEdit | None:
    """Only Markdown bodies changed (front matter and link targets as before): patch the model; None when
    the edit is more than that. An edit that changed no body gives the very model back, and no pages.

    Validation copies `body_key` and `links` from the file unchanged, so replacing those two
    fields gives the very Article a full rebuild would make (the body itself is in the body store)."""
    replaced: dict[int, Article] = {}  # id(old article) -> new
    for path in changed:
        before = reads.cached(path)
        if before is None or not path.is_file():
            return None
        result = reads.reread(path)
        doc, old = result.doc, before.doc
        if (
            result.errors
            or doc is None
            or old is None
            or (doc.slug, doc.lang, doc.meta, doc.fm_text) != (old.slug, old.lang, old.meta, old.fm_text)
            or _targets(doc.links) != _targets(old.links)
        ):
            return None
        key = index.by_path.get(path)
        article = model.site.articles.get(key) if key else None
        if (doc.body_key, doc.links) == (old.body_key, old.links):
            continue  # saved without a change (or only the file's time changed)
        if article is not None:  # a draft is not on the site: nothing to redo
            replaced[id(article)] = dataclasses.replace(article, body_key=doc.body_key, links=doc.links)
    if not replaced:
        return BodyEdit(model, index, [], [])
    articles, versions = dict(model.site.articles), dict(model.graph.versions)
    pages = list(model.pages)
    needed: set[int] = set()
    for new_article in replaced.values():
        articles[new_article.key] = new_article
        versions[new_article.slug] = {**versions[new_article.slug], new_article.lang: new_article}
        needed.update(index.readers.get(new_article.slug, ()))
        for i in index.owners.get(new_article.key, ()):
            pages[i] = _swap_article(pages[i], replaced)
    patched = Model(
        dataclasses.replace(model.site, articles=articles),
        dataclasses.replace(model.graph, versions=versions),
        pages,
        model.warnings,
    )
    todo = [pages[i] for i in sorted(needed)]
    # the edited article's own pages first, announced at once; pages that merely read the slug
    # (backlinks, feeds) follow in the same rebuild
    new_ids = {id(a) for a in replaced.values()}
    own = [p for p in todo if any(id(v) in new_ids for v in p.ctx.values())]
    # same pages, same places: the index stays valid for the patched model
    return BodyEdit(patched, dataclasses.replace(index, model_id=id(patched)), todo, own)


def announce_edited(
    output: Output, linked: build.Linked, old: Model, env: jinja2.Environment, early: Announce
) -> list[Page]:
    """Render the pages of the few articles an edit changed as soon as the graph is known, and announce them:
    the page the user is looking at shows the change before the page plan (~1 s at 10k articles) and the
    lists. Their Page is the one the plan makes (pages.article_pages), so the rebuild does not redo them;
    returns the pages announced."""
    before = {id(a) for a in old.site.articles.values()}
    edited = [a for a in linked.site.articles.values() if id(a) not in before]
    if not edited or len(edited) > EARLY_ARTICLES:
        return []
    wanted = {a.key for a in edited}
    pages = [
        p
        for slug in dict.fromkeys(a.slug for a in edited)
        for p in article_pages(linked.site, linked.graph, slug)
        if (slug, p.lang) in wanted
    ]
    # no list entries warmed: this model holds only these pages, and warming renders every entry of the site
    # (2.4 s at 10k articles) for the few a related or backlinks list shows
    first = output.render(
        build.Model(linked.site, linked.graph, pages, linked.warnings), env, pages, False, "diff", warm=False
    )
    if not first.ok:
        return []
    early(first.urls)
    return pages


def _targets(links: tuple[object, ...]) -> list[tuple[object, ...]]:
    return [(ref.target, ref.fragment, ref.lang) for ref in links]  # type: ignore[attr-defined]


def _swap_article(page: Page, replaced: dict[int, Article]) -> Page:
    """The page with any changed Article in its context replaced (article pages hold theirs)."""
    if not any(id(v) in replaced for v in page.ctx.values()):
        return page
    ctx = {k: replaced.get(id(v), v) for k, v in page.ctx.items()}
    return dataclasses.replace(page, ctx=ctx)
