"""Stage: what the site adds to a draft — tag ids whose labels appear in the text, "read also" titles
linked to articles already in the site, an author id from data/authors.yaml, a summary."""

from __future__ import annotations

import re
from typing import Any

from sitegen.arabic import fold, title_key
from sitegen.importer.draft import Draft
from sitegen.importer.sanitize import plain_field
from sitegen.importer.site import SiteContext

_ARABIC_LETTER = "\u0620-\u064a\u0671-\u06d3"


def _label_pattern(label: str) -> re.Pattern[str]:
    key = re.escape(fold(label))
    if re.search(f"[{_ARABIC_LETTER}]", label):
        # Arabic words take one-letter prefixes (و ب ل ف ك): `والقصف`, `بالقصف`; `ل` + `ال` → `لل` (`للقصف`)
        alt = key
        if key.startswith("ال"):
            alt = f"(?:{key}|ل{key[2:]})"
        return re.compile(f"(?<![{_ARABIC_LETTER}])(?:[وف]?[بلك]?|[وف])?{alt}(?![{_ARABIC_LETTER}])")
    return re.compile(rf"(?<![\w]){key}(?![\w])")


def find_tags(text: str, tags: dict[str, dict[str, str]]) -> list[str]:
    """Ids of tags whose label (in any language) or id is written in `text`, in registry order."""
    key = fold(text)
    found = []
    for tag_id, labels in tags.items():
        for label in [*labels.values()]:
            if label.strip() and _label_pattern(label).search(key):
                found.append(tag_id)
                break
    return found


def resolve_related(draft: Draft, site: SiteContext) -> list[Any]:
    """`related:` entries: the slug of an article already in the site with that title, else
    {title, url}, else {title} alone (the build links it once an article with that title exists).

    Titles are compared as the build compares them (arabic.title_key), so both agree on a match."""
    by_title = {title_key(a.title): a.slug for a in site.articles if a.title}
    entries: list[Any] = []
    for ref in draft.related:
        title = plain_field(ref.title)
        slug = by_title.get(title_key(title))
        if slug:
            entry: Any = slug
        elif ref.url:
            entry = {"title": title or ref.url, "url": ref.url}
        elif title:
            entry = {"title": title}
        else:
            continue
        if entry not in entries:
            entries.append(entry)
    return entries


def author_id(name: str, site: SiteContext) -> str:
    """The id in data/authors.yaml for `name`, or the name itself."""
    return site.authors.get(fold(name), name)


def summary_of(body_md: str, limit: int = 300) -> str:
    """The first paragraph as plain text, cut after a sentence (or a word) near `limit` characters."""
    for para in body_md.split("\n\n"):
        text = para.strip()
        if not text or text.startswith(("#", "|", "```")):
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links → their text
        text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>|])", r"\1", text)  # Markdown escapes
        text = text.replace("&lt;", "<").replace("**", "")
        text = " ".join(re.sub(r"^[>*+-]\s+", "", text).split())
        if len(text.split()) < 5:
            continue
        if len(text) <= limit:
            return text
        cut = max(text.rfind(p, 0, limit) for p in (". ", "؟ ", "! ", "? "))
        if cut > limit // 3:
            return text[: cut + 1]
        return text[: text.rfind(" ", 0, limit)].rstrip(" ،,;:") + "…"
    return ""
