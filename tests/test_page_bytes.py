"""An article page says each fact once in its metadata (bench/page_bytes.py measures what each part costs)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import lxml.html

from tests.support import FIXTURES, build_site


def test_head_metadata_says_each_fact_once(tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build_site(FIXTURES / "search", out).ok
    page = lxml.html.fromstring((out / "articles" / "ain-issa" / "index.html").read_bytes())
    [script] = page.xpath('//script[@type="application/ld+json"]')
    data = json.loads(script.text)
    values = Counter(v for k, v in data.items() if isinstance(v, str) and k not in ("@id", "@context"))
    assert data["headline"] == "نظام الأسد يسحب قواته من عين عيسى"
    assert [v for v, n in values.items() if n > 1] == []  # no key repeats another's value
    names = Counter(m.get("name") for m in page.xpath("//meta[@name]"))
    assert names["citation_publication_date"] == 1 and names["citation_date"] == 0


def test_summary_and_tags_are_said_once_in_the_head(tmp_path: Path) -> None:
    """Link previews read the summary from the description and tags from citation_keywords: no second copies."""
    out = tmp_path / "public"
    assert build_site(FIXTURES / "search", out).ok
    page = lxml.html.fromstring((out / "articles" / "ain-issa" / "index.html").read_bytes())
    [summary] = page.xpath('//p[@class="article-summary"]')
    head = page.find("head")
    contents = [m.get("content") for m in head.xpath(".//meta[@content]")]
    assert contents.count(summary.text_content()) == 1
    assert head.xpath('.//meta[@name="description"]/@content') == [summary.text_content()]
    tags = [a.text_content() for a in page.xpath('//ul[@class="tag-list"]//a')]
    assert tags and head.xpath('.//meta[@name="citation_keywords"]/@content') == ["; ".join(tags)]
    others = [m.get("content") for m in head.xpath('.//meta[@content][not(@name="citation_keywords")]')]
    assert not [c for c in others if c in tags]  # no article:tag per tag
    [script] = head.xpath('.//script[@type="application/ld+json"]')
    data = json.loads(script.text)
    assert summary.text_content() not in data.values() and tags not in data.values()
