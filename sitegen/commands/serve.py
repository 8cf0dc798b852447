"""Preview the site locally; with --watch, rebuild on save and reload the browser."""

from __future__ import annotations

import argparse
import errno
import gc
import shutil
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from sitegen.build import BuildOptions, search_regions, search_wanted
from sitegen.commands.shared import add_base_url, add_drafts, add_site_dir
from sitegen.config import load_config
from sitegen.errors import BuildInterrupted, SiteError, SiteErrors
from sitegen.heap import LONG_LIVED_GC
from sitegen.report import (
    PLEASE_REPORT,
    count,
    error_console,
    internal_error,
    interrupted,
    print_problems,
)
from sitegen.serve.incremental import SiteState
from sitegen.serve.output import Rebuild
from sitegen.serve.search import SearchIndexer
from sitegen.serve.server import Broadcaster, DevServer, livereload_snippet
from sitegen.serve.watch import Batcher, start_watching

RESTART = "stop sitegen serve (Ctrl-C) and start it again: it reads the articles again"


def configure(parser: argparse.ArgumentParser) -> None:
    add_site_dir(parser)
    parser.add_argument(
        "--watch", action="store_true", help="rebuild when a file is saved and reload the open pages"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this computer only)"
    )
    add_base_url(parser, "where the site will be published; its path (e.g. /archive/) is used locally too")
    add_drafts(parser)
    parser.add_argument("--no-search", action="store_true", help="skip the search index (faster start)")


def run(args: argparse.Namespace) -> int:
    console = error_console()
    site_dir = Path(args.site_dir).resolve()
    if not site_dir.is_dir():
        console.print(f"sitegen: error: the site folder {args.site_dir} does not exist")
        return 2
    events = Broadcaster()
    try:
        server = DevServer((args.host, args.port), Path("."), "/", events)
    except OSError as exc:
        console.print(_bind_problem(exc, args.host, args.port))
        return 1
    scratch = Path(tempfile.mkdtemp(prefix="sitegen-serve-"))
    out = scratch / "site"
    out.mkdir()
    options = BuildOptions(base_url=args.base_url, drafts=args.drafts, search=not args.no_search)
    gc.set_threshold(*LONG_LIVED_GC)  # the server holds the site's model for its whole life (build.py)
    state = SiteState(site_dir, out, options)
    indexer = SearchIndexer(
        out,
        console,
        lambda: search_regions(state.model, state.output.static_addresses) if state.model else {},
    )
    batcher = Batcher()
    stop_watching = None
    workers: list[threading.Thread] = []
    # `kill` (SIGTERM) stops the server like Ctrl-C does: the temporary folder must not be left behind
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        first = state.rebuild()
        _report(first, site_dir, console, None)
        if not first.ok and not args.watch:
            return 1
        if not first.ok:
            events.publish("problem", _problems(first.errors, site_dir))
        server.out = out.resolve()
        server.base_path = state.model.site.config.base_path if state.model else "/"
        server.extra_head = livereload_snippet(_language(state)) if args.watch else ""
        if first.ok and _search_on(state, options):
            indexer.request()
        # every thread runs before the address is printed: that line tells users (and tests) the server is
        # ready, and a Ctrl-C right after it must find a running server to shut down
        workers.append(threading.Thread(target=server.serve_forever, name="http", daemon=True))
        if args.watch:
            stop_watching = start_watching(site_dir, batcher)
            workers.append(
                threading.Thread(
                    target=_rebuild_loop,
                    name="rebuild",
                    daemon=True,
                    args=(state, batcher, events, indexer, server, console, getattr(args, "debug", False)),
                )
            )
        for worker in workers:
            worker.start()
        host, port = str(server.server_address[0]), server.server_address[1]
        shown_host = f"[{host}]" if ":" in host else host
        print(
            f"serving {site_dir.name} at http://{shown_host}:{port}{server.base_path}"
            + (" (watching for changes)" if args.watch else "")
            + " — press Ctrl-C to stop",
            flush=True,
        )
        if args.host not in ("127.0.0.1", "localhost", "::1"):
            console.print("[yellow]note[/yellow]: other computers on your network can open this site too")
        # until Ctrl-C or SIGTERM. Not one long wait: the kernel may hand the signal to another thread, and
        # then Python runs the handler only when the main thread next wakes up
        while True:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        batcher.stop()
        if stop_watching:
            stop_watching()
        events.close()
        if any(w.name == "http" and w.is_alive() for w in workers):
            server.shutdown()  # waits for serve_forever: only when it really runs
        server.server_close()
        for worker in workers:
            worker.join(timeout=10)
        indexer.stop()
        shutil.rmtree(scratch, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous_term)
    console.print("stopped")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _rebuild_loop(
    state: SiteState,
    batcher: Batcher,
    events: Broadcaster,
    indexer: SearchIndexer,
    server: DevServer,
    console: Console,
    debug: bool,
) -> None:
    last_warnings: tuple[SiteError, ...] = tuple(state.model.warnings) if state.model else ()
    while (batch := batcher.wait()) is not None:
        announced: set[str] = set()

        def early(urls: tuple[str, ...], announced: set[str] = announced) -> None:
            base = server.base_path.rstrip("/")
            events.publish("reload", {"all": False, "urls": [base + u for u in urls]})
            announced.update(urls)

        try:
            outcome = state.rebuild(batch, early)
        except BuildInterrupted as exc:
            # the session's articles are read again only when it starts (serve/reads.py): so is the cache
            stopped = BuildInterrupted(exc.message, RESTART, exc.trace)
            console.print(escape(interrupted(stopped, debug)))
            events.publish(
                "problem", [{"file": "sitegen", "line": None, "message": exc.message, "hint": RESTART}]
            )
            continue
        except Exception as exc:  # noqa: BLE001 - a bug of ours must not end the server: the last pages stay
            console.print(escape(internal_error(exc, debug)))
            events.publish(
                "problem",
                [
                    {
                        "file": "sitegen",
                        "line": None,
                        "message": f"internal error: {exc}",
                        "hint": PLEASE_REPORT,
                    }
                ],
            )
            continue
        _report(outcome, state.site_dir, console, last_warnings)
        if outcome.ok:
            last_warnings = outcome.warnings
            if state.model:
                server.base_path = state.model.site.config.base_path
                server.extra_head = livereload_snippet(_language(state))  # site.yaml may have changed it
            base = server.base_path.rstrip("/")
            everything = outcome.everything or len(outcome.urls) > 2000
            events.publish(
                "reload",
                {
                    "all": everything,
                    "urls": [] if everything else [base + u for u in outcome.urls if u not in announced],
                    "ms": round(outcome.seconds * 1000),
                },
            )
            # after the reload event, never before it: indexing a large site takes seconds
            if outcome.urls and _search_on(state, state.options):
                indexer.request()
        else:
            events.publish("problem", _problems(outcome.errors, state.site_dir))


def _problems(errors: tuple[SiteError, ...], site_dir: Path) -> list[dict[str, Any]]:
    """Errors for the browser's overlay (shown there as text, never as HTML)."""
    return [
        {
            "file": SiteError(e.path, None, "").location(site_dir),
            "line": e.line,
            "message": e.message,
            "hint": e.hint,
        }
        for e in errors
    ]


def _language(state: SiteState) -> str:
    """The site's default language, for the dev server's own words: from the last good build, or from
    site.yaml when the first build failed (sitegen's default when even that cannot be read)."""
    if state.model is not None:
        return state.model.site.config.default_language
    try:
        return load_config(state.site_dir)[0].default_language
    except SiteErrors:
        return "ar"


def _search_on(state: SiteState, options: BuildOptions) -> bool:
    return state.model is not None and search_wanted(state.model.site.config, options)


def _report(
    outcome: Rebuild, site_dir: Path, console: Console, last_warnings: tuple[SiteError, ...] | None
) -> None:
    if not outcome.ok:
        print_problems(outcome.errors, site_dir, console)
        console.print(
            f"[red]rebuild failed[/red]: {count(len(outcome.errors), 'error')}; "
            "the browser shows them and the last good pages are still served"
        )
        return
    if outcome.warnings != last_warnings:
        print_problems(outcome.warnings, site_dir, console)
    what = {"full": "built", "body": "updated", "diff": "rebuilt"}.get(outcome.how, "rebuilt")
    console.print(f"{what} {count(len(outcome.urls), 'page')} in {outcome.seconds * 1000:.0f} ms")


def _bind_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"sitegen: error: port {port} is already in use (another `sitegen serve`, or another program)\n"
            f"    hint: stop the other one, or choose another port: sitegen serve --port {port + 1}"
        )
    if exc.errno == errno.EACCES:
        return (
            f"sitegen: error: this computer does not allow listening on port {port}\n"
            "    hint: use a port above 1024, e.g. --port 8000"
        )
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"sitegen: error: cannot listen on the address '{host}': it is not an address of this computer\n"
            "    hint: leave --host out (127.0.0.1), or use 0.0.0.0 to be reachable from your network"
        )
    return f"sitegen: error: cannot start the server on {host}:{port}: {exc.strerror or exc}"
