"""Map a function over items on every core (fork), or in-process for small inputs."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# where a process may fork a child to work on in the background (the parse cache's writer, the removal of
# the previous output); macOS: not with threads running
FORK_SAFE = hasattr(os, "fork") and sys.platform != "darwin"
SERIAL_BELOW = 300  # under this many items a pool costs more than it saves

# A worker's function and shared, read-only input. Set only in the forked workers (by _start_worker), which
# receive it through fork instead of pickled with every chunk (the site graph is large); the parent process
# never holds it, so nothing of one build is left for the next.
_worker_job: tuple[Callable[..., Any], Any] | None = None


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def resident_bytes() -> int:
    """This process's resident memory (Linux: /proc; elsewhere its peak so far)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        import resource  # Unix only: imported where it is needed

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # bytes on macOS, KiB on Linux


def release_freed_memory() -> None:
    """Give the free pages of the C heap back to the system (glibc's malloc_trim; elsewhere nothing).

    Objects over 512 bytes (pickled cache entries, a page's text) live in the C heap, between long-lived
    ones: freed, their pages stayed resident in the main process until it ended (at 10k articles 12 MB after
    the parse cache was written, 28 MB after the whole-site pages; ten times that at 100k)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def _start_worker(fn: Callable[..., Any], shared: Any) -> None:
    """Ctrl-C is the parent's to handle (it stops the pool; no traceback from every worker), and SIGTERM
    ends a worker at once, whatever handler the parent had installed (the dev server's raises)."""
    global _worker_job  # noqa: PLW0603 - per worker process, set once when the pool starts it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_job = (fn, shared)


def _call(item: Any) -> Any:
    assert _worker_job is not None
    fn, shared = _worker_job
    return fn(shared, item)


def _call_indexed(item: tuple[int, Any]) -> tuple[int, Any]:
    return item[0], _call(item[1])


def pmap(
    fn: Callable[[Any, T], R],
    shared: Any,
    items: Sequence[T],
    chunksize: int = 32,
    jobs: int | None = None,
    work: int | None = None,
    on_result: Callable[[int], None] | None = None,
    fresh_every: int | None = None,
    consume: Callable[[int, R], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[R]:
    """`[fn(shared, x) for x in items]` spread over processes; order is kept, so output is deterministic.

    `work` is the number of units the items stand for (pages in a range), when not one each.
    `on_result(i)` is called in this process as each item's result arrives (a progress bar).
    `fresh_every`: a worker is replaced by a new fork after that many chunks (see render_all).
    `consume(i, result)` takes each result as it arrives, in any order, and none is kept (the list
    returned is empty): for results that together are large.
    `meanwhile()` is this process's own work, done while the workers start on the items (before any
    result is taken); without workers, before the items."""
    jobs = jobs or workers()
    small = (work if work is not None else len(items)) < SERIAL_BELOW
    if jobs < 2 or small or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        if on_result is None and consume is None:
            return [fn(shared, x) for x in items]
        serial: list[R] = []
        for i, x in enumerate(items):
            result = fn(shared, x)
            if consume is None:
                serial.append(result)
            else:
                consume(i, result)
            if on_result is not None:
                on_result(i)
        return serial
    # with fork, a worker's initializer arguments are inherited, never pickled
    pool = multiprocessing.get_context("fork").Pool(
        jobs, initializer=_start_worker, initargs=(fn, shared), maxtasksperchild=fresh_every
    )
    try:
        if on_result is None and consume is None and meanwhile is None:
            results = pool.map(_call, items, chunksize=chunksize)
        else:
            arriving = pool.imap_unordered(_call_indexed, enumerate(items), chunksize=chunksize)
            if meanwhile is not None:
                meanwhile()
            slots: list[Any] = [] if consume is not None else [None] * len(items)
            for i, result in arriving:
                if consume is None:
                    slots[i] = result
                else:
                    consume(i, result)
                if on_result is not None:
                    on_result(i)
            results = slots
        # close + join: the workers take their stop sentinel and exit. Not terminate (what `with Pool`
        # does), which ends them with SIGTERM: under `sitegen serve`, whose SIGTERM handler raises
        # KeyboardInterrupt, a worker waiting for the task queue's lock was left alive and the rebuild
        # hung joining it (seen at 10k articles, after a tag edit).
        pool.close()
        pool.join()
        return results
    except BaseException:
        pool.terminate()
        raise
