#!/usr/bin/env python3
"""What the bytes of a built site are made of: per part of the article pages, per kind of listing page
(tags, authors, sources, home, timeline: what one entry costs, what repeats on every page), per kind of file.

Usage: python bench/page_bytes.py PUBLIC_DIR

The parts are found by the theme's own markup (sitegen/theme/templates), so this measures the default
theme only. Bytes are UTF-8 bytes; "per page" is the mean over every article page.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

PARTS = [  # (name, pattern); each match is counted once, in this order, and cut out before the next
    ("hidden search words", r"<div data-pagefind-body hidden>.*?</div>"),
    ("JSON-LD", r'<script type="application/ld\+json">.*?</script>'),
    ("citation_* meta", r'<meta name="citation_[^>]*>\n?'),
    ("Open Graph meta", r'<meta property="(?:og|article):[^>]*>\n?'),
    (
        ".bib/.ris links (head)",
        r'<link rel="alternate" type="application/x-(?:bibtex|research-info-systems)"[^>]*>\n?',
    ),
    ("rest of head", r"<head>.*?</head>"),
    ("search filters", r"<div hidden data-pagefind-ignore>.*?</div>"),
    ("backlinks", r'<section class="backlinks".*?</section>'),
    ("related", r'<section class="related".*?</section>'),
    ("citation block", r'<section class="cite".*?</section>'),
    ("provenance", r'<section class="provenance".*?</section>'),
    ("article body", r'<div class="article-body">.*?</div>\s*</div>'),
    ("site header and nav", r'<header class="site-header">.*?</header>'),
    ("footer", r'<footer class="site-footer">.*?</footer>'),
]


LIST_PARTS = [  # (name, pattern) on every page that is not an article page; counted like PARTS
    # both patterns match the markup before and after the theme dropped the entries' classes
    ("list entries", r'<li(?: class="entry")?>\s*<h2.*?</li>'),
    # a tag's, author's or source's list: a title and a date a line (_title_entry.html)
    (
        "title entries",
        r'<li><a [^>]*>(?:(?!</li>).)*?</a>(?: <span class="lang-marker">[^<]*</span>)? <time [^>]*>[^<]*</time></li>',
    ),
    ("timeline entries", r'<li(?: class="[^"]*")?>\s*<time datetime.*?</li>'),
    ("charts (inline SVG)", r"<svg.*?</svg>"),
    ("head", r"<head>.*?</head>"),
    ("site header and nav", r'<header class="site-header">.*?</header>'),
    ("footer", r'<footer class="site-footer">.*?</footer>'),
    ("pagination", r'<nav class="pagination".*?</nav>'),
]


def listing_pages(site: Path) -> None:
    """Per kind of listing page (its <body class="page-KIND">): files, bytes per page, and what each part
    costs; "x N" is how many entries there are and the bytes of one on average."""
    by_kind: dict[str, Counter[str]] = {}
    counts: dict[str, Counter[str]] = {}
    for path in site.rglob("*.html"):
        if "articles" in path.relative_to(site).parts[:-1]:
            continue
        text = path.read_text(encoding="utf-8")
        found_kind = re.search(r'<body class="page-([\w-]+)', text)
        kind = found_kind.group(1) if found_kind else "other"
        parts = by_kind.setdefault(kind, Counter())
        n = counts.setdefault(kind, Counter())
        parts["total"] += len(text.encode())
        n["pages"] += 1
        for name, pattern in LIST_PARTS:
            found = re.findall(pattern, text, re.DOTALL)
            parts[name] += sum(len(m.encode()) for m in found)
            n[name] += len(found)
            text = re.sub(pattern, "", text, flags=re.DOTALL)
        parts["everything else"] += len(text.encode())
    print("listing pages, per kind:")
    for kind, parts in sorted(by_kind.items(), key=lambda kv: -kv[1]["total"]):
        pages = counts[kind]["pages"]
        print(
            f"  {kind:14} {pages:6,} pages {parts['total'] / 1e6:7.1f} MB {parts['total'] / pages:9,.0f} B/page"
        )
        for name, size in parts.most_common():
            if name == "total" or not size:
                continue
            many = counts[kind][name]
            each = f"x {many:7,} of {size / many:5,.0f} B" if many > pages else f"{size / pages:8,.0f} B/page"
            print(f"      {name:22} {size / 1e6:7.1f} MB  {each}")


def main() -> None:
    site = Path(sys.argv[1])
    pages = sorted(site.glob("**/articles/*/index.html"))
    parts: Counter[str] = Counter()
    total = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        total += len(text.encode())
        for name, pattern in PARTS:
            found = re.findall(pattern, text, re.DOTALL)
            parts[name] += sum(len(m.encode()) for m in found)
            text = re.sub(pattern, "", text, flags=re.DOTALL)
        parts["everything else"] += len(text.encode())
    n = max(len(pages), 1)
    print(f"{len(pages)} article pages, {total / n:,.0f} bytes per page on average")
    for name, size in parts.most_common():
        print(f"  {name:28} {size / n:8,.0f} B  {size / max(total, 1):6.1%}")
    listing_pages(site)
    kinds: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for path in site.rglob("*"):
        if path.is_file():
            rel = path.relative_to(site)
            kind = (
                "article pages"
                if path.name == "index.html" and "articles" in rel.parts[:-1]
                else "search index"
                if rel.parts[0].startswith("pagefind")
                else "citation files"
                if path.name.startswith("cite.")
                else "other pages"
                if path.suffix == ".html"
                else f"other {path.suffix or 'files'}"
            )
            kinds[kind] += path.stat().st_size
            counts[kind] += 1
    print(f"site: {sum(kinds.values()) / 1e6:,.1f} MB in {sum(counts.values()):,} files")
    for kind, size in kinds.most_common():
        print(f"  {kind:20} {size / 1e6:9,.1f} MB {counts[kind]:8,} files")


if __name__ == "__main__":
    main()
