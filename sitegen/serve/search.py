"""The search index, rebuilt in the background after each reload (Pagefind takes seconds on large sites)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from rich.console import Console

from sitegen.build import index
from sitegen.report import print_problems


class SearchIndexer:
    """One background thread; requests made while it runs are merged into one more run."""

    def __init__(self, out: Path, console: Console, regions: Callable[[], Mapping[Path, str]]):
        self.out, self.console, self.regions = out, console, regions  # regions: of the current model
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_errors: list[object] = []

    def request(self) -> None:
        if self._stopped.is_set():
            return
        self._wanted.set()
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="search-index", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopped.is_set():
                return
            self._wanted.clear()
            errors = index(self.out, self.regions())  # the same pages and words as `build` indexes
            if errors and errors != self._last_errors:  # say it once, not after every save
                print_problems(errors, None, self.console)
            self._last_errors = list(errors)
