"""A saved page's title and publication date, chosen among everything the page says about them.

Title: the `<h1>`, og:title, JSON-LD headline and `<title>` disagree on real pages (site names on either
side, breadcrumbs, a second `<h1>` that is the site's logo); the longest candidate that is not a site name,
once site parts are stripped, is the headline.
Date: machine-readable values first (the page's own offset wins over a UTC copy: a page published at
01:59 +02:00 is dated that day), then a date written near the headline or in an element classed as a
date, then the address (with a note); a Hijri date alone is reported, never converted.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sitegen.importer.bylines import key
from sitegen.importer.dates import date_in_url, find_dates, has_local_offset, hijri_seen, parse_meta_date

_SEPARATOR = re.compile(r"\s+(?:[-–—|:»«·•]|::|/)\s+")


def strip_site(title: str, site_names: list[str]) -> str:
    """`title` without the site's name (or a breadcrumb ending in it) on either side."""
    names = {key(n) for n in site_names if key(n)}

    def is_site(part: str) -> bool:
        k = key(part)
        return bool(k) and (k in names or any(n in k or k in n for n in names if len(n) >= 3))

    cuts = [m.span() for m in _SEPARATOR.finditer(title)]
    spans = [
        (0 if i == 0 else cuts[i - 1][1], cuts[i][0] if i < len(cuts) else len(title))
        for i in range(len(cuts) + 1)
    ]
    first, last = 0, len(spans) - 1
    if last > 0 and is_site(title[spans[last][0] : spans[last][1]]):
        last -= 1
        # `Headline - Section - Sub-section - Site`: sections are short and sit between headline and site
        while (
            last > 0
            and len(title[spans[last][0] : spans[last][1]].split()) <= 3
            and len(title[spans[0][0] : spans[0][1]].split()) > 3
        ):
            last -= 1
    while first < last and is_site(title[spans[first][0] : spans[first][1]]):
        first += 1
    return title[spans[first][0] : spans[last][1]].strip()


def choose_title(headline: str, og_title: str, h1s: list[str], html_title: str, site: str) -> str:
    """The best title: the headline the page's `<h1>` confirms, never cut short, site name removed."""
    cleaned = [strip_site(c, [site]) for c in (headline, og_title, html_title) if c.strip()]
    headings = [h for h in h1s if len(h.split()) >= 3 and key(h) != key(site)]
    for heading in headings:
        h = key(heading)
        for c in cleaned:
            k = key(c)
            if k == h or (k.startswith(h) and _SEPARATOR.match(c[len(heading) :] or "x")):
                return heading
            if h.startswith(k) and len(heading) > len(c):
                return heading  # og:title or <title> cut short
            if k.startswith(h) and heading.rstrip().endswith(("…", "...")):
                return c  # the <h1> cut short
    return cleaned[0] if cleaned else (headings[0] if headings else "")


def _date_classed_text(tree: Any) -> list[str]:
    nodes = tree.xpath(
        '//*[contains(@class, "date") or contains(@class, "time") or contains(@class, "publish")'
        ' or contains(@class, "posted") or contains(@id, "date")][not(self::script)]'
    )
    return [" ".join(n.text_content().split())[:200] for n in nodes[:30]]


def _near_headline(tree: Any, title: str) -> str:
    """The page text just around the headline (where bylines and dates sit)."""
    body = tree.xpath("//body")
    if not body:
        return ""
    text = "\n".join(
        t.strip()
        for t in body[0].xpath(".//text()[not(ancestor::script)][not(ancestor::style)]")
        if t.strip()
    )
    at = text.find(title[:40]) if title else -1
    if at < 0:
        return ""
    return text[max(0, at - 300) : at + len(title) + 600]


def choose_date(
    tree: Any, machine: list[str], title: str, url: str, day_first: bool
) -> tuple[dt.date | None, list[str]]:
    """(publication date, notes for the user)."""
    notes: list[str] = []
    parsed = [(v, d) for v in machine if (d := parse_meta_date(v, day_first)) and d.year >= 1900]
    local = [d for v, d in parsed if has_local_offset(v)]
    near = [f.date for f in find_dates(_near_headline(tree, title), day_first)]
    classed = [f.date for text in _date_classed_text(tree) for f in find_dates(text, day_first)[:1]]
    if local:
        return local[0], notes
    if parsed:
        value, date = parsed[0]
        # a UTC-only value next to a visible date one day off: the visible one is the page's local day
        visible = near[:1] or classed[:1]
        if "T" in value and visible and abs((visible[0] - date).days) == 1:
            return visible[0], notes
        return date, notes
    if near or classed:
        return (near or classed)[0], notes
    from_url = date_in_url(url)
    if from_url:
        notes.append(f"date {from_url} read from the page's address (the page shows none): check it")
        return from_url, notes
    page_text = " ".join(tree.xpath("//body")[0].text_content().split()) if tree.xpath("//body") else ""
    hijri = hijri_seen(page_text)
    if hijri:
        notes.append(f"only a Hijri date was seen ('{hijri}'); it is not converted: pass --date YYYY-MM-DD")
    return None, notes
