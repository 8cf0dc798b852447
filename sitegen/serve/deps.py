"""What a page depends on, so a rebuild redoes only the pages a change touches.

Template dependencies are read from the templates themselves (extends/include/import, followed
transitively) and from the Python code that loads partials by name (entries, nav). Article
dependencies come from `Page.slugs`, which `plan_pages` records while planning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import jinja2
from jinja2 import meta

from sitegen import render
from sitegen.build import Model
from sitegen.model import Page, Slug
from sitegen.render import TEMPLATE_SUFFIXES

# a template that can show an article's body: `h.body(a)` or `a.body_html`
_READS_BODY = re.compile(r"\bbody\s*\(|\bbody_html\b")


def python_loaded_templates() -> frozenset[str]:
    """Partials that `render.View` loads by name: any page may use them (every list shows entries)."""
    return frozenset(render.PYTHON_PARTIALS)


@dataclass(frozen=True)
class TemplateDeps:
    closure: dict[str, frozenset[str]]  # template -> itself and every template it pulls in
    everywhere: frozenset[str]  # templates any page may use (loaded from Python, and their closure)
    reads_body: frozenset[str]  # page templates that can show an article body

    def uses(self, template: str) -> frozenset[str]:
        return self.closure.get(template, frozenset({template})) | self.everywhere


def template_deps(env: jinja2.Environment) -> TemplateDeps:
    names = env.list_templates(extensions=[s.lstrip(".") for s in TEMPLATE_SUFFIXES])
    direct: dict[str, set[str]] = {}
    body: set[str] = set()
    for name in names:
        try:
            source = env.loader.get_source(env, name)[0] if env.loader else ""
            refs = list(meta.find_referenced_templates(env.parse(source)))
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            refs, source = [], ""  # check_templates reports it; depend on nothing meanwhile
        # a computed name ({% include var %}) could be any template
        direct[name] = set(names) if None in refs else {r for r in refs if r}
        if _READS_BODY.search(source):
            body.add(name)
    closure = {name: frozenset(_reach(name, direct)) for name in names}
    everywhere = frozenset().union(*(closure.get(n, {n}) for n in python_loaded_templates()))
    reads_body = frozenset(n for n in names if (closure[n] | everywhere) & body)
    return TemplateDeps(closure, everywhere, reads_body)


def _reach(start: str, direct: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for ref in direct.get(todo.pop(), ()):
            if ref not in seen:
                seen.add(ref)
                todo.append(ref)
    return seen


def changed_slugs(old: Model, new: Model) -> set[Slug]:
    """Slugs whose articles (any language version), or the tags/authors they show, differ."""
    out: set[Slug] = set()
    for slug in old.graph.versions.keys() | new.graph.versions.keys():
        if old.graph.versions.get(slug) != new.graph.versions.get(slug):
            out.add(slug)
    for registry in ("tags", "authors"):
        before, after = getattr(old.site, registry), getattr(new.site, registry)
        keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        if keys:
            for model in (old, new):
                for article in model.site.articles.values():
                    if keys.intersection(article.tags if registry == "tags" else article.authors):
                        out.add(article.slug)
    return out


def pages_to_render(
    old: Model,
    new: Model,
    slugs: set[Slug],
    templates: Iterable[str],
    deps: TemplateDeps,
    old_deps: TemplateDeps,
    also: set[str],
) -> list[Page]:
    """The new model's pages whose output may differ from what is on disk.

    A page is redone when it is new, its own definition changed (context, alternates, template),
    it reads a changed article (before or after the change), it uses a changed template, it is an
    index of a registry that changed, or its URL is in `also` (pages whose last render failed)."""
    templates = set(templates)
    before = {p.url: p for p in old.pages}
    kinds = {
        kind
        for kind, attr in (("tags", "tags"), ("authors", "authors"), ("sources", "sources"))
        if getattr(old.site, attr) != getattr(new.site, attr)
    }
    out = []
    for page in new.pages:
        prev = before.get(page.url)
        if (
            prev is None
            or page.url in also
            or page.kind in kinds
            or (templates and templates & (deps.uses(page.template) | old_deps.uses(page.template)))
            # two tests, not a union: a union copies the 10k slugs of every whole-site page
            or (slugs and not (slugs.isdisjoint(page.slugs) and slugs.isdisjoint(prev.slugs)))
            or (prev.template, prev.lang, prev.kind, prev.alternates)
            != (page.template, page.lang, page.kind, page.alternates)
            or prev.ctx != page.ctx
        ):
            out.append(page)
    return out
