"""Article bodies live in the body store, not in the model: builds still show them, with or without the
cache, and a damaged, foreign or stale store costs time, never a wrong page or a failed build."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sitegen.bodies import Body, BodyStore, key_of
from sitegen.build import BuildOptions, load_model
from sitegen.model import Article, SourceDoc
from sitegen.parallel import SERIAL_BELOW, pmap
from sitegen.read import read_file
from tests.support import build_site, html

BODY = "Only in English."  # the body of the bilingual fixture's old-report.en.md


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(folder))
    return folder


def _body_text(out: Path, url: str = "en/articles/old-report") -> str:
    return " ".join(
        html(out / url / "index.html").xpath("//div[@class='article-body']")[0].text_content().split()
    )


def _rows(cache_dir: Path) -> dict[bytes, str]:
    (store,) = cache_dir.glob("bodies-*.sqlite")
    with sqlite3.connect(store) as conn:
        return {k: BodyStore(store).html(k) for (k,) in conn.execute("SELECT key FROM bodies")}


def test_the_model_holds_no_body_text(site_copy, cache_dir: Path) -> None:
    site = site_copy("bilingual")
    model = load_model(site, BuildOptions(search=True))
    article = model.site.articles[next(k for k in model.site.articles if k[0] == "old-report")]
    names = {f.name for f in dataclasses.fields(Article)} | {f.name for f in dataclasses.fields(SourceDoc)}
    assert not names & {"body_html", "search_words", "body"}
    assert all(BODY not in repr(getattr(article, n)) for n in (f.name for f in dataclasses.fields(Article)))
    assert BODY in model.site.bodies.html(article.body_key)


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_a_build_shows_the_bodies_from_the_store(
    site_copy, cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    site = site_copy("bilingual")
    out = tmp_path / "public"
    for _ in range(2):  # cold, then warm (the cache's entries hold keys only)
        result = build_site(site, out, cache=cache)
        assert result.ok, result.text
        assert _body_text(out).startswith(BODY)
        assert (
            "withdrawal"
            in html(out / "en/articles/old-report/index.html").xpath("//div[@class='article-body']//a/@href")[
                0
            ]
        )
    assert bool(list(cache_dir.glob("bodies-*.sqlite"))) == cache
    assert not list(temp.glob("sitegen-bodies-*")), "a temporary store is removed at the end of the build"


@pytest.mark.parametrize("damage", ["garbage", "empty-table", "foreign-schema"])
def test_a_damaged_or_foreign_store_is_made_again(
    site_copy, cache_dir: Path, tmp_path: Path, damage: str
) -> None:
    site = site_copy("bilingual")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    (store,) = cache_dir.glob("bodies-*.sqlite")
    if damage == "garbage":
        store.write_bytes(b"not a database" * 100)
    else:
        with sqlite3.connect(store) as conn:
            if damage == "empty-table":  # the parse cache still names keys the store lost
                conn.execute("DELETE FROM bodies")
            else:
                conn.execute("UPDATE meta SET value = '999' WHERE name = 'schema'")
    result = build_site(site, out)
    assert result.ok, result.text
    assert _body_text(out).startswith(BODY)
    assert any(BODY in text for text in _rows(cache_dir).values())


def test_bodies_no_file_refers_to_are_pruned(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    site = site_copy("bilingual")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    before = _rows(cache_dir)
    article = site / "content" / "articles" / "old-report.en.md"
    article.write_text(article.read_text(encoding="utf-8").replace(BODY, "Edited since."), encoding="utf-8")
    assert build_site(site, out).ok
    after = _rows(cache_dir)
    assert len(after) == len(before)
    assert not any(BODY in text for text in after.values())
    assert any("Edited since." in text for text in after.values())
    assert _body_text(out).startswith("Edited since.")


def test_a_store_another_process_uses_is_not_pruned(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    """A dev server (or a build with other settings) may still show the rows this build no longer needs."""
    site = site_copy("bilingual")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    (store,) = cache_dir.glob("bodies-*.sqlite")
    with sqlite3.connect(store) as conn:
        conn.execute("INSERT INTO holders VALUES (?)", (os.getppid(),))  # alive: the process that ran pytest
    article = site / "content" / "articles" / "old-report.en.md"
    article.write_text(article.read_text(encoding="utf-8").replace(BODY, "Edited since."), encoding="utf-8")
    assert build_site(site, out).ok
    assert any(BODY in text for text in _rows(cache_dir).values())
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE holders SET pid = ? WHERE pid = ?", (_ended_pid(), os.getppid()))
    assert build_site(site, out).ok
    assert not any(BODY in text for text in _rows(cache_dir).values())
    assert _body_text(out).startswith("Edited since.")


def _ended_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(child.stdout)


def test_builds_with_and_without_search_share_the_store(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    site = site_copy("search")
    out = tmp_path / "public"
    for search in (True, False, True):
        result = build_site(site, out, search=search)
        assert result.ok, result.text
    assert len(list(cache_dir.glob("bodies-*.sqlite"))) == 1


def test_a_front_matter_edit_keeps_the_body_key(tmp_path: Path) -> None:
    path = tmp_path / "a.en.md"
    path.write_text("---\ntitle: One\ndate: 2020-01-02\n---\nSame body.\n", encoding="utf-8")
    first = read_file(path, ("en",))
    path.write_text("---\ntitle: Two\ndate: 2021-03-04\ntags: [x]\n---\nSame body.\n", encoding="utf-8")
    second = read_file(path, ("en",))
    path.write_text("---\ntitle: Two\ndate: 2021-03-04\ntags: [x]\n---\nAnother body.\n", encoding="utf-8")
    third = read_file(path, ("en",))
    assert first.doc and second.doc and third.doc
    assert first.doc.body_key == second.doc.body_key != third.doc.body_key
    assert first.body is not None and first.doc.body_key == key_of(first.body)


def _fetch(store: BodyStore, key: bytes) -> str:
    return store.html(key) + "|" + store.words(key)


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_forked_workers_read_through_their_own_connection(tmp_path: Path) -> None:
    store = BodyStore(tmp_path / "bodies.sqlite")
    keys = [key_of(Body(f"<p>{i} نص</p>", f"words {i}")) for i in range(20)]
    store.put((k, Body(f"<p>{i} نص</p>", f"words {i}")) for i, k in enumerate(keys))
    assert store.html(keys[0]) == "<p>0 نص</p>"  # the parent's connection is open across the fork
    fetched = pmap(_fetch, store, keys, jobs=2, work=SERIAL_BELOW)  # the store reaches them by fork
    assert fetched == [f"<p>{i} نص</p>|words {i}" for i in range(20)]
    store.put([(b"later", Body("<p>after the workers</p>"))])
    assert store.html(b"later") == "<p>after the workers</p>"


def test_a_temporary_store_is_removed_when_closed() -> None:
    store = BodyStore.temporary()
    store.put([(b"k", Body("<p>x</p>"))])
    folder = store.path.parent
    assert folder.is_dir()
    store.close()
    assert not folder.exists()


def test_the_store_is_opened_before_the_read_workers_fork(tmp_path: Path, monkeypatch) -> None:
    """Without the cache too, the main process opens the store (its tables made, WAL set) before the read
    workers fork: opened first by two workers at once, one of them failed, now and then, with "database
    is locked" (switching a new file to WAL takes a lock sqlite does not wait for)."""
    import sitegen.bodies
    import sitegen.parallel
    from tests.test_parallel import _big_site

    monkeypatch.setattr(sitegen.parallel, "workers", lambda: 2)
    log = tmp_path / "opened.log"
    real = sitegen.bodies._open

    def logged(path: Path) -> sqlite3.Connection:
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return real(path)

    monkeypatch.setattr(sitegen.bodies, "_open", logged)
    built = build_site(_big_site(tmp_path / "site"), tmp_path / "public", cache=False)
    assert built.ok, built.problems
    assert log.read_text(encoding="utf-8").split()[0] == str(os.getpid())
