"""How a build process treats its memory and time: the collector's settings for a process holding a whole
site model, and the clock of the stages (`sitegen build -v`)."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

# collector thresholds for a process holding a site model: young collections every 20k allocations
# instead of 700 (CPython's default rescans the model's objects again and again)
LONG_LIVED_GC = (20_000, 20, 50)


@contextmanager
def long_lived_heap() -> Iterator[None]:
    """A build holds tens of thousands of long-lived objects; with CPython's default thresholds the
    collector rescans them all every few thousand allocations (measured: up to a third of a 10k build)."""
    old = gc.get_threshold()
    gc.set_threshold(*LONG_LIVED_GC)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


class Clock:
    """Adds the wall time since its last call (or its making) to `timings[stage]`."""

    def __init__(self, timings: dict[str, float]):
        self.timings, self.last = timings, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now
