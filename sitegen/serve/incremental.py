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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from sitegen import cache
from sitegen.build import BuildOptions, Model, load_model
from sitegen.errors import SiteError, SiteErrors
from sitegen.model import Article, Config
from sitegen.pages import Page
from sitegen.read import ReadResult, content_files, read_content, read_file
from sitegen.render import (
    RenderJob,
    check_templates,
    check_unique_urls,
    make_environment,
    make_views,
    render_all,
    warm_partials,
)
from sitegen.serve.deps import TemplateDeps, changed_slugs, pages_to_render, template_deps
from sitegen.urls import output_file
from sitegen.write import copy_static

_Stamp = cache.Stamp  # size, mtime, inode


@dataclass(frozen=True)
class Outcome:
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
    by_path: dict[Path, tuple[str, str]]  # source file -> article key
    owners: dict[tuple[str, str], list[int]]  # article key -> pages holding that Article (page, .bib, .ris)
    readers: dict[str, list[int]]  # slug -> pages that show its body


def _make_index(model: Model, deps: TemplateDeps) -> _Index:
    by_path = {a.source_path: a.key for a in model.site.articles.values()}
    by_id = {id(a): a.key for a in model.site.articles.values()}
    owners: dict[tuple[str, str], list[int]] = {}
    readers: dict[str, list[int]] = {}
    for i, page in enumerate(model.pages):
        for value in page.ctx.values():
            key = by_id.get(id(value))
            if key is not None:
                owners.setdefault(key, []).append(i)
        if page.template in deps.reads_body:
            for slug in page.slugs:
                readers.setdefault(slug, []).append(i)
    return _Index(id(model), by_path, owners, readers)  # type: ignore[arg-type]


@dataclass
class _Pending:
    """Changes seen since the last good render; a failed rebuild keeps them for the next attempt."""

    templates: set[str] = field(default_factory=set)
    static: bool = False
    config: bool = False
    failed_urls: set[str] = field(default_factory=set)

    def clean(self) -> bool:
        return not (self.templates or self.static or self.config or self.failed_urls)


class SiteState:
    """Owns the output folder; `rebuild` is called from one thread at a time."""

    def __init__(self, site_dir: Path, out: Path, options: BuildOptions):
        self.site_dir, self.out, self.options = site_dir, out, options
        self.model: Model | None = None
        self.env: jinja2.Environment | None = None
        self.deps: TemplateDeps | None = None
        self._reads: dict[Path, tuple[_Stamp, ReadResult]] = {}
        self._read_key: tuple[tuple[str, ...], bool, bool] | None = None
        self._static: set[Path] = set()
        self._index: _Index | None = None
        self.pending = _Pending()

    # reading, with a cache -------------------------------------------------------------------
    def _read(self, site_dir: Path, config: Config) -> list[ReadResult]:
        key = (tuple(config.languages), config.allow_html, self.options.search and config.search)
        if key != self._read_key:
            self._reads.clear()
            self._read_key = key
        files = content_files(site_dir)
        stamps = {p: _stamp(p) for p in files}
        stale = [p for p in files if p not in self._reads or self._reads[p][0] != stamps[p]]
        # the first read of a session may find most files in the build cache (cache.py)
        for path, result in zip(
            stale, read_content(site_dir, config, stale, use_cache=not self._reads, search=key[2])
        ):
            self._reads[path] = (stamps[path], result)
        for gone in self._reads.keys() - set(files):
            del self._reads[gone]
        return [self._reads[p][1] for p in files]

    def forget(self, paths: set[Path]) -> None:
        """Files the watcher saw change are read again even if size and mtime look the same."""
        for path in paths:
            self._reads.pop(path, None)

    # rebuilding -------------------------------------------------------------------------------
    def rebuild(
        self, changed: set[Path] | None = None, early: Callable[[tuple[str, ...]], None] | None = None
    ) -> Outcome:
        """Bring the output up to date with the files on disk; `changed=None` means everything.

        `early(urls)` is called as soon as the most wanted pages (an edited article's own) are written."""
        started = time.perf_counter()
        kinds = self._classify(changed)
        try:
            if self.model is None or changed is None:
                outcome = self._full()
            elif kinds == {"content"} and self.pending.clean() and (fast := self._body_edit(changed, early)):
                outcome = fast
            else:
                outcome = self._diff(changed)
        except SiteErrors as exc:
            outcome = Outcome(
                errors=tuple(e for e in exc.errors if e.severity == "error"),
                warnings=tuple(e for e in exc.errors if e.severity == "warning"),
            )
        finally:
            cache.wait()  # the parse cache a first read writes in the background
        return dataclasses.replace(outcome, seconds=time.perf_counter() - started)

    def _classify(self, changed: set[Path] | None) -> set[str]:
        kinds: set[str] = set()
        for path in changed or ():
            rel = _relative(path, self.site_dir)
            top = rel.parts[0] if rel and rel.parts else ""
            if top == "templates":
                if len(rel.parts) > 1:
                    self.pending.templates.add("/".join(rel.parts[1:]))
                self.env = None
            elif top == "static":
                self.pending.static = True
            elif top == "site.yaml":
                self.pending.config = True
            kinds.add(top)
        return kinds

    def _load(self) -> tuple[Model, jinja2.Environment, TemplateDeps]:
        model = load_model(self.site_dir, self.options, read=self._read)
        env = self.env or make_environment(self.site_dir)
        errors = check_templates(env) + check_unique_urls(model.pages)
        if errors:
            raise SiteErrors(errors + model.warnings)
        return model, env, template_deps(env)

    def _full(self) -> Outcome:
        model, env, deps = self._load()
        self.pending.failed_urls.clear()
        self._clear_output()
        outcome = self._render(model, env, model.pages, everything=True, how="full")
        self._sync_static()
        (self.out / ".nojekyll").write_text("", encoding="utf-8")
        self.pending = _Pending(failed_urls=self.pending.failed_urls)
        self.model, self.env, self.deps = model, env, deps
        self._index = _make_index(model, deps)  # now, so that the next body edit pays nothing for it
        return outcome

    def _diff(self, changed: set[Path]) -> Outcome:
        assert self.model is not None and self.deps is not None
        old, old_deps = self.model, self.deps
        self.forget(changed)
        model, env, deps = self._load()
        if self.pending.config or model.site.config != old.site.config:
            pages, everything = model.pages, True
        else:
            slugs = changed_slugs(old, model)
            pages = pages_to_render(
                old, model, slugs, self.pending.templates, deps, old_deps, self.pending.failed_urls
            )
            everything = len(pages) == len(model.pages)
        for url in {p.url for p in old.pages} - {p.url for p in model.pages}:
            _remove_page(self.out, url)
        self.pending.failed_urls.clear()
        outcome = self._render(model, env, pages, everything, "diff")
        if self.pending.static or self.pending.config:
            self._sync_static()
            outcome = dataclasses.replace(outcome, everything=True)
        self.pending = _Pending(failed_urls=self.pending.failed_urls)
        self.model, self.env, self.deps = model, env, deps
        self._index = _make_index(model, deps)  # now, so that the next body edit pays nothing for it
        return outcome

    def _body_edit(
        self, changed: set[Path], early: Callable[[tuple[str, ...]], None] | None
    ) -> Outcome | None:
        """Only Markdown bodies changed (front matter and link targets as before): patch the model.

        Validation copies `body_html` and `links` from the file unchanged, so replacing those two
        fields gives the very Article a full rebuild would make."""
        assert self.model is not None and self.env is not None and self.deps is not None and self._read_key
        model = self.model
        if self._index is None or self._index.model_id != id(model):
            self._index = _make_index(model, self.deps)
        index = self._index
        replaced: dict[int, Article] = {}  # id(old article) -> new
        for path in changed:
            before = self._cached(path)
            if before is None or not path.is_file():
                return None
            result = read_file(path, *self._read_key)
            doc, old = result.doc, before.doc
            if (
                result.errors
                or doc is None
                or old is None
                or (doc.slug, doc.lang, doc.meta, doc.fm_text) != (old.slug, old.lang, old.meta, old.fm_text)
                or _targets(doc.links) != _targets(old.links)
            ):
                return None
            self._reads[path] = (_stamp(path), result)
            key = index.by_path.get(path)
            article = model.site.articles.get(key) if key else None  # type: ignore[call-overload]
            if (doc.body_html, doc.links) == (old.body_html, old.links):
                continue  # saved without a change (or only the file's time changed)
            if article is not None:  # a draft is not on the site: nothing to redo
                replaced[id(article)] = dataclasses.replace(
                    article, body_html=doc.body_html, links=doc.links, search_words=doc.search_words
                )
        if not replaced:
            return Outcome(how="body")
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

    def _cached(self, path: Path) -> ReadResult | None:
        hit = self._reads.get(path)
        return hit[1] if hit else None

    # writing ----------------------------------------------------------------------------------
    def _render(
        self, model: Model, env: jinja2.Environment, pages: list[Page], everything: bool, how: str
    ) -> Outcome:
        search = self.options.search and model.site.config.search
        job = RenderJob(
            model.site,
            model.graph,
            env,
            pages,
            self.out,
            make_views(model.site, model.graph, env, search),
            self.options.extra_head,
        )
        if len(pages) > len(model.pages) // 2:  # most of the site (a template edit): as `build` does
            warm_partials(job)
        errors = render_all(job)
        if errors:
            # which page failed is not reported separately: try all of them again next time
            self.pending.failed_urls |= {p.url for p in pages}
            return Outcome(errors=tuple(errors), warnings=tuple(model.warnings), how=how)
        return Outcome(
            urls=tuple(p.url for p in pages), warnings=tuple(model.warnings), everything=everything, how=how
        )

    def _clear_output(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for child in self.out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def _sync_static(self) -> None:
        """Copy static files as `build` does, and delete the ones removed since (rare: copy them all)."""
        with tempfile.TemporaryDirectory(prefix=".sitegen-static-") as scratch:
            copy_static(self.site_dir, Path(scratch))
            now = {p.relative_to(scratch) for p in Path(scratch).rglob("*") if p.is_file()}
            for rel in now:
                target = self.out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(scratch) / rel, target)
        page_files = {
            output_file(self.out, p.url).relative_to(self.out)
            for p in (self.model.pages if self.model else ())
        }
        for rel in self._static - now - page_files:
            (self.out / rel).unlink(missing_ok=True)
        self._static = now


def _stamp(path: Path) -> _Stamp:
    try:
        return cache.stamp(path)
    except OSError:
        return (-1, -1, -1)


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


def _remove_page(out: Path, url: str) -> None:
    """A page that no longer exists (deleted article, tag no longer used): its file and empty folders go."""
    target = output_file(out, url)
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
