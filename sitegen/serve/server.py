"""The HTTP side: static files from the output folder only, under the site's base path, plus the
live-reload event stream (server-sent events) at /__sitegen/events.
"""

from __future__ import annotations

import html
import json
import mimetypes
import queue
import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sitegen.i18n import STRINGS, strings
from sitegen.model import direction

EVENTS_PATH = "/__sitegen/events"
LIVERELOAD_JS = Path(__file__).with_name("livereload.js")
KEEPALIVE_SECONDS = 15.0

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".bib": "text/plain; charset=utf-8",
    ".ris": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    # Pagefind's index files are binary fragments fetched by its JavaScript
    ".pf_meta": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
}


def livereload_snippet(lang: str) -> str:
    """The script the server adds to the pages it serves (never written by `build`); the banner it shows
    for a failed rebuild speaks `lang`, the site's default language, as the rest of the interface does."""
    lang = lang if lang in STRINGS else "en"  # the theme's own words fall back to English likewise
    t = strings(lang)
    ui = {"lang": lang, "dir": direction(lang)} | {
        k: t[f"serve_{k}"] for k in ("failed", "fix", "hint", "hide")
    }
    words = json.dumps(ui, ensure_ascii=False).replace("<", "\\u003c")  # never a </script> in the page
    return (
        "<script>\n"
        + LIVERELOAD_JS.read_text(encoding="utf-8").replace("__SITEGEN_UI__", words)
        + "</script>"
    )


def content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class Broadcaster:
    """Fans rebuild events out to every open page; remembers the current error for pages opened later."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: list[queue.Queue[tuple[str, str] | None]] = []
        self._error: str | None = None
        self.closed = threading.Event()

    def subscribe(self) -> queue.Queue[tuple[str, str] | None]:
        q: queue.Queue[tuple[str, str] | None] = queue.Queue()
        with self._lock:
            self._clients.append(q)
            if self._error is not None:
                q.put(("problem", self._error))
        return q

    def unsubscribe(self, q: queue.Queue[tuple[str, str] | None]) -> None:
        with self._lock:
            if q in self._clients:
                self._clients.remove(q)

    def publish(self, event: str, data: Any) -> None:
        text = json.dumps(data, ensure_ascii=False)
        with self._lock:
            self._error = text if event == "problem" else None if event == "reload" else self._error
            for q in self._clients:
                q.put((event, text))

    def close(self) -> None:
        self.closed.set()
        with self._lock:
            for q in self._clients:
                q.put(None)


class DevServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep Ctrl-C waiting
    allow_reuse_address = False  # a busy port must be reported, not shared
    extra_head = ""  # the live-reload script, added to every HTML page served (never built)

    def __init__(self, address: tuple[str, int], out: Path, base_path: str, events: Broadcaster):
        self.out = out.resolve()
        self.base_path = base_path if base_path.endswith("/") else base_path + "/"
        self.events = events
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: DevServer
    protocol_version = "HTTP/1.1"
    server_version = "sitegen-serve"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows rebuilds and errors, not every request

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        target = self.path.split("?", 1)[0].split("#", 1)[0]
        if target == EVENTS_PATH:
            self._stream()
        else:
            self._serve(body=True)

    # files ------------------------------------------------------------------------------------
    def _serve(self, body: bool) -> None:
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        base = self.server.base_path
        file = resolve_request(self.server.out, base, raw)
        if file is None:
            return self._not_found(raw, body)
        if file.is_dir():
            if not raw.endswith("/"):  # as GitHub Pages does: /tags → /tags/
                return self._redirect(raw + "/")
            file = file / "index.html"
            if not file.is_file():
                return self._not_found(raw, body)
        self._send_file(HTTPStatus.OK, file, body)

    def _send_file(self, status: HTTPStatus, file: Path, body: bool) -> None:
        try:
            data = file.read_bytes()
        except OSError:
            return self._plain(HTTPStatus.NOT_FOUND, b"not found", body)
        ctype = content_type(file)
        if self.server.extra_head and ctype.startswith("text/html"):
            data = inject_head(data, self.server.extra_head.encode("utf-8"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # every reload must show the newest build
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _not_found(self, raw: str, body: bool) -> None:
        base = self.server.base_path
        decoded = unquote(raw)
        if base != "/" and not decoded.startswith(base):
            link = html.escape(base)
            page = (
                f"<!DOCTYPE html><meta charset='utf-8'><title>Not found</title><p>This site is served under "
                f"<a href='{link}'>{link}</a> (its base URL), as it will be when published.</p>"
            )
            return self._plain(HTTPStatus.NOT_FOUND, page.encode(), body, "text/html; charset=utf-8")
        rest = decoded[len(base) :]
        lang = rest.split("/", 1)[0]
        for candidate in ([f"{lang}/404.html"] if lang else []) + ["404.html"]:
            page_file = resolve_request(self.server.out, base, base + candidate)
            if page_file is not None and page_file.is_file():
                return self._send_file(HTTPStatus.NOT_FOUND, page_file, body)
        # no 404 page yet (the first build failed): a bare page that still reloads when it is fixed
        page = f"<!DOCTYPE html><meta charset='utf-8'><title>Not found</title>{self.server.extra_head}<p>Not found.</p>"
        self._plain(HTTPStatus.NOT_FOUND, page.encode(), body, "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _plain(
        self, status: HTTPStatus, data: bytes, body: bool, ctype: str = "text/plain; charset=utf-8"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    # live reload --------------------------------------------------------------------------------
    def _stream(self) -> None:
        events = self.server.events
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        q = events.subscribe()
        try:
            self.wfile.write(b"retry: 500\nevent: hello\ndata: {}\n\n")
            self.wfile.flush()
            while not events.closed.is_set():
                try:
                    item = q.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                if item is None:
                    break
                event, data = item
                self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except OSError:
            pass  # the tab was closed or reloaded
        finally:
            events.unsubscribe(q)


_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


def inject_head(page: bytes, snippet: bytes) -> bytes:
    """`snippet` at the end of the page's <head> (any template, the site's own base.html included), or at
    the end of a page that has no </head>."""
    found = _HEAD_END.search(page)
    if found is None:
        return page + snippet
    return page[: found.start()] + snippet + b"\n" + page[found.start() :]


def resolve_request(out: Path, base_path: str, raw_path: str) -> Path | None:
    """The file a request path names inside `out`, or None when it is outside the site.

    Refused: paths not under the base path, `..` or `.` segments (also when percent-encoded),
    encoded slashes or backslashes, NUL bytes, and anything that resolves outside `out`
    (a symlink pointing elsewhere)."""
    if not raw_path.startswith("/") or "\\" in raw_path:
        return None
    lowered = raw_path.lower()
    if "%2f" in lowered or "%5c" in lowered or "%00" in lowered:
        return None
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith(base_path) and path + "/" != base_path:
        return None
    rest = path[len(base_path) :]
    parts = [p for p in rest.split("/") if p]
    if any(p in (".", "..") or "\x00" in p or "\\" in p for p in parts):
        return None
    root = out.resolve()
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if resolved != root and root not in resolved.parents:
        return None
    return resolved
