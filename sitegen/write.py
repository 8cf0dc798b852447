"""Stage 7: the output folder is replaced whole, or not at all.

Pages are written into a temporary sibling of OUT; only when everything (search index included)
succeeded is it swapped into place. A failed or killed build leaves the previous OUT untouched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sitegen.errors import SiteError
from sitegen.images import copy_without_metadata, is_image
from sitegen.model import Article, Page
from sitegen.parallel import FORK_SAFE
from sitegen.size import SiteSize
from sitegen.urls import output_file

THEME_STATIC = Path(__file__).parent / "theme" / "static"


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield a fresh folder beside `out`; on success it becomes `out`, on any error it is removed."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield stage
        swap_into_place(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def swap_into_place(stage: Path, out: Path) -> None:
    """Two renames: old OUT aside, stage in. Between them OUT is missing for microseconds, never half-written."""
    os.chmod(stage, 0o755)  # mkdtemp makes 0700; a web server must be able to read the site
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / out.name)
    os.replace(stage, out)
    if old is not None:
        remove_later(old)


def remove_later(folder: Path) -> None:
    """Remove `folder` without waiting: the previous site's 40k files took 5.7-6.7 s at 10k articles on
    this project's VM, a quarter of a rebuild. A detached process removes it (fork twice: nobody waits for
    it, no zombie is left); a removal killed halfway is finished by the next build (clean_stale_stages)."""
    if not FORK_SAFE:
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        pid = os.fork()
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if pid == 0:  # pragma: no cover - the child's work is checked by its effect (tests/test_build.py)
        try:
            if os.fork() == 0:
                # let go of the caller's pipes: a caller reading this process's output waits for them to close
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                os.closerange(3, 1024)
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)  # never run the parent's clean-up (atexit, temp folders) here
    os.waitpid(pid, 0)


_WRITE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)


def write_file(path: Path, text: str) -> int:
    """`path.write_text(text, encoding="utf-8")` without a text-file object (~20 us less a file, 55k files
    at 10k articles); returns the file's size."""
    data = memoryview(text.encode("utf-8"))
    size = len(data)
    fd = os.open(path, _WRITE_FLAGS, 0o666)
    try:
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)
    return size


def static_files(site_dir: Path) -> dict[Path, Path]:
    """Where each static file goes, relative to the output, and its source: the theme's under assets/, then
    the site's static/ over them."""
    files: dict[Path, Path] = {}
    for source in (THEME_STATIC, site_dir / "static"):
        if not source.is_dir():
            continue
        for path in sorted(source.rglob("*")):
            if path.is_symlink() or not path.is_file() or path.name.startswith("."):
                continue  # a link could point anywhere on the disk: never publish what it points to
            rel = path.relative_to(source)
            files[Path("assets") / rel if source == THEME_STATIC else rel] = path
    return files


def copy_static(files: Mapping[Path, Path], stage: Path) -> SiteSize:
    """`files` (static_files) into `stage`; returns what they add to its size: a file that replaces one
    already there (a page) counts once."""
    added = SiteSize(0, 0)
    for rel, path in files.items():
        target = stage / rel
        try:
            added += SiteSize(-target.stat().st_size, -1)
        except FileNotFoundError:
            pass
        copy_static_file(path, target)
        added += SiteSize(target.stat().st_size, 1)
    return added


def copy_static_file(path: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_image(path):
        copy_without_metadata(path, target)  # no GPS or camera data leaves with a photo
    else:
        shutil.copyfile(path, target)


def static_addresses(site_dir: Path, files: Mapping[Path, Path] | None = None) -> dict[str, Path]:
    """The page URLs a file of the site's static/ would take the place of (`/x/` and `/x/index.html` for
    x/index.html), and that file; the theme's files live under /assets/, where sitegen makes no page.
    `files`: static_files(site_dir), when the caller has them."""
    static = site_dir / "static"
    addresses: dict[str, Path] = {}
    for rel, path in (static_files(site_dir) if files is None else files).items():
        if not path.is_relative_to(static):
            continue
        url = "/" + rel.as_posix()
        addresses[url] = path
        if rel.name == "index.html":
            addresses[url.removesuffix("index.html")] = path
    return addresses


def static_over_pages(
    addresses: Mapping[str, Path], pages: Iterable[Page], site_dir: Path, base_path: str = "/"
) -> list[SiteError]:
    """A warning for each generated HTML page that a file of the site's static/ replaces: the build gives
    way to the static file, as it always did, but says so. Other files (robots.txt, a feed) are replaced
    in silence: a custom robots.txt is common and meant (docs/content.md)."""
    html = {url: path for url, path in addresses.items() if path.suffix == ".html"}
    warnings = []
    for page in pages if html else ():  # the dev server asks on every rebuild: most sites have no such file
        path = html.get(page.url)
        if path is None:
            continue
        article = page.ctx.get("article") if page.template == "article.html" else None
        source = (
            f", or delete {_shown(article.source_path, site_dir)} if that article should go"
            if isinstance(article, Article)
            else ""
        )
        warnings.append(
            SiteError(
                path,
                None,
                f"this static file replaces the page sitegen makes at {base_path.rstrip('/')}{page.url}",
                f"rename or move {_shown(path, site_dir)} if it is a page of its own{source}; if you meant"
                f" to replace the page, copy the theme's {page.template} into templates/ and change it"
                " there instead (the page keeps its links, language switch and search)",
                "warning",
            )
        )
    return warnings


def _shown(path: Path, site_dir: Path) -> str:
    return path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)


def page_file(out: Path, url: str) -> Path:
    """The file a page URL is written to under `out`."""
    return output_file(out, url)


def remove_page(out: Path, url: str) -> None:
    """A page that no longer exists (deleted article, tag no longer used): its file and empty folders go."""
    target = page_file(out, url)
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def clean_stale_stages(out: Path) -> None:
    """Remove stages left by a killed build (the user's OUT itself is never touched here)."""
    out = out.resolve()
    if not out.parent.is_dir():
        return
    for leftover in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out.parent.glob(f".{out.name}.old-*"):
        shutil.rmtree(leftover, ignore_errors=True)
