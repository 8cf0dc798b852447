"""Watch the site's sources with watchdog and turn bursts of events into one batch of changed paths.

An editor's save writes several events (temporary file, rename, attribute change); a `git checkout`
touches hundreds of files. Both become one rebuild: the batch is handed over once nothing new has
arrived for `quiet` seconds.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

WATCHED = ("content", "data", "templates", "static")
# editors' temporary and backup files: saving must not trigger a rebuild of them
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload")


def relevant(path: Path, site_dir: Path) -> bool:
    try:
        rel = path.relative_to(site_dir)
    except ValueError:
        return False
    if not rel.parts:
        return False
    if rel.parts == ("site.yaml",):
        return True
    if rel.parts[0] not in WATCHED:
        return False
    name = rel.name
    if name.startswith((".", "#")) or name.endswith(_SCRATCH_SUFFIXES) or name == "4913":
        return False
    if rel.parts[0] == "content" and "." in name and not name.endswith(".md"):
        return False
    return True


class _Collector(FileSystemEventHandler):
    def __init__(self, site_dir: Path, batcher: Batcher, observer: BaseObserver):
        self.site_dir, self.batcher, self.observer = site_dir, batcher, observer

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "created":
            self._new_top_folder(Path(str(event.src_path)))
        if event.is_directory and event.event_type == "modified":
            return  # a folder's "modified" only says a file in it changed: that file has its own event
        paths = [event.src_path, getattr(event, "dest_path", "")]
        for raw in paths:
            if raw:
                path = Path(raw if isinstance(raw, str) else raw.decode())
                if relevant(path, self.site_dir):
                    self.batcher.add(path)

    def _new_top_folder(self, folder: Path) -> None:
        """A watched folder made after start (a first template override): watch it, and take its files."""
        if folder.parent != self.site_dir or folder.name not in WATCHED:
            return
        self.observer.schedule(self, str(folder), recursive=True)
        for path in folder.rglob("*"):
            if relevant(path, self.site_dir):
                self.batcher.add(path)


class Batcher:
    """Collects paths; `wait` returns a batch once events have been quiet for `quiet` seconds."""

    def __init__(self, quiet: float = 0.05, longest: float = 2.0):
        self.quiet, self.longest = quiet, longest
        self._lock = threading.Condition()
        self._paths: set[Path] = set()
        self._last = 0.0
        self._stopped = False

    def add(self, path: Path) -> None:
        with self._lock:
            self._paths.add(path)
            self._last = time.monotonic()
            self._lock.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._lock.notify_all()

    def wait(self) -> set[Path] | None:
        """The next batch, or None once stopped."""
        with self._lock:
            while not self._paths and not self._stopped:
                self._lock.wait()
            first = time.monotonic()
            # wait for a quiet moment, but not forever (a process writing continuously)
            while not self._stopped:
                now = time.monotonic()
                left = self._last + self.quiet - now
                if left <= 0 or now - first >= self.longest:
                    break
                self._lock.wait(left)
            if self._stopped:
                return None
            batch, self._paths = self._paths, set()
            return batch


def start_watching(site_dir: Path, batcher: Batcher) -> Callable[[], None]:
    """Start the observer; returns the function that stops and joins it."""
    observer = Observer()
    handler = _Collector(site_dir, batcher, observer)
    for name in WATCHED:
        if (site_dir / name).is_dir():
            observer.schedule(handler, str(site_dir / name), recursive=True)
    # site.yaml, and folders created later (a first template override): watch the site's top level only
    observer.schedule(handler, str(site_dir), recursive=False)
    observer.start()

    def stop() -> None:
        observer.stop()
        observer.join(timeout=5)

    return stop
