"""The dev server's build state: the last good model in memory, and rebuilds that redo only what changed.

A rebuild re-reads only the files that changed (parsed files are cached by path, size and mtime),
then either patches the model directly (an article body edit: the common case, in milliseconds) or
re-validates the whole site and renders the pages whose inputs differ between the old and new model.
On a user mistake nothing is written: the last good pages stay on disk and the errors are returned.
The body-edit path is serve/edits.py, the writing serve/output.py; this module keeps the state and
decides which path an edit takes.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from sitegen import build
from sitegen.bodies import BodyStore
from sitegen.build import BuildOptions, Model
from sitegen.errors import SiteErrors
from sitegen.model import Config, Page
from sitegen.read import ReadResult
from sitegen.serve.deps import TemplateDeps, changed_slugs, pages_to_render, template_deps
from sitegen.serve.edits import BodyIndex, announce_edited, make_index, patch_bodies
from sitegen.serve.output import Announce, Output, Rebuild
from sitegen.serve.reads import ReadCache


@dataclass
class _Pending:
    """Changes seen since the last good render; a failed rebuild keeps them for the next attempt
    (with the pages it failed to write, `Output.failed_urls`)."""

    templates: set[str] = field(default_factory=set)
    static: bool = False
    config: bool = False

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
        return not (self.templates or self.static or self.config)


class SiteState:
    """Owns the output folder; `rebuild` is called from one thread at a time."""

    def __init__(self, site_dir: Path, out: Path, options: BuildOptions):
        self.site_dir, self.out, self.options = site_dir, out, options
        self.model: Model | None = None
        self.env: jinja2.Environment | None = None
        self.deps: TemplateDeps | None = None
        # the body store lives as long as the session (a temporary one, without the cache, is removed
        # when the server exits)
        self.reads = ReadCache(options, BodyStore.for_site(site_dir, options.cache))
        self.memo = build.new_memo()
        self.output = Output(out, options)
        self._index: BodyIndex | None = None
        self.pending = _Pending()
        # False from the moment a rebuild reads changed content until one succeeds: a failed rebuild
        # leaves the last good model, older than the files on disk
        self._model_current = False
        self._announced: list[Page] = []  # rendered and announced before the plan (edits.announce_edited)

    def forget(self, paths: set[Path]) -> None:
        """Files the watcher saw change are read again even if size and mtime look the same."""
        self.reads.forget(paths)

    def rebuild(self, changed: set[Path] | None = None, early: Announce | None = None) -> Rebuild:
        """Bring the output up to date with the files on disk; `changed=None` means everything.

        `early(urls)` is called as soon as the most wanted pages (an edited article's own) are written."""
        started = time.perf_counter()
        kinds = self.pending.note(changed, self.site_dir)
        if "templates" in kinds:
            self.env = None
        try:
            if self.model is None or changed is None:
                outcome = self._full()
            elif (
                kinds == {"content"}
                and self.pending.clean()
                and not self.output.failed_urls
                and (fast := self._body_edit(changed, early))
            ):
                outcome = fast
            else:
                outcome = self._diff(changed, early)
        except SiteErrors as exc:
            # pages written before the error was found: redo them with the next good model
            self.output.failed_urls |= {p.url for p in self._announced}
            outcome = Rebuild(
                errors=tuple(e for e in exc.errors if e.severity == "error"),
                warnings=tuple(e for e in exc.errors if e.severity == "warning"),
            )
        finally:
            self._announced = []
            self.reads.writes.wait()  # the parse cache a first read writes in the background
        return dataclasses.replace(outcome, seconds=time.perf_counter() - started)

    def _load(
        self, changed: set[Path] | None = None, early: Announce | None = None
    ) -> tuple[Model, jinja2.Environment, TemplateDeps]:
        """The model from the files on disk; `changed`: the only files that can differ from the last read."""
        content = self.site_dir / "content"
        hint = None if changed is None else {p for p in changed if p.is_relative_to(content)}

        def read(site_dir: Path, config: Config) -> list[ReadResult]:
            return self.reads.read(site_dir, config, hint)

        linked = build.load_site(
            self.site_dir, self.options, read=read, memo=self.memo, bodies=self.reads.bodies
        )
        if (
            early is not None
            and self.model is not None
            and self.env is not None
            and not self.pending.templates
        ):
            self._announced = announce_edited(self.output, linked, self.model, self.env, early)
        model = build.plan(linked)
        env = self.env or build.templates(self.site_dir)
        _check(model, env)
        # the templates' dependencies change only with the templates (a new env): ~0.2 s to re-parse them all
        return model, env, self.deps if env is self.env and self.deps is not None else template_deps(env)

    def _full(self) -> Rebuild:
        model, env, deps = self._load()
        self.output.failed_urls.clear()
        self.output.clear()
        self.output.sync_static(self.site_dir, model, [])  # first: pages a static file replaces are skipped
        outcome = self.output.render(model, env, model.pages, everything=True, how="full")
        self._keep(model, env, deps, reindex=True)
        return outcome

    def _diff(self, changed: set[Path], early: Announce | None = None) -> Rebuild:
        assert self.model is not None and self.deps is not None
        old, old_deps = self.model, self.deps
        self.forget(changed)
        if (
            self._model_current
            and not self.pending.config
            and _only_templates_or_static(changed, self.site_dir)
        ):
            # only templates or static files changed, and the model matches the content on disk: keep it
            # (at 10k articles re-making it is ~2 s of a template edit)
            model, env = old, self.env or build.templates(self.site_dir)
            _check(model, env)
            deps = template_deps(env)
        else:
            self._model_current = False
            model, env, deps = self._load(changed, early)
        pages, everything = _changed_pages(
            old, model, self.pending, (old_deps, deps), self.output.failed_urls
        )
        done = {p.url: p for p in self._announced}
        pages = [p for p in pages if done.get(p.url) != p]
        for url in {p.url for p in old.pages} - {p.url for p in model.pages}:
            build.remove_page(self.out, url)
        self.output.failed_urls.clear()
        if self.pending.static or self.pending.config:  # first: pages no static file hides now come along
            pages, everything = self.output.sync_static(self.site_dir, model, pages), True
        outcome = self.output.render_browsed_first(model, env, pages, everything, early)
        if outcome.ok and done:
            outcome = dataclasses.replace(outcome, urls=tuple(done) + outcome.urls)
        stale = self._index is None or self._index.model_id != id(model) or deps != old_deps
        self._keep(model, env, deps, reindex=stale)
        return outcome

    def _keep(self, model: Model, env: jinja2.Environment, deps: TemplateDeps, reindex: bool) -> None:
        """The rendered model becomes the last good one."""
        self.pending = _Pending()
        self.model, self.env, self.deps = model, env, deps
        self._model_current = True
        if reindex:
            self._index = make_index(model, deps)  # now, so that the next body edit pays nothing for it

    def _body_edit(self, changed: set[Path], early: Announce | None) -> Rebuild | None:
        """Only Markdown bodies changed: patch the model (serve/edits.py) and render what shows them."""
        assert self.model is not None and self.env is not None and self.deps is not None
        model = self.model
        if self._index is None or self._index.model_id != id(model):
            self._index = make_index(model, self.deps)
        edit = patch_bodies(model, self._index, self.reads, changed)
        if edit is None:
            return None
        if edit.model is model:
            return Rebuild(how="body")
        self.model, self._index = edit.model, edit.index
        if edit.own and early is not None:
            return self.output.render_first(self.model, self.env, edit.own, edit.rest, "body", early)
        return self.output.render(self.model, self.env, edit.todo, False, "body")


def _changed_pages(
    old: Model, model: Model, pending: _Pending, deps: tuple[TemplateDeps, TemplateDeps], failed: set[str]
) -> tuple[list[Page], bool]:
    """The pages whose inputs differ between the old and the new model (and the pages still to redo),
    and whether that is every page."""
    if pending.config or model.site.config != old.site.config:
        return model.pages, True
    slugs = changed_slugs(old, model)
    pages = pages_to_render(old, model, slugs, pending.templates, deps[1], deps[0], failed)
    return pages, len(pages) == len(model.pages)


def _check(model: Model, env: jinja2.Environment) -> None:
    errors = build.check(model, env)
    if errors:
        raise SiteErrors(errors + model.warnings)


def _only_templates_or_static(changed: set[Path], site_dir: Path) -> bool:
    return all((_relative(p, site_dir) or Path()).parts[:1] in (("templates",), ("static",)) for p in changed)


def _relative(path: Path, root: Path) -> Path | None:
    try:
        return path.relative_to(root)
    except ValueError:
        return None
