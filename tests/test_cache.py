"""The parse cache between builds: later builds reuse it, yet always show what the files say now."""

from __future__ import annotations

import dataclasses
import os
import pickle
import time
from pathlib import Path

import pytest

from sitegen.bodies import Body, BodyStore
from tests.support import build_site, html


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SITEGEN_CACHE_DIR", str(folder))
    return folder


def _body_text(out: Path, url: str) -> str:
    return " ".join(
        html(out / url / "index.html").xpath("//div[@class='article-body']")[0].text_content().split()
    )


def test_rebuild_shows_an_edit_and_keeps_the_rest(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    site = site_copy("bilingual")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    caches = list(cache_dir.glob("read-*.pickle"))
    assert len(caches) == 1
    before_other = _body_text(out, "articles/trenches")

    article = site / "content" / "articles" / "old-report.en.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("Only in English.", "Edited since."), encoding="utf-8"
    )
    result = build_site(site, out)
    assert result.ok, result.text
    assert "Edited since." in _body_text(out, "en/articles/old-report")
    assert "Only in English." not in _body_text(out, "en/articles/old-report")
    assert _body_text(out, "articles/trenches") == before_other


@pytest.mark.parametrize("settled", [False, True], ids=["checked-by-bytes", "checked-by-stat"])
def test_cached_results_are_used_for_unchanged_files(
    site_copy, cache_dir: Path, tmp_path: Path, settled: bool
) -> None:
    """Proof that the cache is read: a planted result for an unchanged file shows in the next build.

    Files saved in the last seconds are compared by their bytes; older ones by size, time and inode."""
    site = site_copy("bilingual")
    out = tmp_path / "public"
    for f in (site / "content" / "articles").iterdir():
        os.utime(f, (1_600_000_000, 1_600_000_000) if settled else None)  # None: now
    assert build_site(site, out).ok
    cache_file = next(cache_dir.glob("read-*.pickle"))
    salt, entries = pickle.loads(cache_file.read_bytes())
    key = str(site / "content" / "articles" / "old-report.en.md")
    stamp, digest, pickled = entries[key]
    assert (stamp is not None) == settled
    result = pickle.loads(pickled)  # kept as the worker that parsed it pickled it
    store = BodyStore(next(cache_dir.glob("bodies-*.sqlite")))
    store.put([(b"planted-key", Body("<p>planted</p>"))])
    store.close()
    planted = type(result)(dataclasses.replace(result.doc, body_key=b"planted-key"))
    entries[key] = (stamp, digest, pickle.dumps(planted))
    cache_file.write_bytes(pickle.dumps((salt, entries)))

    assert build_site(site, out).ok
    assert _body_text(out, "en/articles/old-report") == "planted"
    assert build_site(site, out, cache=False).ok
    assert _body_text(out, "en/articles/old-report").startswith("Only in English.")


def test_a_damaged_cache_is_ignored(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    site = site_copy("bilingual")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    for cache_file in cache_dir.glob("read-*.pickle"):
        cache_file.write_bytes(b"not a pickle")
    result = build_site(site, out)
    assert result.ok, result.text
    assert _body_text(out, "en/articles/old-report").startswith("Only in English.")


def test_a_damaged_entry_is_parsed_again(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    """One entry's pickle cut short (the rest of the cache is fine): that file is read again."""
    site = site_copy("bilingual")
    out = tmp_path / "public"
    assert build_site(site, out).ok
    cache_file = next(cache_dir.glob("read-*.pickle"))
    salt, entries = pickle.loads(cache_file.read_bytes())
    key = str(site / "content" / "articles" / "old-report.en.md")
    stamp, digest, pickled = entries[key]
    entries[key] = (stamp, digest, pickled[:20])
    cache_file.write_bytes(pickle.dumps((salt, entries)))
    result = build_site(site, out)
    assert result.ok, result.text
    assert _body_text(out, "en/articles/old-report").startswith("Only in English.")


def test_the_cache_stays_out_of_the_site(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    """The cache is never written into the site folder (a cloned repository must not bring one along)."""
    site = site_copy("bilingual")
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    assert build_site(site, tmp_path / "public").ok
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
    assert list(cache_dir.glob("read-*.pickle"))


def test_no_cache_writes_none(site_copy, cache_dir: Path, tmp_path: Path) -> None:
    site = site_copy("bilingual")
    assert build_site(site, tmp_path / "public", cache=False).ok
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_a_file_is_parsed_once_and_the_background_write_is_seen(
    site_copy, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is written by a thread; a read right after must still find it complete."""
    from sitegen import cache, read
    from sitegen.config import load_config

    site = site_copy("bilingual")
    config, _ = load_config(site, None)
    parsed: list[Path] = []
    real = read.read_file

    def counting(path: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(read, "read_file", counting)
    monkeypatch.setattr(cache, "BACKGROUND", True)
    slow_write = cache._write

    def late_write(*args):  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # in the thread: the next read starts before the cache is written, unless it waits
        slow_write(*args)

    monkeypatch.setattr(cache, "_write", late_write)
    writes = cache.Writes()
    bodies = BodyStore.for_site(site, use_cache=True)
    first = read.read_content(site, config, use_cache=True, writes=writes, bodies=bodies)
    assert sorted(parsed) == sorted(read.content_files(site)) and len(set(parsed)) == len(parsed)
    parsed.clear()
    second = read.read_content(site, config, use_cache=True, writes=writes, bodies=bodies)
    assert parsed == []
    assert [bodies.html(r.doc.body_key) for r in second if r.doc] == [
        bodies.html(r.doc.body_key) for r in first if r.doc
    ]
