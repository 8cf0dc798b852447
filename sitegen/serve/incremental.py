"""The dev server's build state: the last good model in memory, and rebuilds that redo only what changed.

A rebuild re-reads only the files that changed (parsed files are cached by path, size and mtime),
then either patches the model directly (an article body edit: the common case, in milliseconds) or
re-validates the whole site and renders the pages whose inputs differ between the old and new model.
On a user mistake nothing is written: the last good pages stay on disk and the errors are returned.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from sitegen import build
from sitegen.build import BuildOptions, Model
from sitegen.errors import SiteError, SiteErrors
from sitegen.model import Article, Config, Lang, Page, Slug
from sitegen.pages import article_pages
from sitegen.read import ReadResult
from sitegen.serve.deps import TemplateDeps, changed_slugs, pages_to_render, template_deps
from sitegen.serve.reads import ReadCache

EARLY_ARTICLES = 4  # an edit of more articles than this (a batch, a script) is not announced page by page


@dataclass(frozen=True)
class Rebuild:
    """What one rebuild did: the URLs it rewrote (for the browser), or the errors it found."""

    urls: tuple[str, ...] = ()
    errors: tuple[SiteError, ...] = ()
    warnings: tuple[SiteError, ...] = ()
    seconds: float = 0.0
    everything: bool = False  # every page changed (or static files): reload every open tab
    how: str = ""  # "full", "body", "diff": for the terminal and the benchmark

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Index:
    """Lookups for the body-edit path, built once per model so an edit costs what it touches, not the site
    (scanning 55k pages per save took ~200 ms on a 10k-article site)."""

    model_id: int
    by_path: dict[Path, tuple[Slug, Lang]]  # source file -> article key
    owners: dict[tuple[Slug, Lang], list[int]]  # article key -> pages holding that Article (page, .bib, .ris)
    readers: dict[str, list[int]]  # slug -> pages that show its body


def _make_index(model: Model, deps: TemplateDeps) -> _Index:
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
    return _Index(id(model), by_path, owners, readers)


@dataclass
class _Pending:
    """Changes seen since the last good render; a failed rebuild keeps them for the next attempt."""

    templates: set[str] = field(default_factory=set)
    static: bool = False
    config: bool = False
    failed_urls: set[str] = field(default_factory=set)

    def note(self, changed: set[Path] | None, site_dir: Path) -> set[str]:
        """Record what kind of files changed; returns the kinds (top folders of the site, or site.yaml)."""
        kinds: set[str] = set()
        for path in changed or ():
            rel = _relative(path, site_dir)
            parts = rel.parts if rel else ()
            top = parts[0] if parts else ""
            if top == "templates" and len(parts) > 1:
                self.templates.add("/".join(parts[1:]))
            elif top == "static":
                self.static = True
            elif top == "site.yaml":
                self.config = True
            kinds.add(top)
        return kinds

    def clean(self) -> bool:
        return not (self.templates or self.static or self.config or self.failed_urls)


class SiteState:
    """Owns the output folder; `rebuild` is called from one thread at a time."""

    def __init__(self, site_dir: Path, out: Path, options: BuildOptions):
        self.site_dir, self.out, self.options = site_dir, out, options
        self.model: Model | None = None
        self.env: jinja2.Environment | None = None
        self.deps: TemplateDeps | None = None
        self.reads = ReadCache(options)
        self.memo = build.new_memo()
        self._static: set[Path] = set()
        self._index: _Index | None = None
        self.pending = _Pending()
        # False from the moment a rebuild reads changed content until one succeeds: a failed rebuild
        # leaves the last good model, older than the files on disk
        self._model_current = False
        self._announced: list[Page] = []  # rendered and announced before the plan (_announce_edited)

    def forget(self, paths: set[Path]) -> None:
        """Files the watcher saw change are read again even if size and mtime look the same."""
        self.reads.forget(paths)

    # rebuilding -------------------------------------------------------------------------------
    def rebuild(
        self, changed: set[Path] | None = None, early: Callable[[tuple[str, ...]], None] | None = None
    ) -> Rebuild:
        """Bring the output up to date with the files on disk; `changed=None` means everything.

        `early(urls)` is called as soon as the most wanted pages (an edited article's own) are written."""
        started = time.perf_counter()
        kinds = self.pending.note(changed, self.site_dir)
        if "templates" in kinds:
            self.env = None
        try:
            if self.model is None or changed is None:
                outcome = self._full()
            elif kinds == {"content"} and self.pending.clean() and (fast := self._body_edit(changed, early)):
                outcome = fast
            else:
                outcome = self._diff(changed, early)
        except SiteErrors as exc:
            # pages written before the error was found: redo them with the next good model
            self.pending.failed_urls |= {p.url for p in self._announced}
            outcome = Rebuild(
                errors=tuple(e for e in exc.errors if e.severity == "error"),
                warnings=tuple(e for e in exc.errors if e.severity == "warning"),
            )
        finally:
            self._announced = []
            self.reads.writes.wait()  # the parse cache a first read writes in the background
        return dataclasses.replace(outcome, seconds=time.perf_counter() - started)

    def _load(
        self, changed: set[Path] | None = None, early: Callable[[tuple[str, ...]], None] | None = None
    ) -> tuple[Model, jinja2.Environment, TemplateDeps]:
        """The model from the files on disk; `changed`: the only files that can differ from the last read."""
        content = self.site_dir / "content"
        hint = None if changed is None else {p for p in changed if p.is_relative_to(content)}

        def read(site_dir: Path, config: Config) -> list[ReadResult]:
            return self.reads.read(site_dir, config, hint)

        linked = build.load_site(self.site_dir, self.options, read=read, memo=self.memo)
        if (
            early is not None
            and self.model is not None
            and self.env is not None
            and not self.pending.templates
        ):
            self._announce_edited(linked, self.model, self.env, early)
        model = build.plan(linked)
        env = self.env or build.templates(self.site_dir)
        errors = build.check(model, env)
        if errors:
            raise SiteErrors(errors + model.warnings)
        # the templates' dependencies change only with the templates (a new env): ~0.2 s to re-parse them all
        return model, env, self.deps if env is self.env and self.deps is not None else template_deps(env)

    def _full(self) -> Rebuild:
        model, env, deps = self._load()
        self.pending.failed_urls.clear()
        _clear_output(self.out)
        outcome = self._render(model, env, model.pages, everything=True, how="full")
        self._static = _sync_static(self.site_dir, self.out, self._static, self.model)
        self.pending = _Pending(failed_urls=self.pending.failed_urls)
        self.model, self.env, self.deps = model, env, deps
        self._model_current = True
        self._index = _make_index(model, deps)  # now, so that the next body edit pays nothing for it
        return outcome

    def _diff(self, changed: set[Path], early: Callable[[tuple[str, ...]], None] | None = None) -> Rebuild:
        assert self.model is not None and self.deps is not None
        old, old_deps = self.model, self.deps
        self.forget(changed)
        if (
            self._model_current
            and not self.pending.config
            and all(
                (_relative(p, self.site_dir) or Path()).parts[:1] in (("templates",), ("static",))
                for p in changed
            )
        ):
            # only templates or static files changed, and the model matches the content on disk: keep it
            # (at 10k articles re-making it is ~2 s of a template edit)
            model, env = old, self.env or build.templates(self.site_dir)
            errors = build.check(model, env)
            if errors:
                raise SiteErrors(errors + model.warnings)
            deps = template_deps(env)
        else:
            self._model_current = False
            model, env, deps = self._load(changed, early)
        if self.pending.config or model.site.config != old.site.config:
            pages, everything = model.pages, True
        else:
            slugs = changed_slugs(old, model)
            pages = pages_to_render(
                old, model, slugs, self.pending.templates, deps, old_deps, self.pending.failed_urls
            )
            everything = len(pages) == len(model.pages)
        done = {p.url: p for p in self._announced}
        pages = [p for p in pages if done.get(p.url) != p]
        for url in {p.url for p in old.pages} - {p.url for p in model.pages}:
            build.remove_page(self.out, url)
        self.pending.failed_urls.clear()
        outcome = self._render_browsed_first(model, env, pages, everything, early)
        if outcome.ok and done:
            outcome = dataclasses.replace(outcome, urls=tuple(done) + outcome.urls)
        if self.pending.static or self.pending.config:
            self._static = _sync_static(self.site_dir, self.out, self._static, self.model)
            outcome = dataclasses.replace(outcome, everything=True)
        self.pending = _Pending(failed_urls=self.pending.failed_urls)
        self.model, self.env, self.deps = model, env, deps
        self._model_current = True
        if self._index is None or self._index.model_id != id(model) or deps != old_deps:
            self._index = _make_index(model, deps)  # now, so that the next body edit pays nothing for it
        return outcome

    def _announce_edited(
        self,
        linked: build.Linked,
        old: Model,
        env: jinja2.Environment,
        early: Callable[[tuple[str, ...]], None],
    ) -> None:
        """Render the pages of the few articles an edit changed as soon as the graph is known, and announce them:
        the page the user is looking at shows the change before the page plan (~1 s at 10k articles) and the
        lists. Their Page is the one the plan makes (pages.article_pages), so the rebuild does not redo them."""
        before = {id(a) for a in old.site.articles.values()}
        edited = [a for a in linked.site.articles.values() if id(a) not in before]
        if not edited or len(edited) > EARLY_ARTICLES:
            return
        wanted = {a.key for a in edited}
        pages = [
            p
            for slug in dict.fromkeys(a.slug for a in edited)
            for p in article_pages(linked.site, linked.graph, slug)
            if (slug, p.lang) in wanted
        ]
        first = self._render(
            build.Model(linked.site, linked.graph, pages, linked.warnings), env, pages, False, "diff"
        )
        if first.ok:
            early(first.urls)
            self._announced = pages

    def _body_edit(
        self, changed: set[Path], early: Callable[[tuple[str, ...]], None] | None
    ) -> Rebuild | None:
        """Only Markdown bodies changed (front matter and link targets as before): patch the model.

        Validation copies `body_html` and `links` from the file unchanged, so replacing those two
        fields gives the very Article a full rebuild would make."""
        assert self.model is not None and self.env is not None and self.deps is not None
        model = self.model
        if self._index is None or self._index.model_id != id(model):
            self._index = _make_index(model, self.deps)
        index = self._index
        replaced: dict[int, Article] = {}  # id(old article) -> new
        for path in changed:
            before = self.reads.cached(path)
            if before is None or not path.is_file():
                return None
            result = self.reads.reread(path)
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
            if (doc.body_html, doc.links) == (old.body_html, old.links):
                continue  # saved without a change (or only the file's time changed)
            if article is not None:  # a draft is not on the site: nothing to redo
                replaced[id(article)] = dataclasses.replace(
                    article, body_html=doc.body_html, links=doc.links, search_words=doc.search_words
                )
        if not replaced:
            return Rebuild(how="body")
        articles, versions = dict(model.site.articles), dict(model.graph.versions)
        pages = list(model.pages)
        needed: set[int] = set()
        for new_article in replaced.values():
            articles[new_article.key] = new_article
            versions[new_article.slug] = {**versions[new_article.slug], new_article.lang: new_article}
            needed.update(index.readers.get(new_article.slug, ()))
            for i in index.owners.get(new_article.key, ()):
                pages[i] = _swap_article(pages[i], replaced)
        self.model = Model(
            dataclasses.replace(model.site, articles=articles),
            dataclasses.replace(model.graph, versions=versions),
            pages,
            model.warnings,
        )
        # same pages, same places: the index stays valid for the patched model
        self._index = dataclasses.replace(index, model_id=id(self.model))
        todo = [pages[i] for i in sorted(needed)]
        # the edited article's own pages first, announced at once; pages that merely read the slug
        # (backlinks, feeds) follow in the same rebuild
        new_ids = {id(a) for a in replaced.values()}
        own = [p for p in todo if any(id(v) in new_ids for v in p.ctx.values())]
        if own and early is not None:
            first = self._render(self.model, self.env, own, False, "body")
            if not first.ok:
                return first
            early(first.urls)
            own_urls = {p.url for p in own}
            rest = self._render(
                self.model, self.env, [p for p in todo if p.url not in own_urls], False, "body"
            )
            return dataclasses.replace(rest, urls=first.urls + rest.urls) if rest.ok else rest
        return self._render(self.model, self.env, todo, False, "body")

    # writing ----------------------------------------------------------------------------------
    def _render_browsed_first(
        self,
        model: Model,
        env: jinja2.Environment,
        pages: list[Page],
        everything: bool,
        early: Callable[[tuple[str, ...]], None] | None,
    ) -> Rebuild:
        """The pages a browser shows first, announced at once; then the data files (exports, feeds, sitemap).

        At 10k articles a tag edit changes ~80 pages, and the five that list the whole site as data
        (articles.json 2.1 s, articles.csv, timeline.json ×2, sitemap.xml: 3.5 s of one core) would
        otherwise hold back the reload of the article page the user is looking at."""
        browsed = [p for p in pages if _browsed(p)]
        if everything or early is None or not browsed or len(browsed) == len(pages):
            return self._render(model, env, pages, everything, "diff")
        first = self._render(model, env, browsed, False, "diff")
        if not first.ok:
            return first
        early(first.urls)
        rest = self._render(model, env, [p for p in pages if not _browsed(p)], False, "diff")
        return dataclasses.replace(rest, urls=first.urls + rest.urls) if rest.ok else rest

    def _render(
        self, model: Model, env: jinja2.Environment, pages: list[Page], everything: bool, how: str
    ) -> Rebuild:
        # most of the site (a template edit): warm the list entries first, as `build` does
        errors = build.render_pages(
            model, env, pages, self.out, self.options, warm=len(pages) > len(model.pages) // 2
        )
        if errors:
            # which page failed is not reported separately: try all of them again next time
            self.pending.failed_urls |= {p.url for p in pages}
            return Rebuild(errors=tuple(errors), warnings=tuple(model.warnings), how=how)
        return Rebuild(
            urls=tuple(p.url for p in pages), warnings=tuple(model.warnings), everything=everything, how=how
        )


def _browsed(page: Page) -> bool:
    """An HTML page (a folder's index.html, 404.html), as opposed to a data file or feed."""
    return page.url.endswith(("/", ".html"))


def _relative(path: Path, root: Path) -> Path | None:
    try:
        return path.relative_to(root)
    except ValueError:
        return None


def _targets(links: tuple[object, ...]) -> list[tuple[object, ...]]:
    return [(ref.target, ref.fragment, ref.lang) for ref in links]  # type: ignore[attr-defined]


def _swap_article(page: Page, replaced: dict[int, Article]) -> Page:
    """The page with any changed Article in its context replaced (article pages hold theirs)."""
    if not any(id(v) in replaced for v in page.ctx.values()):
        return page
    ctx = {k: replaced.get(id(v), v) for k, v in page.ctx.items()}
    return dataclasses.replace(page, ctx=ctx)


def _clear_output(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for child in out.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _sync_static(site_dir: Path, out: Path, before: set[Path], model: Model | None) -> set[Path]:
    """Write static files as `build` does, and delete the ones removed since (rare: copy them all);
    returns the static files now in `out`."""
    with tempfile.TemporaryDirectory(prefix=".sitegen-static-") as scratch:
        build.write_static(site_dir, Path(scratch))
        now = {p.relative_to(scratch) for p in Path(scratch).rglob("*") if p.is_file()}
        for rel in now:
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(scratch) / rel, target)
    page_files = {build.page_file(out, p.url).relative_to(out) for p in (model.pages if model else ())}
    for rel in before - now - page_files:
        (out / rel).unlink(missing_ok=True)
    return now
