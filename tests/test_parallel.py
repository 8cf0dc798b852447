"""The process pool behind every parallel stage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sitegen.parallel import SERIAL_BELOW, pmap
from tests.support import REPO


def _double(shared: int, x: int) -> int:
    return shared * x


def test_results_keep_their_order() -> None:
    items = list(range(SERIAL_BELOW * 3))
    assert pmap(_double, 2, items, chunksize=7) == [2 * x for x in items]


def test_a_pool_ends_under_the_dev_servers_signal_handling() -> None:
    """`sitegen serve` turns SIGTERM into a Python exception and rebuilds from a thread. A pool torn down
    with SIGTERM then waited forever for workers that never died (seen at 10k articles: a tag edit hung)."""
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        items = list(range(SERIAL_BELOW))
        for _ in range(40):  # the hang was a race between the pool's shutdown and its idle workers
            out: dict[str, list[int]] = {}
            worker = threading.Thread(
                target=lambda out=out: out.update(result=pmap(_double, 3, items, chunksize=1)), daemon=True
            )
            worker.start()
            worker.join(timeout=30)
            assert not worker.is_alive(), "the pool never finished"
            assert out["result"] == [3 * x for x in items]
    finally:
        signal.signal(signal.SIGTERM, previous)


def _big_site(root: Path, n: int = 500) -> Path:
    """Enough articles that reading and rendering run on a process pool."""
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    body = "\n\n".join(
        f"Paragraph {i} of a long report, with [a link](https://example.org/{i})." for i in range(40)
    )
    for i in range(n):
        for lang in ("ar", "en"):
            (articles / f"report-{i:04d}.{lang}.md").write_text(
                f"---\ntitle: Report {i}\ndate: 2020-01-{1 + i % 28:02d}\nauthor: Writer {i % 7}\n---\n\n{body}\n",
                encoding="utf-8",
            )
    return root


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if text in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(proc.name)
            except OSError:
                pass
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find left-over workers")
def test_ctrl_c_stops_a_build_and_its_workers_quietly(tmp_path: Path) -> None:
    site = _big_site(tmp_path / "site")
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").write_text("the previous build", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "NO_COLOR": "1",
        "SITEGEN_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "build", str(site), "-o", str(out), "--no-search"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _processes_mentioning(str(site))[1:]:
        time.sleep(0.01)  # until the build has forked its workers (reading, then rendering)
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: to the build and all its workers
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopped" in err, err
    for noise in ("Traceback", "KeyboardInterrupt", "ForkPoolWorker"):  # what every worker printed before
        assert noise not in err, err
    assert (out / "index.html").read_text(encoding="utf-8") == "the previous build"
    time.sleep(0.5)
    assert _processes_mentioning(str(site)) == [], "workers were left running"


@pytest.mark.parametrize("jobs", [1, 2])
def test_consumed_results_are_each_handed_over_once_and_not_kept(jobs: int) -> None:
    got: dict[int, int] = {}

    def take(i: int, result: int) -> None:
        assert i not in got
        got[i] = result

    kept = pmap(_double, 3, list(range(300)), chunksize=7, jobs=jobs, work=SERIAL_BELOW * 3, consume=take)
    assert kept == []
    assert got == {i: 3 * i for i in range(300)}
