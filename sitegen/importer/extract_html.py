"""Stage: a saved (or fetched) HTML page → Draft.

trafilatura finds the article body (it beats anything hand-written on real pages, and keeps headings,
lists, quotes and links as Markdown). Metadata is read here from the page's own markup, most reliable
first, because the real samples show trafilatura's author and date guesses going wrong: a fact-check's
claimant taken as author, a logo URL as author, the UTC day instead of the page's local day.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from htmldate import find_date as htmldate_find

from sitegen.importer.dates import parse_iso_prefix
from sitegen.importer.draft import Draft, Related, related_line, safe_url
from sitegen.importer.extract_text import GENERIC_AUTHORS, fold, parse_byline
from sitegen.importer.repair import repair, repair_line
from sitegen.importer.sanitize import sanitize_markdown

ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "report",
    "socialmediaposting",
}
MIN_ARTICLE_WORDS = 40  # running text (paragraphs of 8+ words) below this is a listing, not an article


class NotAnArticle(Exception):
    pass


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page, flattening @graph lists (nested itemReviewed is NOT walked:
    a ClaimReview's reviewed claim has the claimant as `author`)."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content().strip() or "null", strict=False)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                yield item
                for sub in item.get("@graph", []) if isinstance(item.get("@graph"), list) else []:
                    if isinstance(sub, dict):
                        yield sub


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type", "")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t])}


def _meta(tree: Any, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            for value in found:
                if value and value.strip():
                    return str(value).strip()
    return ""


def _person_name(value: Any) -> str:
    if isinstance(value, list):
        names = [_person_name(v) for v in value]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        if "organization" in _types(value):
            return ""  # the publisher credited as author: that is the source, not a person
        return str(value.get("name") or "").strip()
    return str(value or "").strip()


def plausible_author(name: str, site: str = "") -> str:
    """`name` if it can be a person's name; '' for URLs, places with papers, site names, long texts."""
    name = repair_line(name)
    if not name or len(name) > 60 or len(name.split()) > 6 or re.search(r"https?:|www\.|@|/|\d", name):
        return ""
    if name.startswith("(") or (site and fold(name) == fold(site)):
        return ""
    byline = parse_byline(name)
    if byline and byline[1]:
        return byline[1]
    return "" if byline else name


def _strip_site_suffix(title: str, site_names: list[str]) -> str:
    names = {fold(n) for n in site_names if n}
    parts = re.split(r"\s+[-–—|]\s+", title)
    while len(parts) > 1 and (fold(parts[-1]) in names or any(n and n in fold(parts[-1]) for n in names)):
        parts.pop()
    return " - ".join(parts).strip()


def _metadata(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {"title": "", "date": "", "author": "", "site": "", "url": ""}
    for obj in _json_ld(tree):
        if not _types(obj) & ARTICLE_TYPES:
            continue
        found["title"] = found["title"] or str(obj.get("headline") or "").strip()
        found["date"] = found["date"] or str(obj.get("datePublished") or obj.get("dateCreated") or "")
        found["author"] = found["author"] or _person_name(obj.get("author"))
        publisher = obj.get("publisher")
        if isinstance(publisher, dict):
            found["site"] = found["site"] or str(publisher.get("name") or "").strip()
    found["title"] = found["title"] or _meta(tree, "og:title", "twitter:title")
    found["site"] = _meta(tree, "og:site_name") or found["site"]
    found["date"] = found["date"] or _meta(
        tree, "article:published_time", "datePublished", "pubdate", "publishdate", "DC.date.issued", "date"
    )
    if not found["date"]:
        times = tree.xpath("//time[@datetime]/@datetime")
        found["date"] = str(times[0]) if times else ""
    meta_author = _meta(tree, "author", "article:author", "byl", "dc.creator")
    if not found["author"]:
        found["author"] = meta_author
        for node in tree.xpath('//*[@itemprop="author"] | //*[@rel="author"]')[:1]:
            name = (
                node.get("content")
                or (node.xpath('.//*[@itemprop="name"]/@content') or [""])[0]
                or node.text_content()
            )
            found["author"] = found["author"] if plausible_author(found["author"]) else str(name).strip()
    # on a fact-check (ClaimReview) the boxes classed "author" show the claimant, not the writer
    fact_check = any("claimreview" in _types(obj) for obj in _json_ld(tree))
    if not plausible_author(found["author"]) and not fact_check:
        found["author"] = _byline_element(tree)
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    found["url"] = str(canonical[0]).strip() if canonical else _meta(tree, "og:url")
    return found


_BYLINE_XPATH = " | ".join(
    f'//*[contains(@class, "{c}")]' for c in ("byline", "author", "Author", "writer", "writeBy", "kateb")
)
_BARE_PREFIXES = {"by", "كتب", "كتبت", "بقلم", "author", "الكاتب"}


def _byline_element(tree: Any) -> str:
    """The first element classed as a byline whose text is a plausible name ("By X", "كتبت X")."""
    for node in tree.xpath(_BYLINE_XPATH)[:20]:
        text = " ".join(node.text_content().split())
        if not text or fold(text).strip(":") in _BARE_PREFIXES or len(text.split()) > 7:
            continue
        name = plausible_author(text)
        if name:
            return name
    return ""


def _running_words(md: str) -> int:
    return sum(len(p.split()) for p in re.split(r"\n\s*\n|\n", md) if len(p.split()) >= 8)


def extract_html(html: str, page_url: str = "") -> Draft:
    """The article in `html` as Markdown, with what its markup says about title, date, author, source."""
    html = re.sub(r"<\?php.*?\?>", "", html, flags=re.DOTALL)  # raw PHP left in saved pages
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise NotAnArticle(f"the HTML could not be read ({exc})") from None
    meta = _metadata(tree)
    base = page_url or safe_url(meta["url"])
    md = (
        trafilatura.extract(
            html,
            url=base or None,
            output_format="markdown",
            include_links=True,
            include_formatting=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=True,
        )
        or ""
    )
    if _running_words(md) < MIN_ARTICLE_WORDS:
        raise NotAnArticle(f"found only {_running_words(md)} words of running text")
    tmeta = trafilatura.extract_metadata(tree) if not (meta["title"] and meta["site"]) else None
    site = repair_line(meta["site"] or (tmeta.sitename if tmeta and tmeta.sitename else ""))
    title = repair_line(meta["title"] or (tmeta.title if tmeta and tmeta.title else ""))
    h1 = [repair_line(h.text_content()) for h in tree.xpath("//h1")]
    title = _strip_site_suffix(title, [site] + h1[1:])
    for heading in h1:  # the page's own headline, when it is the title without a suffix
        if heading and len(heading) >= 10 and title.startswith(heading) and heading != title:
            title = heading
            break
    date = parse_iso_prefix(meta["date"]) if meta["date"] else None
    if date is None:  # htmldate, restricted to markup (no guessing from URLs or random page text)
        found = htmldate_find(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
        date = parse_iso_prefix(found) if found else None
    if date is not None and date.year < 1900:
        date = None
    author = plausible_author(meta["author"], site)

    body, related, byline_author = _body(repair(md), title, base)
    if byline_author and (not author or fold(author) in {fold(g) for g in GENERIC_AUTHORS}):
        author = byline_author
    url = page_url or safe_url(meta["url"])
    if page_url and meta["url"] and safe_url(meta["url"]) and _host(meta["url"]) == _host(page_url):
        url = safe_url(meta["url"])  # the canonical address of the page that was fetched
    return Draft(
        title=title,
        body=body,
        date=date,
        author=author,
        source_name=site,
        source_url=url,
        related=tuple(related),
    )


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


def _body(md: str, title: str, base: str) -> tuple[str, list[Related], str]:
    """Drop the repeated title and a byline line at the top; turn "read also" lines into references."""
    lines = md.replace("\r\n", "\n").split("\n")
    out: list[str] = []
    related: list[Related] = []
    author = ""
    expecting = False
    seen_text = 0
    for line in lines:
        plain = line.strip().strip("#*_ ").strip()
        if seen_text < 3 and plain:
            if fold(plain) == fold(title):
                continue
            byline = parse_byline(plain)
            if byline and byline[1] and not author:
                author = byline[1]
                continue
            seen_text += 1
        is_related, refs = related_line(line)
        if is_related:
            related.extend(refs)
            expecting = not refs
            continue
        if expecting:
            item = re.match(r"^\s*(?:[-*+]|\d+[.)])?\s*(.*)$", line).group(1)  # type: ignore[union-attr]
            refs = [r for r in _links_only(item)]
            if refs:
                related.extend(refs)
                continue
            if not line.strip():
                continue
            if re.fullmatch(r"[\w\s,،/:-]{0,30}\d{4}", line.strip()):  # the date printed under each link
                continue
            expecting = False
        out.append(line)
    body = sanitize_markdown("\n".join(out), base)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return body, related, author


def _links_only(text: str) -> list[Related]:
    """A line that is nothing but a link (a "read also" list item)."""
    m = re.fullmatch(r"\s*\[([^\]]+)\]\(\s*([^)\s]+)[^)]*\)\s*", text)
    if m and safe_url(m.group(2)):
        return [Related(" ".join(m.group(1).split()), safe_url(m.group(2)))]
    return []
