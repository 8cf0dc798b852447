"""External links: every URL the archive cites (sources, archived copies, related links, links in bodies),
asked with a real HTTP client.

The client is the standard library's (urllib, threads): a checker only needs a status line and redirects,
which urllib does well, and the site's CI then installs nothing more. Politeness first: one request at a
time per host by default (news sites ban crawlers that hammer them), a bounded pool across hosts,
a User-Agent that names sitegen, HEAD first (no body downloaded) and GET only where HEAD is refused,
Retry-After honoured on 429. Results that were fine are kept on disk (`LinkCache`) so a daily run asks
again only after `max_age`; failures are always asked again.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from sitegen import __version__, cache

USER_AGENT = (
    f"sitegen/{__version__} (link checker for a research archive; +https://github.com/sitegen/sitegen)"
)
TRANSIENT = frozenset({429, 500, 502, 503, 504})
HEAD_REFUSED = frozenset({405, 501})
GONE = frozenset({404, 410})
PERMANENT_REDIRECTS = frozenset({301, 308})


@dataclass(frozen=True)
class LinkOptions:
    timeout: float = 10.0
    retries: int = 2  # after the first try, for 429, 5xx, timeouts and refused connections
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: reported instead
    concurrency: int = 8  # hosts asked at once
    per_host: int = 1  # requests at once to one host
    max_age: float = 7 * 86400.0  # a URL found fine this recently is not asked again


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: str  # "ok", "gone", "error", "unreachable", "timeout"
    code: int | None = None
    final_url: str = ""  # where redirects ended, when they did
    redirect_code: int | None = None  # the first redirect's status (301, 302, ...)
    detail: str = ""
    checked: float = 0.0
    attempts: int = 1
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects as urllib does, remembering the codes."""

    def __init__(self) -> None:
        self.codes: list[int] = []

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        self.codes.append(code)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]
        if new is not None and req.get_method() == "HEAD":
            new.method = "HEAD"  # urllib would follow a HEAD's redirect with a GET
        return new


def to_uri(url: str) -> str:
    """An address as sent on the wire: Arabic (any non-ASCII) path and query percent-encoded, the host in
    IDNA; what is already encoded stays as it is. News sites' addresses are often written in Arabic."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass  # reported by the request itself as an address that cannot be reached
    if ":" in host:
        host = f"[{host}]"  # IPv6
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (f"{userinfo}@" if userinfo else "") + host + ("" if parts.port is None else f":{parts.port}")
    safe = "/%:@!$&'()*+,;=-._~?"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe),
            quote(parts.fragment, safe=safe),
        )
    )


def _ask(url: str, method: str, timeout: float) -> tuple[LinkResult, float | None]:
    """One request (redirects followed); the result and the server's Retry-After, if any."""
    redirects = _Redirects()
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(
        to_uri(url),
        method=method,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    now = time.time()
    try:
        with opener.open(request, timeout=timeout) as response:
            final = _shown(response.geturl(), url)
            first = redirects.codes[0] if redirects.codes else None
            return LinkResult(
                url, "ok", response.status, final if final != url else "", first, checked=now
            ), None
    except urllib.error.HTTPError as exc:
        first = redirects.codes[0] if redirects.codes else None
        final = _shown(exc.geturl() or url, url)
        status = "gone" if exc.code in GONE else "error"
        return (
            LinkResult(
                url, status, exc.code, final if final != url else "", first, f"{exc.code} {exc.reason}", now
            ),
            _retry_after(exc.headers.get("Retry-After")),
        )
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return LinkResult(url, "timeout", detail=f"no answer within {timeout:g} s", checked=now), None
        return LinkResult(url, "unreachable", detail=_reason(reason), checked=now), None
    except TimeoutError:
        return LinkResult(url, "timeout", detail=f"no answer within {timeout:g} s", checked=now), None
    except (http.client.HTTPException, ConnectionError, ssl.SSLError, OSError, ValueError) as exc:
        return LinkResult(url, "unreachable", detail=_reason(exc), checked=now), None


def _shown(final: str, asked: str) -> str:
    """Where redirects ended, as the user wrote it when it is the address they wrote."""
    return asked if final == to_uri(asked) else final


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "the host name does not exist (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ssl.SSLError):
        return f"TLS problem: {reason.reason or reason}"
    return str(reason) or type(reason).__name__


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait, from `Retry-After: 120` or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def check_url(url: str, options: LinkOptions, sleep: Callable[[float], None] = time.sleep) -> LinkResult:
    """HEAD, then GET if HEAD is refused; 429, 5xx, timeouts and refused connections are tried again."""
    method = "HEAD"
    attempt = 0
    while True:
        attempt += 1
        result, retry_after = _ask(url, method, options.timeout)
        if method == "HEAD" and result.code in HEAD_REFUSED:
            method = "GET"  # not a failure of the link: ask the way a browser does, at once
            attempt -= 1
            continue
        transient = result.code in TRANSIENT or result.status in ("timeout", "unreachable")
        if not transient or attempt > options.retries:
            return _with_attempts(result, attempt)
        if retry_after is not None and retry_after > options.max_retry_after:
            return _with_attempts(result, attempt, f"; asked to wait {retry_after:.0f} s")
        sleep(retry_after if retry_after is not None else options.backoff * 2 ** (attempt - 1))


def _with_attempts(result: LinkResult, attempts: int, more: str = "") -> LinkResult:
    return LinkResult(
        result.url,
        result.status,
        result.code,
        result.final_url,
        result.redirect_code,
        result.detail + more,
        result.checked,
        attempts,
    )


def check_urls(
    urls: Iterable[str],
    options: LinkOptions,
    link_cache: LinkCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, LinkResult]:
    """Every URL's result: from the cache when fine within max_age, else asked (hosts in parallel,
    each host's URLs `per_host` at a time, in order)."""
    results: dict[str, LinkResult] = {}
    todo: list[str] = []
    now = time.time()
    for url in dict.fromkeys(urls):
        hit = link_cache.fresh(url, now, options.max_age) if link_cache else None
        if hit is not None:
            results[url] = hit
        else:
            todo.append(url)
    lanes: dict[tuple[str, int], list[str]] = {}
    per_host: dict[str, int] = {}
    for url in todo:
        host = urlsplit(url).netloc.lower()
        n = per_host.get(host, 0)
        per_host[host] = n + 1
        lanes.setdefault((host, n % max(1, options.per_host)), []).append(url)
    done = 0

    def run_lane(lane: list[str]) -> list[LinkResult]:
        nonlocal done
        out = []
        for url in lane:
            out.append(check_url(url, options))
            done += 1  # approximate under threads; only for the progress line
            if progress:
                progress(done, len(todo))
        return out

    if lanes:
        with ThreadPoolExecutor(max_workers=max(1, min(options.concurrency, len(lanes)))) as pool:
            for lane_results in pool.map(run_lane, lanes.values()):
                for result in lane_results:
                    results[result.url] = result
    if link_cache is not None:
        link_cache.update(r for r in results.values() if not r.cached)
        link_cache.save()
    return results


@dataclass
class LinkCache:
    """URL → last result, in the user's cache folder (never in the site: a site's repository should not
    change because a link was checked). Only results that were fine are kept."""

    path: Path | None
    entries: dict[str, dict[str, object]] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path | None = None) -> LinkCache:
        if path is None:
            folder = cache.cache_dir()
            path = folder / "links.json" if folder is not None else None
        entries: dict[str, dict[str, object]] = {}
        if path is not None:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == 1 and isinstance(data.get("urls"), dict):
                    entries = data["urls"]
            except (OSError, ValueError):
                pass  # missing or damaged: every URL is asked
        return cls(path, entries)

    def fresh(self, url: str, now: float, max_age: float) -> LinkResult | None:
        entry = self.entries.get(url)
        if not isinstance(entry, dict):
            return None
        try:  # a hand-edited or damaged entry is asked again, never a crash
            result = LinkResult(**{**entry, "cached": True})  # type: ignore[arg-type]
            fresh = result.ok and now - float(result.checked) < max_age
        except (TypeError, ValueError):
            return None
        return result if fresh else None

    def update(self, results: Iterable[LinkResult]) -> None:
        for r in results:
            if r.ok:
                self.entries[r.url] = {k: v for k, v in asdict(r).items() if k != "cached"}
            else:
                self.entries.pop(r.url, None)

    def save(self) -> None:
        """Atomically; a cache that cannot be written only costs the next run time."""
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".links-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "urls": self.entries}, f, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError:
            pass
