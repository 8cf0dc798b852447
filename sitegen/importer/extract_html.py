"""Stage: a saved (or fetched) HTML page → Draft.

trafilatura finds the article body (it beats anything hand-written on real pages, and keeps headings,
lists, quotes and links as Markdown). Metadata is read here from the page's own markup, most reliable
first, because the real samples show trafilatura's author and date guesses going wrong: a fact-check's
claimant taken as author, a logo URL as author, the UTC day instead of the page's local day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import trafilatura

from sitegen.arabic import fold
from sitegen.importer.chrome import drop_chrome
from sitegen.importer.dates import find_date
from sitegen.importer.draft import Draft, Related, related_line, safe_url
from sitegen.importer.extract_text import GENERIC_AUTHORS, parse_byline
from sitegen.importer.html_fields import choose_date, choose_title
from sitegen.importer.repair import repair, repair_line
from sitegen.importer.sanitize import escape_plain, sanitize_markdown

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


def _person_name(value: Any, nodes: dict[str, dict[str, Any]]) -> str:
    """The name of an author value: a string, a Person, a list, or an `{"@id": …}` reference to a node
    elsewhere in the page's JSON-LD (Yoast and other SEO plugins write authors as `@graph` references)."""
    if isinstance(value, list):
        names = [_person_name(v, nodes) for v in value]
        return ", ".join(n for n in names if n)
    if isinstance(value, dict):
        value = nodes.get(str(value.get("@id")), value) if set(value) == {"@id"} else value
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


_PUBLISHED_META = (
    "article:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "DC.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "date",
)


def _metadata(tree: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"title": "", "author": "", "site": "", "url": "", "dates": []}
    dates: list[str] = found["dates"]  # publication dates as the markup writes them, most reliable first
    nodes = {str(obj["@id"]): obj for obj in _json_ld(tree) if obj.get("@id")}
    for obj in _json_ld(tree):
        if not _types(obj) & ARTICLE_TYPES:
            continue
        found["title"] = found["title"] or str(obj.get("headline") or "").strip()
        dates += [str(obj[k]) for k in ("datePublished", "dateCreated") if obj.get(k)]
        found["author"] = found["author"] or _person_name(obj.get("author"), nodes)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and set(publisher) == {"@id"}:
            publisher = nodes.get(str(publisher["@id"]), publisher)
        if isinstance(publisher, dict):
            found["site"] = found["site"] or str(publisher.get("name") or "").strip()
    found["title"] = found["title"] or _meta(tree, "og:title", "twitter:title")
    found["site"] = _meta(tree, "og:site_name") or found["site"]
    dates += [v for name in _PUBLISHED_META if (v := _meta(tree, name))]
    # microdata and RDFa on ordinary elements (`<span property="dc:date" content=…>`), then <time>
    dates += [
        str(v)
        for v in tree.xpath(
            '//*[not(self::meta)][@itemprop="datePublished" or @property="dc:date" or @property="dc:created"'
            ' or @property="dcterms:created" or @property="article:published_time"]/@content'
            ' | //*[@itemprop="datePublished"]/@datetime'
        )
    ]
    # the article's own <time>, not a sidebar's list of other stories, nor its "updated" stamp
    dates += [str(v) for v in _published_times(tree)[:1]]
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


_UPDATED_CLASS = re.compile(r"updated|modified|edited", re.IGNORECASE)


def _published_times(tree: Any) -> list[str]:
    """`datetime` values of `<time>` elements, those inside an `<article>` or `<main>` first, leaving out
    ones in asides, navigation and footers and ones marked as an update."""
    times = tree.xpath(
        "//time[@datetime][not(ancestor::aside or ancestor::nav or ancestor::footer"
        ' or ancestor::*[contains(@class, "sidebar") or contains(@class, "related")])]'
    )
    times = [t for t in times if not _UPDATED_CLASS.search(f"{t.get('class', '')} {t.get('itemprop', '')}")]
    inside = [t for t in times if t.xpath("ancestor::article or ancestor::main")]
    return [str(t.get("datetime")) for t in inside + [t for t in times if t not in inside]]


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
            deduplicate=False,
        )
        or ""
    )
    if _running_words(md) < MIN_ARTICLE_WORDS:
        raise NotAnArticle(f"found only {_running_words(md)} words of running text")
    tmeta = trafilatura.extract_metadata(tree) if not (meta["title"] and meta["site"]) else None
    html_title = repair_line((tree.xpath("//title/text()") or [""])[0])
    # the page's own name for itself before trafilatura's guess (which may be a Twitter handle)
    site = (
        repair_line(meta["site"])
        or _site_from_title(html_title)
        or repair_line(tmeta.sitename if tmeta and tmeta.sitename else "")
    )
    h1 = [repair_line(h.text_content()) for h in tree.xpath("//h1")]
    title = choose_title(
        repair_line(meta["title"]),
        repair_line(_meta(tree, "og:title")),
        h1,
        html_title or repair_line(tmeta.title if tmeta and tmeta.title else ""),
        site,
    )
    date, notes = choose_date(tree, meta["dates"], title, page_url or meta["url"], _day_first(tree))
    author = plausible_author(meta["author"], site)

    md = _with_lead(tree, md, _meta(tree, "og:description", "description", "twitter:description"))
    body, related, byline_author = _body(repair(md), title, base)
    related += [r for r in _read_also_boxes(tree, base) if r not in related]
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
        notes=tuple(notes),
    )


def _day_first(tree: Any) -> bool:
    """How the page writes `02/11/2023`: month first only on US-English pages."""
    lang = str((tree.xpath("/html/@lang") or [""])[0]).lower().replace("_", "-")
    locale = _meta(tree, "og:locale").lower().replace("_", "-")
    return not (lang == "en-us" or (lang in ("", "en") and locale == "en-us"))


def _site_from_title(html_title: str) -> str:
    """`Headline - Site`: the last part of <title>, when it is short enough to be a name."""
    parts = re.split(r"\s+[-–—|]\s+", html_title)
    return parts[-1].strip() if len(parts) > 1 and len(parts[-1].split()) <= 3 else ""


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
            refs = list(_links_only(item))
            if refs:
                related.extend(refs)
                continue
            if not line.strip():
                continue
            if re.fullmatch(r"[\w\s,،/:-]{0,30}\d{4}", line.strip()):  # the date printed under each link
                continue
            expecting = False
        out.append(line)
    out, _ = drop_chrome(out)
    body = sanitize_markdown("\n".join(out), base)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return body, related, author


def _links_only(text: str) -> list[Related]:
    """A line that is nothing but a link (a "read also" list item)."""
    m = re.fullmatch(r"\s*\[([^\]]+)\]\(\s*([^)\s]+)[^)]*\)\s*", text)
    if m and safe_url(m.group(2)):
        return [Related(" ".join(m.group(1).split()), safe_url(m.group(2)))]
    return []


def _with_lead(tree: Any, md: str, description: str) -> str:
    """`md` with the article's lead paragraph first, when the extractor dropped it: many sites set the
    lead apart (its own box, larger type), and the page's description is where it is repeated."""
    start = " ".join(repair_line(description).split()[:8])
    if len(start.split()) < 8 or fold(start) in fold(" ".join(md.split())):
        return md
    for node in tree.xpath("//body//*[self::p or self::div or self::span or self::h2]"):
        text = repair_line(node.text_content())
        if fold(text).startswith(fold(start)) and 12 <= len(text.split()) <= 150:
            return escape_plain(text) + "\n\n" + md
    return md


_READ_ALSO = re.compile(
    r"^\s*(?:[اإأ]قرأ\s+[أا]يض[اًا]*|read\s+(?:also|more)|see\s+also)\s*[:：]?\s*$", re.IGNORECASE
)


def _read_also_boxes(tree: Any, base: str) -> list[Related]:
    """Links of a "read also" box set apart from the text (a heading, then a list of headlines)."""
    found: list[Related] = []
    # only elements whose own text could be the label (a cheap filter before the exact pattern)
    for label in tree.xpath(
        '//body//text()[contains(., "يض") or contains(., "ead also") or contains(., "ead more")'
        ' or contains(., "ee also")]/..'
    ):
        if not _READ_ALSO.match(label.text_content()):
            continue
        box = label
        for _ in range(4):  # up to the block that holds both the label and its links
            box = box.getparent()
            if box is None:
                break
            links = [a for a in box.xpath(".//a[@href]") if len(a.text_content().split()) >= 3]
            if links:
                for a in links[:8]:
                    url = safe_url(a.get("href", ""), base)
                    ref = Related(" ".join(repair_line(a.text_content()).split()), url)
                    if find_date(ref.title) and len(ref.title.split()) <= 4:
                        continue  # the date printed under each headline, linked too
                    if url and url not in {r.url for r in found}:
                        found.append(ref)
                break
    return found
