"""`sitegen check --external` against a local HTTP server on 127.0.0.1 (never the internet): statuses,
redirects, HEAD refused, retries, Retry-After, timeouts, a closed port, one request per host, the cache."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitegen.check.links import USER_AGENT, LinkCache, LinkOptions, check_urls
from tests.support import run_sitegen

# timeouts generous enough for a loaded CI machine; /slow answers well after them
FAST = LinkOptions(timeout=1.0, retries=2, backoff=0.05, max_retry_after=5)


@dataclass
class Log:
    requests: list[tuple[str, str, str, float]] = field(default_factory=list)  # method, path, UA, time
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def asked(self, path: str) -> list[str]:
        return [m for m, p, _, _ in self.requests if p == path]


class Handler(BaseHTTPRequestHandler):
    log: Log

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_GET(self) -> None:
        self.answer(body=True)

    def answer(self, body: bool) -> None:
        log, path = self.log, self.path.split("?")[0]
        with log.lock:
            log.requests.append((self.command, path, self.headers.get("User-Agent", ""), time.monotonic()))
            tries = len(log.asked(path))
        if path == "/slow":  # still sleeping when the client gave up: not counted as in flight
            time.sleep(2)
            return self.send(200, body)
        with log.lock:
            log.in_flight += 1
            log.most_in_flight = max(log.most_in_flight, log.in_flight)
        # long enough for overlapping requests to overlap; counted out *before* the answer is sent: once
        # the client has it, it may ask again before this thread would reach a later decrement
        time.sleep(0.01)
        with log.lock:
            log.in_flight -= 1
        if path.startswith("/ok") or path == "/%D8%AE%D8%A8%D8%B1":  # /ok…, /خبر
            return self.send(200, body)
        if path == "/moved":
            return self.send(301, body, {"Location": "/ok"})
        if path == "/elsewhere":
            return self.send(302, body, {"Location": "/ok-temporary"})
        if path in ("/missing", "/gone"):
            return self.send(404 if path == "/missing" else 410, body)
        if path == "/busy":
            return self.send(429, body, {"Retry-After": "1"}) if tries == 1 else self.send(200, body)
        if path == "/flaky":
            return self.send(500 if tries == 1 else 200, body)
        if path == "/broken":
            return self.send(500, body)
        if path == "/no-head":
            return self.send(405 if self.command == "HEAD" else 200, body)
        return self.send(404, body)

    def send(self, code: int, body: bool, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        payload = b"<html>page</html>"
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body:
            self.wfile.write(payload)


@dataclass
class Server:
    base: str
    log: Log


@pytest.fixture
def server() -> Iterator[Server]:
    log = Log()
    handler = type("H", (Handler,), {"log": log})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", log)
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_each_kind_of_answer(server: Server) -> None:
    b = server.base
    dead = f"http://127.0.0.1:{closed_port()}/x"
    urls = [
        f"{b}/ok",
        f"{b}/moved",
        f"{b}/elsewhere",
        f"{b}/missing",
        f"{b}/gone",
        f"{b}/busy",
        f"{b}/flaky",
        f"{b}/broken",
        f"{b}/slow",
        f"{b}/no-head",
        dead,
    ]
    r = check_urls(urls, FAST)
    assert (r[f"{b}/ok"].status, r[f"{b}/ok"].code, r[f"{b}/ok"].final_url) == ("ok", 200, "")
    assert (r[f"{b}/moved"].status, r[f"{b}/moved"].redirect_code, r[f"{b}/moved"].final_url) == (
        "ok",
        301,
        f"{b}/ok",
    )
    assert (r[f"{b}/elsewhere"].redirect_code, r[f"{b}/elsewhere"].final_url) == (302, f"{b}/ok-temporary")
    assert (r[f"{b}/missing"].status, r[f"{b}/missing"].code, r[f"{b}/missing"].attempts) == ("gone", 404, 1)
    assert (r[f"{b}/gone"].status, r[f"{b}/gone"].code) == ("gone", 410)
    assert (r[f"{b}/busy"].status, r[f"{b}/busy"].attempts) == ("ok", 2)
    assert (r[f"{b}/flaky"].status, r[f"{b}/flaky"].attempts) == ("ok", 2)
    assert (r[f"{b}/broken"].status, r[f"{b}/broken"].code, r[f"{b}/broken"].attempts) == ("error", 500, 3)
    assert (r[f"{b}/slow"].status, r[f"{b}/slow"].attempts) == ("timeout", 3)
    assert (r[f"{b}/no-head"].status, r[f"{b}/no-head"].code) == ("ok", 200)
    assert (r[dead].status, r[dead].detail) == ("unreachable", "connection refused")

    log = server.log
    assert log.asked("/missing") == ["HEAD"]  # no body downloaded
    assert log.asked("/ok") == ["HEAD", "HEAD"]  # asked, and as /moved's target
    assert log.asked("/no-head") == ["HEAD", "GET"]
    assert log.asked("/moved") == ["HEAD"]  # redirect followed as HEAD
    assert {ua for _, _, ua, _ in log.requests} == {USER_AGENT} and "sitegen" in USER_AGENT
    busy = [t for _, p, _, t in log.requests if p == "/busy"]
    assert busy[1] - busy[0] >= 0.95  # Retry-After: 1 honoured
    assert log.most_in_flight == 1  # one request per host at a time


def test_an_address_written_in_arabic_is_asked_percent_encoded(server: Server) -> None:
    url = f"{server.base}/خبر"
    result = check_urls([url], FAST)[url]
    assert (result.status, result.code, result.final_url) == ("ok", 200, "")
    assert server.log.asked("/%D8%AE%D8%A8%D8%B1") == ["HEAD"]


def test_requests_to_one_host_can_overlap_when_asked(server: Server) -> None:
    check_urls([f"{server.base}/ok{i}" for i in range(12)], LinkOptions(timeout=2, per_host=4))
    assert 1 < server.log.most_in_flight <= 4


def test_a_url_found_fine_is_not_asked_again_within_max_age(server: Server, tmp_path: Path) -> None:
    cache_file = tmp_path / "links.json"
    urls = [f"{server.base}/ok", f"{server.base}/missing"]
    check_urls(urls, FAST, LinkCache.open(cache_file))
    assert len(server.log.requests) == 2
    second = check_urls(urls, FAST, LinkCache.open(cache_file))
    assert second[f"{server.base}/ok"].cached and second[f"{server.base}/ok"].ok
    assert [p for _, p, _, _ in server.log.requests[2:]] == ["/missing"]  # failures are asked again
    check_urls(urls, LinkOptions(max_age=0), LinkCache.open(cache_file))
    assert sorted(p for _, p, _, _ in server.log.requests[3:]) == ["/missing", "/ok"]  # max_age 0: all asked


def test_a_damaged_cache_file_is_ignored(server: Server, tmp_path: Path) -> None:
    cache_file = tmp_path / "links.json"
    cache_file.write_text("{not json", encoding="utf-8")
    assert check_urls([f"{server.base}/ok"], FAST, LinkCache.open(cache_file))[f"{server.base}/ok"].ok
    assert json.loads(cache_file.read_text(encoding="utf-8"))["version"] == 1


ARTICLE = "---\ntitle: t\ndate: 2020-01-02\nsource:\n  name: n\n  url: {url}\n{archive}---\n{body}\n"


def test_cli_reports_dead_sources_with_and_without_an_archived_copy(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(tmp_path / "cache"))
    b = server.base
    site = tmp_path / "site"
    (site / "content/articles").mkdir(parents=True)
    (site / "site.yaml").write_text(
        "title: {ar: أرشيف, en: Archive}\nlanguages: [ar, en]\n", encoding="utf-8"
    )
    (site / "content/articles/a.ar.md").write_text(
        ARTICLE.format(
            url=f"{b}/missing", archive="", body=f"نص.\n\nانظر [المصدر]({b}/gone?x=1&y=2) و[هنا]({b}/ok)."
        ),
        encoding="utf-8",
    )
    (site / "content/articles/b.ar.md").write_text(
        ARTICLE.format(url=f"{b}/gone", archive=f"  archive_url: {b}/ok\n", body=f"نص [منقول]({b}/moved)."),
        encoding="utf-8",
    )
    result = run_sitegen("check", site, "--external", "--timeout", "1", "--retries", "0")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert (
        f"content/articles/a.ar.md:6: error: the source {b}/missing is gone (404 Not Found), and the "
        "article has no archived copy" in out
    )
    assert "hint: add source.archive_url" in out
    assert f"content/articles/a.ar.md:10: error: the link {b}/gone?x=1&y=2 is gone (410 Gone)" in out
    assert (
        f"content/articles/b.ar.md:6: warning: the source {b}/gone is gone (410 Gone); readers still have "
        "the archived copy" in out
    )
    assert f"content/articles/b.ar.md:9: warning: the link {b}/moved has moved (301) to {b}/ok" in out
    assert "checked 2 articles and 5 external links" in out

    started = time.monotonic()
    again = run_sitegen("check", site, "--external", "--format", "json", "--timeout", "1", "--retries", "0")
    data = json.loads(again.stdout)
    assert data["external_urls"] == 5 and data["errors"] == 2
    assert time.monotonic() - started < 10
    asked_again = {p for _, p, _, _ in server.log.requests[-3:]}
    assert "/ok" not in asked_again  # the cache answered for the link that was fine
