"""`sitegen serve` as a user runs it: files only from the output, live-reload events, errors, Ctrl-C."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.serve.server import content_type, inject_head, resolve_request
from tests.support import FIXTURES, REPO


class Served:
    def __init__(self, proc: subprocess.Popen[str], host: str, port: int, base: str, site: Path, tmp: Path):
        self.proc, self.host, self.port, self.base, self.site, self.tmp = proc, host, port, base, site, tmp

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        conn.putrequest("GET", path, skip_accept_encoding=True)  # sent as is: no client-side cleaning
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body

    def raw(self, request_line: str) -> bytes:
        with socket.create_connection((self.host, self.port), timeout=10) as sock:
            sock.sendall(f"{request_line}\r\nHost: x\r\nConnection: close\r\n\r\n".encode("latin-1"))
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def served_folder(self) -> Path:
        (folder,) = self.tmp.glob("sitegen-serve-*/site")
        return folder

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        self.proc.send_signal(sig)
        _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, err


def start(site: Path, tmp: Path, *extra: str) -> Served:
    scratch = tmp / "scratch"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "200", "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", str(site), "--port", "0", "--no-search", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://([\d.]+):(\d+)(/\S*)", line)
    if not match:
        proc.kill()
        raise AssertionError(f"no address printed: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return Served(proc, match.group(1), int(match.group(2)), match.group(3), site, scratch)


class EventStream:
    """Reads /__sitegen/events in a thread, as the injected script does."""

    def __init__(self, served: Served):
        self.events: list[tuple[str, object]] = []
        self.cond = threading.Condition()
        self.conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
        self.conn.request("GET", "/__sitegen/events")
        self.resp = self.conn.getresponse()
        assert self.resp.getheader("Content-Type", "").startswith("text/event-stream")
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("hello")

    def _read(self) -> None:
        event = ""
        try:
            for raw in self.resp:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    with self.cond:
                        self.events.append((event, json.loads(line[6:])))
                        self.cond.notify_all()
        except (OSError, ValueError):
            pass

    def wait_for(self, name: str, timeout: float = 30) -> object:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i, (event, data) in enumerate(self.events):
                    if event == name:
                        del self.events[: i + 1]
                        return data
                left = deadline - time.monotonic()
                assert left > 0, f"no '{name}' event within {timeout} s (got {self.events})"
                self.cond.wait(left)


def make_site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", target)
    (target / "static").mkdir()
    for name in ("x.wasm", "a.pf_meta", "b.pf_index", "c.pf_fragment", "d.pf_filter", "e.js", "f.json"):
        (target / "static" / name).write_bytes(b"{}")
    return target


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


@pytest.fixture
def served(site: Path, tmp_path: Path) -> Iterator[Served]:
    """A server of one's own, for tests that edit the site or stop the server."""
    s = start(site, tmp_path, "--watch")
    yield s
    if s.proc.poll() is None:
        s.stop()


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server shared by the tests that only read from it."""
    tmp = tmp_path_factory.mktemp("served")
    s = start(make_site(tmp), tmp, "--watch")
    yield s
    if s.proc.poll() is None:
        s.stop()


def test_pages_are_served_with_the_right_content_types(reader: Served) -> None:
    expected = {
        "/": "text/html",
        "/assets/style.css": "text/css",
        "/feed.xml": "application/xml",
        "/timeline.json": "application/json",
        "/x.wasm": "application/wasm",
        "/e.js": "text/javascript",
        "/a.pf_meta": "application/octet-stream",
        "/b.pf_index": "application/octet-stream",
        "/c.pf_fragment": "application/octet-stream",
        "/d.pf_filter": "application/octet-stream",
    }
    for path, ctype in expected.items():
        status, headers, _ = reader.get(path)
        assert status == 200, path
        assert headers["content-type"].split(";")[0] == ctype, path


def test_served_pages_carry_the_live_reload_script(reader: Served) -> None:
    status, _, body = reader.get("/articles/withdrawal/")
    assert status == 200 and b"/__sitegen/events" in body


def test_live_reload_goes_into_any_head_and_never_into_the_build(tmp_path: Path) -> None:
    """The server adds the script to what it sends, so a site's own base.html keeps live reload, and a
    built page never carries it."""
    assert (
        inject_head(b"<html><HEAD><title>x</title></Head><body>", b"<s>")
        == b"<html><HEAD><title>x</title><s>\n</Head><body>"
    )
    assert inject_head(b"<p>no head", b"<s>") == b"<p>no head<s>"
    from sitegen.build import BuildOptions, build

    out = tmp_path / "out"
    build(FIXTURES / "bilingual", out, BuildOptions(search=False))
    assert not any(b"/__sitegen/events" in p.read_bytes() for p in out.rglob("*.html"))


@pytest.mark.parametrize(
    "request_path",
    [
        "/../../secret.txt",
        "/../../../secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/%2E%2E/secret.txt",
        "/articles/../../../secret.txt",
        "/..%2f..%2fsecret.txt",
        "/..%2F..%2F..%2Fsecret.txt",
        "/%2f%2e%2e%2fsecret.txt",
        "/..\\..\\secret.txt",
        "//etc/passwd",
        "/%2Fetc/passwd",
        "/etc/passwd",
        "/.%2e/.%2e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/assets/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    ],
)
def test_nothing_outside_the_output_folder_is_served(reader: Served, request_path: str) -> None:
    (reader.tmp / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    (reader.tmp.parent / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    response = reader.raw(f"GET {request_path} HTTP/1.1")
    status = int(response.split(b" ", 2)[1])
    assert status != 200
    assert b"TOP-SECRET" not in response and b"root:" not in response


def test_absolute_form_and_symlinks_out_are_refused(reader: Served) -> None:
    secret = reader.tmp / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    (reader.served_folder() / "leak.txt").symlink_to(secret)
    (reader.served_folder() / "leakdir").symlink_to(reader.tmp, target_is_directory=True)
    for line in (
        "GET /leak.txt HTTP/1.1",
        "GET /leakdir/secret.txt HTTP/1.1",
        f"GET {secret} HTTP/1.1",
        f"GET http://x{secret} HTTP/1.1",
        "GET secret.txt HTTP/1.1",
    ):
        response = reader.raw(line)
        assert int(response.split(b" ", 2)[1]) != 200, line
        assert b"TOP-SECRET" not in response, line


def test_resolve_request_stays_inside(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("x")
    (tmp_path / "outside.txt").write_text("no")
    (out / "link").symlink_to(tmp_path / "outside.txt")
    assert resolve_request(out, "/", "/a/index.html") == (out / "a" / "index.html").resolve()
    assert resolve_request(out, "/base/", "/base/a/") == (out / "a").resolve()
    for bad in (
        "/../outside.txt",
        "/%2e%2e/outside.txt",
        "/a%2f..%2f..%2foutside.txt",
        "/link",
        "a/index.html",
        "/a/index.html%00",
        "/a/%ff",
        "/base/../outside.txt",
    ):
        assert resolve_request(out, "/", bad) is None, bad
    assert resolve_request(out, "/base/", "/a/index.html") is None


def test_content_type_of_pagefind_files() -> None:
    assert content_type(Path("x/pagefind-entry.json")).startswith("application/json")
    assert content_type(Path("wasm.ar.pagefind")) == "application/octet-stream"
    assert content_type(Path("pagefind.js")).startswith("text/javascript")


def test_missing_pages_get_the_sites_404_page(reader: Served) -> None:
    status, headers, body = reader.get("/no/such/page/")
    assert status == 404 and headers["content-type"].startswith("text/html")
    assert b"page-404" in body
    status, _, body = reader.get("/en/nothing-here")
    assert status == 404 and b'lang="en"' in body


def test_folders_redirect_to_their_slash(reader: Served) -> None:
    status, headers, _ = reader.get("/tags")
    assert status == 301 and headers["location"] == "/tags/"


def test_the_base_url_path_works_locally(site: Path, tmp_path: Path) -> None:
    s = start(site, tmp_path, "--base-url", "https://example.org/archive/")
    try:
        assert s.base == "/archive/"
        status, _, body = s.get("/archive/")
        assert status == 200 and b'href="/archive/assets/style.css"' in body
        assert s.get("/archive/assets/style.css")[0] == 200
        status, _, body = s.get("/")
        assert status == 404 and b"href='/archive/'" in body
        status, _, body = s.get("/archive/nothing/")
        assert status == 404 and b"page-404" in body
    finally:
        s.stop()


def test_a_busy_port_is_explained(site: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "sitegen", "serve", str(site), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "200"},
        )
    assert proc.returncode == 1
    assert f"port {port} is already in use" in proc.stderr
    assert f"--port {port + 1}" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_ctrl_c_stops_cleanly_and_leaves_nothing_behind(served: Served) -> None:
    EventStream(served)  # an open event stream must not hold the server up
    assert served.served_folder().is_dir()
    code, err = served.stop()
    assert code == 0, err
    assert "Traceback" not in err
    assert list(served.tmp.iterdir()) == []


def test_sigterm_also_stops_cleanly(served: Served) -> None:
    assert served.served_folder().is_dir()
    code, err = served.stop(signal.SIGTERM)
    assert code == 0, err
    assert list(served.tmp.iterdir()) == []


def test_a_save_sends_a_reload_with_the_changed_pages(served: Served) -> None:
    stream = EventStream(served)
    f = served.site / "content" / "articles" / "withdrawal.en.md"
    f.write_text(f.read_text(encoding="utf-8") + "\nFresh paragraph XYZZY.\n", encoding="utf-8")
    data = stream.wait_for("reload")
    assert isinstance(data, dict) and "/en/articles/withdrawal/" in data["urls"]
    assert b"XYZZY" in served.get("/en/articles/withdrawal/")[2]


def test_a_broken_save_keeps_serving_and_reports_file_and_line(served: Served) -> None:
    stream = EventStream(served)
    f = served.site / "content" / "articles" / "trenches.ar.md"
    good = f.read_text(encoding="utf-8")
    f.write_text(
        good.replace("date: 2020-12-18", "date: [2020-12-18 <script>alert(1)</script>"), encoding="utf-8"
    )
    problems = stream.wait_for("problem")
    assert isinstance(problems, list) and problems
    line = problems[0]["line"]
    assert problems[0]["file"] == "content/articles/trenches.ar.md" and isinstance(line, int) and line > 1
    status, _, body = served.get("/articles/trenches/")
    assert status == 200 and "قسد تحفر الخنادق".encode() in body
    late = EventStream(served)  # a page opened while broken still gets the overlay
    assert late.wait_for("problem") == problems
    f.write_text(good.replace("title: قسد تحفر", "title: أخيرا قسد تحفر"), encoding="utf-8")
    assert "/articles/trenches/" in stream.wait_for("reload")["urls"]  # type: ignore[index]
    assert "أخيرا".encode() in served.get("/articles/trenches/")[2]
    _code, err = served.stop()
    assert f"trenches.ar.md:{line}" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("default", "words"), [("ar", "تعذّر بناء الموقع من جديد"), ("en", "The site could not be rebuilt")]
)
def test_the_served_error_banner_has_the_sites_default_language(
    tmp_path: Path, default: str, words: str
) -> None:
    site = make_site(tmp_path)
    (site / "site.yaml").write_text(f"languages: [ar, en]\ndefault_language: {default}\n", encoding="utf-8")
    served = start(site, tmp_path, "--watch")
    try:
        for url in ("/", "/en/"):  # the site's language on every page, as the theme's own words
            body = served.get(url)[2].decode()
            found = re.search(r"var UI = (\{.*?\});", body)
            assert found, body[:300]
            ui = json.loads(found.group(1))
            assert (ui["lang"], ui["dir"]) == (default, "rtl" if default == "ar" else "ltr")
            assert ui["failed"] == words
            assert "__SITEGEN_UI__" not in body
    finally:
        served.stop()
