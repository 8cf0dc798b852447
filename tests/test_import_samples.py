"""The real pages in ../shared/samples and ../shared/seed (read only; skipped when absent)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.support import SHARED, run_sitegen

SAMPLES = SHARED / "samples"
SEED = SHARED / "seed"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not present")

# file -> (title start, date, author, source name); None where the page does not say
EXPECTED = {
    "albayan-2020-afghan-envoy-praises-uae.html": ("القائم بأعمال السفارة", "2020-06-03", None, "البيان"),
    "beirutobserver-2020-saudi-princess-paris-theft.html": (
        "سرقة منزل أميرة",
        "2020-11-09",
        "Ziad Sankary",
        None,
    ),
    "elbaladtv-2020-turki-alsheikh-yousra.html": (
        "تركى آل الشيخ",
        "2020-12-25",
        "ضحى عرفة",
        "قناة صدى البلد",
    ),
    "polygraph-2019-rukban-syria-factcheck.html": ("Russia and Syria", "2019-11-18", None, "POLYGRAPH.info"),
    "sputnik-arabic-2020-egypt-covid-cases.html": ("مصر تسجل 30 إصابة", "2020-03-17", None, None),
    "talkingpointsmemo-2015-kobane-rojava.html": ("The Small Miracle", "2015-01-14", "Malcolm Harris", None),
    "youm7-2020-groundwater-study-contract.html": (
        "وزير الرى يشهد",
        "2020-08-24",
        "أسماء نصار",
        "اليوم السابع",
    ),
}


def _meta(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")[4:].split("\n---\n", 1)[0])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_saved_pages(name: str, tmp_path: Path) -> None:
    result = run_sitegen("import", SAMPLES / name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [path] = (tmp_path / "content" / "articles").glob("*.md")
    meta = _meta(path)
    title, date, author, source = EXPECTED[name]
    assert meta["title"].startswith(title) and " - " not in meta["title"]
    assert str(meta["date"]) == date
    assert meta.get("author") == author
    if source:
        assert meta["source"]["name"] == source


def test_directory_page_is_not_an_article(tmp_path: Path) -> None:
    result = run_sitegen("import", SAMPLES / "arabic-media-newspaper-directory-cp1256.html", cwd=tmp_path)
    assert result.returncode == 1 and "does not look like an article" in result.stderr


def test_bbc_text_copies_need_a_date_and_keep_the_crawl_date(tmp_path: Path) -> None:
    files = sorted(SAMPLES.glob("bbc-arabic-*.txt"))
    failed = run_sitegen("import", *files, cwd=tmp_path)
    assert failed.returncode == 1 and failed.stderr.count("no publication date found") == len(files)
    ok = run_sitegen("import", *files, "--date", "2017-08-11", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    for path in (tmp_path / "content" / "articles").glob("*.md"):
        meta = _meta(path)
        assert meta["source"]["name"] == "BBC Arabic" and str(meta["source"]["accessed"]) == "2017-08-11"
        assert "BBC Arabic" not in meta["title"]


@pytest.mark.skipif(not SEED.is_dir(), reason="../shared/seed is not present")
def test_seed(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).parent / "fixtures" / "import" / "site" / "data", tmp_path / "data")
    result = run_sitegen("import", *SEED.glob("*.txt"), "--date", "2020-12-21", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [path] = (tmp_path / "content" / "articles").glob("*.md")
    meta = _meta(path)
    assert meta["title"].startswith("نظام الأسد يسحب قواته")
    assert meta["author"] == "rami fakhori" and meta["source"]["name"] == "طيف بوست"
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "الأنفاق" in body and "المواجهات" in body and "ـ." not in body and "error:" not in body
