""" "Read also" titles without a link are imported as data (`related: [{title: …}]`) and become links
once the archive has articles with those titles, however their hamza or ة/ه are written."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml

from sitegen.arabic import title_key
from sitegen.build import BuildOptions, build
from tests.support import SHARED, run_sitegen

SEEDS = sorted((SHARED / "seed").glob("*.txt")) if (SHARED / "seed").is_dir() else []
# the seed's two "اقرأ أيضاً" titles, as the archive's own articles might spell them: other hamza,
# ة written ه, ى for ي, other quotes, no tatweel obfuscation
SEED_RELATED = {
    "factions-respond": "فصائل المعارضه تعلق علي تعرض احد معسكراتها للقصف.. وتعلن بدء عمليه الرد!",
    "first-in-ten-years": "«الاولى من نوعها منذ عشر سنوات» - بشار الاسد يصدر قرارات هامه بشان الرقه وادلب",
}
needs_seed = pytest.mark.skipif(not SEEDS, reason="../shared/seed is not here")
FIX = Path(__file__).parent / "fixtures" / "import"


def imp(site: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_sitegen("import", *args, cwd=site, timeout=120)


def articles(site: Path) -> list[Path]:
    return sorted((site / "content" / "articles").glob("*.md"))


def parse(path: Path) -> tuple[dict[str, Any], str]:
    fm, body = path.read_text(encoding="utf-8").removeprefix("---\n").split("\n---\n", 1)
    return yaml.safe_load(fm), body


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(FIX / "site", target)
    return target


def add_articles(site: Path, titles: dict[str, str]) -> None:
    folder = site / "content" / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for slug, title in titles.items():
        (folder / f"{slug}.ar.md").write_text(
            f'---\ntitle: "{title}"\ndate: 2020-12-01\n---\n\nنص.\n', encoding="utf-8"
        )


def related_hrefs(out: Path, slug: str) -> set[str]:
    page = lxml.html.parse(str(out / "articles" / slug / "index.html")).getroot()
    return {a.get("href") for a in page.xpath('//section[@class="related"]//a')}


def imported(site: Path, exclude: set[str]) -> Path:
    [path] = [p for p in articles(site) if p.name.split(".")[0] not in exclude]
    return path


@needs_seed
def test_seed_needs_a_date_because_its_text_states_none(site: Path) -> None:
    result = imp(site, SEEDS[0])
    assert result.returncode == 1
    assert "no publication date found" in result.stderr and "--date" in result.stderr
    assert "Traceback" not in result.stderr
    assert articles(site) == []


@needs_seed
def test_seed_read_also_titles_are_data(site: Path) -> None:
    result = imp(site, SEEDS[0], "--date", "2020-12-21")
    assert result.returncode == 0, result.stderr
    meta, body = parse(imported(site, set()))
    keys = [title_key(r["title"]) for r in meta["related"] if isinstance(r, dict) and set(r) == {"title"}]
    assert keys == [title_key(t) for t in SEED_RELATED.values()]
    assert "اقرأ أيضاً" not in body


@needs_seed
def test_seed_links_to_archive_articles_found_at_import(site: Path, tmp_path: Path) -> None:
    add_articles(site, SEED_RELATED)
    assert imp(site, SEEDS[0], "--date", "2020-12-21").returncode == 0
    path = imported(site, set(SEED_RELATED))
    assert parse(path)[0]["related"] == list(SEED_RELATED)  # matched already: written as slugs
    build(site, tmp_path / "out", BuildOptions(search=False, cache=False))
    assert related_hrefs(tmp_path / "out", path.name.split(".")[0]) == {
        f"/articles/{s}/" for s in SEED_RELATED
    }


@needs_seed
def test_seed_links_to_articles_added_after_import(site: Path, tmp_path: Path) -> None:
    assert imp(site, SEEDS[0], "--date", "2020-12-21").returncode == 0
    slug = imported(site, set()).name.split(".")[0]
    build(site, tmp_path / "before", BuildOptions(search=False, cache=False))
    assert related_hrefs(tmp_path / "before", slug) == set()
    add_articles(site, SEED_RELATED)
    build(site, tmp_path / "after", BuildOptions(search=False, cache=False))
    assert related_hrefs(tmp_path / "after", slug) == {f"/articles/{s}/" for s in SEED_RELATED}
    for target in SEED_RELATED:  # and the link back on each target, among its related articles
        assert f"/articles/{slug}/" in related_hrefs(tmp_path / "after", target)


def test_fixture_read_also_without_link_builds_as_not_in_archive(site: Path, tmp_path: Path) -> None:
    """Without the seed: the test fixture in the seed's shape, built with nothing to link to."""
    assert imp(site, FIX / "seed-shaped.ar.txt", "--date", "2020-12-21").returncode == 0
    slug = imported(site, set()).name.split(".")[0]
    build(site, tmp_path / "out", BuildOptions(search=False, cache=False))
    page = lxml.html.parse(str(tmp_path / "out" / "articles" / slug / "index.html")).getroot()
    shown = [li.text_content() for li in page.xpath('//li[@class="not-in-archive"]')]
    assert shown == [
        "فصائل محلية ترد على لقصف مواقعها في ريف حلب (غير موجود في الأرشيف)",
        "تقرير سابق عن الحركة العسكرية شمال سوريا (غير موجود في الأرشيف)",
    ]
