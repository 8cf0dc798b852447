"""The dev server's parsed files, kept between rebuilds: a rebuild parses again only the files whose size,
mtime or inode changed (or that the watcher saw change), the first one may take them from the build cache."""

from __future__ import annotations

from pathlib import Path

from sitegen import cache
from sitegen.bodies import BodyStore
from sitegen.build import BuildOptions, search_wanted
from sitegen.model import Config
from sitegen.read import ReadResult, content_files, read_content, read_file, store_body

ReadKey = tuple[tuple[str, ...], bool, bool]  # languages, allow_html, search: what a parse depends on


class ReadCache:
    def __init__(self, options: BuildOptions, bodies: BodyStore):
        self.options = options
        self.bodies = bodies  # the session's body store: every body the reads below refer to
        self._reads: dict[Path, tuple[cache.Stamp, ReadResult]] = {}
        self.key: ReadKey | None = None
        self._files: list[Path] = []  # the content files, as content_files lists them
        self.writes = cache.Writes()  # the parse cache a first read writes in the background

    def read(self, site_dir: Path, config: Config, changed: set[Path] | None = None) -> list[ReadResult]:
        """Every content file, parsed; `build.load_model` calls it in place of the read stage.

        `changed`: the files the watcher reported, when nothing else can have changed; only those are
        looked at (listing and stat-ing 16k files took ~0.4 s of a 10k site's rebuild)."""
        key = (tuple(config.languages), config.allow_html, search_wanted(config, self.options))
        if key != self.key:
            self._reads.clear()
            self._files = []
            self.key = key
        files = (
            self._listed(site_dir, changed)
            if changed is not None and self._files
            else content_files(site_dir)
        )
        look_at = files if changed is None or not self._files else [p for p in files if p in changed]
        stamps = {p: _stamp(p) for p in look_at}
        stale = [p for p in look_at if p not in self._reads or self._reads[p][0] != stamps[p]]
        # the first read of a session may find most files in the build cache (cache.py)
        for path, result in zip(
            stale,
            read_content(
                site_dir,
                config,
                stale,
                use_cache=not self._reads,
                search=key[2],
                writes=self.writes,
                bodies=self.bodies,
            ),
            strict=True,
        ):
            self._reads[path] = (stamps[path], result)
        if len(files) != len(self._reads):
            for gone in self._reads.keys() - set(files):
                del self._reads[gone]
        self._files = files
        return [self._reads[p][1] for p in files]

    def _listed(self, site_dir: Path, changed: set[Path]) -> list[Path]:
        """The content files now: the last list with the changed files added or removed (a changed folder,
        or anything not a Markdown file, and the whole tree is listed again)."""
        root = site_dir / "content" / "articles"
        files = self._files
        for path in changed:
            if not (path.suffix == ".md" and not path.name.startswith(".") and path.is_relative_to(root)):
                return content_files(site_dir)
        listed = set(files)
        added = [p for p in changed if p not in listed and p.is_file()]
        removed = {p for p in changed if p in listed and not p.is_file()}
        if not added and not removed:
            return files
        return sorted([p for p in files if p not in removed] + added, key=lambda p: p.parts)

    def forget(self, paths: set[Path]) -> None:
        """Files the watcher saw change are read again even if size and mtime look the same."""
        for path in paths:
            self._reads.pop(path, None)

    def cached(self, path: Path) -> ReadResult | None:
        hit = self._reads.get(path)
        return hit[1] if hit else None

    def reread(self, path: Path) -> ReadResult:
        """Parse one file again now, with the settings of the last read, and keep the result."""
        assert self.key is not None
        result = store_body(self.bodies, [read_file(path, *self.key)])[0]
        self._reads[path] = (_stamp(path), result)
        return result


def _stamp(path: Path) -> cache.Stamp:
    try:
        return cache.stamp(path)
    except OSError:
        return (-1, -1, -1)
