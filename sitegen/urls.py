"""URL paths for every page, and the safe path segments they are made of.

Every URL the site uses is built here, so a slug, tag or name can never produce a path outside
the output folder: segments are reduced to letters, digits and hyphens before they are joined.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from functools import lru_cache
from pathlib import Path, PurePosixPath

from sitegen.arabic import MARKS
from sitegen.model import Config, URLPath

_UNSAFE = re.compile(r"[^\w-]+", re.UNICODE)
_DASHES = re.compile(r"[-_]{2,}")


@lru_cache(maxsize=65536)  # the same author, source and tag names come back on every article
def safe_segment(text: str) -> str:
    """A URL/file-name segment: lowercase letters (any script), digits and hyphens; never empty or '..'."""
    norm = unicodedata.normalize("NFKC", text).strip().lower()
    norm = MARKS.sub("", norm)  # Arabic diacritics and tatweel add nothing to a URL
    seg = _UNSAFE.sub("-", norm).replace("_", "-")
    seg = _DASHES.sub("-", seg).strip("-")[:80].strip("-")
    if not seg:
        seg = "x-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return seg


def lang_prefix(config: Config, lang: str) -> str:
    """'' for the default language (served at the site root), '/en' for the others."""
    return "" if lang == config.default_language else f"/{lang}"


def home_url(config: Config, lang: str, page: int = 1) -> URLPath:
    base = lang_prefix(config, lang) + "/"
    return URLPath(base if page == 1 else f"{base}page/{page}/")


def article_url(config: Config, lang: str, slug: str) -> URLPath:
    return URLPath(f"{lang_prefix(config, lang)}/articles/{slug}/")


def section_url(config: Config, lang: str, section: str, key: str = "", page: int = 1) -> URLPath:
    """Index and member pages of a taxonomy: /tags/, /tags/<key>/, /tags/<key>/page/2/."""
    url = f"{lang_prefix(config, lang)}/{section}/"
    if key:
        url += f"{key}/"
    if page > 1:
        url += f"page/{page}/"
    return URLPath(url)


def asset_url(path: str) -> URLPath:
    return URLPath("/" + path.lstrip("/"))


def absolute(config: Config, url: str) -> str:
    """A full URL for feeds and sitemaps (base_url may be a path only: then this is a path)."""
    base = config.base_url.rstrip("/")
    return base + url


def output_file(out: Path, url: str) -> Path:
    """The file a URL path is written to; refuses any path that would leave `out`."""
    rel = PurePosixPath(posixpath.normpath("/" + url.lstrip("/"))).relative_to("/")
    if ".." in rel.parts:
        raise ValueError(f"unsafe output path: {url!r}")
    if any((part.startswith(".") and part != ".nojekyll") or "\\" in part for part in rel.parts[:-1]):
        raise ValueError(f"unsafe output path: {url!r}")
    target = out.joinpath(*rel.parts)
    if url.endswith("/") or not rel.parts:
        target = target / "index.html"
    return target
