"""The dev server's output folder: writing a rebuild's pages (the browsed ones first) and static files."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from sitegen import build
from sitegen.build import BuildOptions, Model
from sitegen.errors import SiteError
from sitegen.model import Page

Announce = Callable[[tuple[str, ...]], None]  # called with the URLs written so far, before the rebuild ends


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


@dataclass
class Output:
    """Writes pages and static files into `out`, and remembers the pages a failed render must redo."""

    out: Path
    options: BuildOptions
    failed_urls: set[str] = field(default_factory=set)  # written by no good render since they changed
    static: set[Path] = field(default_factory=set)  # the static files now in `out`
    # page URLs a file of the site's static/ takes the place of: never rendered over it, as in a build
    static_addresses: dict[str, Path] = field(default_factory=dict)

    def render(
        self,
        model: Model,
        env: jinja2.Environment,
        pages: list[Page],
        everything: bool,
        how: str,
        warm: bool | None = None,
    ) -> Rebuild:
        """Write `pages`; `warm`: render every list entry first (default: when most of the site is rendered,
        a template edit, as `build` does)."""
        if warm is None:
            warm = len(pages) > len(model.pages) // 2
        hidden = self.static_addresses
        written = [p for p in pages if p.url not in hidden] if hidden else pages
        errors = build.render_pages(model, env, written, self.out, self.options, warm=warm).errors
        config = model.site.config
        warnings = (
            *model.warnings,
            *build.static_over_pages(hidden, model.pages, config.site_dir, config.base_path),
        )
        if errors:
            # which page failed is not reported separately: try all of them again next time
            self.failed_urls |= {p.url for p in pages}
            return Rebuild(errors=tuple(errors), warnings=warnings, how=how)
        return Rebuild(urls=tuple(p.url for p in pages), warnings=warnings, everything=everything, how=how)

    def render_first(
        self,
        model: Model,
        env: jinja2.Environment,
        first: list[Page],
        rest: list[Page],
        how: str,
        early: Announce,
    ) -> Rebuild:
        """Render `first` and announce it at once, then `rest`; the outcome lists both."""
        done = self.render(model, env, first, False, how)
        if not done.ok:
            return done
        early(done.urls)
        after = self.render(model, env, rest, False, how)
        return dataclasses.replace(after, urls=done.urls + after.urls) if after.ok else after

    def render_browsed_first(
        self,
        model: Model,
        env: jinja2.Environment,
        pages: list[Page],
        everything: bool,
        early: Announce | None,
    ) -> Rebuild:
        """The pages a browser shows first, announced at once; then the data files (exports, feeds, sitemap).

        At 10k articles a tag edit changes ~80 pages, and the five that list the whole site as data
        (articles.json 2.1 s, articles.csv, timeline.json ×2, sitemap.xml: 3.5 s of one core) would
        otherwise hold back the reload of the article page the user is looking at."""
        browsed = [p for p in pages if _browsed(p)]
        if everything or early is None or not browsed or len(browsed) == len(pages):
            return self.render(model, env, pages, everything, "diff")
        return self.render_first(model, env, browsed, [p for p in pages if not _browsed(p)], "diff", early)

    def clear(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for child in self.out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()

    def sync_static(self, site_dir: Path, model: Model, pages: list[Page]) -> list[Page]:
        """Write static files as `build` does, and delete the ones removed since (rare: copy them all);
        returns `pages` and the pages a static file no longer replaces (to render again)."""
        before = self.static_addresses
        with tempfile.TemporaryDirectory(prefix=".sitegen-static-") as scratch:
            _, _, self.static_addresses = build.write_static(site_dir, Path(scratch))
            now = {p.relative_to(scratch) for p in Path(scratch).rglob("*") if p.is_file()}
            for rel in now:
                target = self.out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(scratch) / rel, target)
        out = self.out
        page_files = {build.page_file(out, p.url).relative_to(out) for p in model.pages}
        for rel in self.static - now - page_files:
            (out / rel).unlink(missing_ok=True)
        self.static = now
        freed = set(before) - set(self.static_addresses) - {p.url for p in pages}
        return pages + [p for p in model.pages if p.url in freed] if freed else pages


def _browsed(page: Page) -> bool:
    """An HTML page (a folder's index.html, 404.html), as opposed to a data file or feed."""
    return page.url.endswith(("/", ".html"))
