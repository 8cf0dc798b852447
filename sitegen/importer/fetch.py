"""Stage: read one input (a file or a URL) as bytes, then decode it, saying which encoding it was."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from sitegen import __version__

TIMEOUT_SECONDS = 20
MAX_BYTES = 20 * 1024 * 1024  # a news article is far smaller; this stops a runaway download
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx")


class ImportProblem(Exception):
    """A mistake or an unusable input, told in plain words, with how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Loaded:
    """The original bytes of one input and what is known about where they came from."""

    label: str  # what the user typed (shown in messages)
    raw: bytes
    url: str = ""  # the address it was fetched from, after redirects
    is_html: bool = False


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a name users recognise: utf-8, windows-1256…
    note: str = ""  # said to the user when the encoding was not plain UTF-8


def is_url(source: str) -> bool:
    return bool(re.match(r"^https?://", source, re.IGNORECASE))


def looks_like_html(raw: bytes) -> bool:
    head = raw[:4096].lower()
    return b"<html" in head or b"<!doctype html" in head or (b"<body" in head and b"</" in head)


def read_file(path: Path) -> Loaded:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):/", str(path), re.IGNORECASE)
        if scheme and len(scheme.group(1)) > 1:  # not a Windows drive (C:/)
            raise ImportProblem(
                f"{scheme.group(1)}: addresses cannot be imported, only http:// and https:// ones",
                "open the article in a browser, save the page, and import the saved file",
            ) from None
        raise ImportProblem(f"no such file: {path}", "check the spelling of the path") from None
    except IsADirectoryError:
        raise ImportProblem(
            f"{path} is a folder", "pass the folder itself to import every file in it"
        ) from None
    except PermissionError:
        raise ImportProblem(
            f"cannot read {path}: permission denied", "check the file's permissions"
        ) from None
    if not raw.strip():
        raise ImportProblem("the file is empty", "save the article's text into it first")
    html = path.suffix.lower() in HTML_SUFFIXES or (
        path.suffix.lower() not in TEXT_SUFFIXES and looks_like_html(raw)
    )
    return Loaded(str(path), raw, "", html)


def fetch_url(url: str, timeout: float = TIMEOUT_SECONDS) -> Loaded:
    """Download `url` with a timeout; every failure becomes an ImportProblem saying what happened."""
    request = urllib.request.Request(url, headers={"User-Agent": f"sitegen/{__version__} (archive import)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read(MAX_BYTES + 1)
            final_url = response.geturl()
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise ImportProblem(
            f"the server answered {exc.code} {exc.reason} for {url}",
            "check the address in a browser; save the page as HTML and import the file",
        ) from None
    except urllib.error.URLError as exc:
        raise ImportProblem(
            f"could not reach {url}: {exc.reason}",
            "check the address and your connection, or save the page and import the file",
        ) from None
    except TimeoutError:
        raise ImportProblem(
            f"{url} did not answer within {timeout:g} seconds",
            "try again later, or save the page in a browser and import the file",
        ) from None
    except OSError as exc:
        raise ImportProblem(f"could not download {url}: {exc}", "save the page and import the file") from None
    if len(raw) > MAX_BYTES:
        raise ImportProblem(f"{url} is larger than {MAX_BYTES // 1_000_000} MB: not an article page")
    if not raw.strip():
        raise ImportProblem(f"{url} returned an empty page")
    html = "html" in content_type.lower() or looks_like_html(raw)
    return Loaded(url, raw, final_url, html)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_FRIENDLY = {"cp1256": "windows-1256", "windows-1256": "windows-1256", "utf_8": "utf-8", "utf-8": "utf-8"}


def decode(loaded: Loaded) -> Decoded:
    """UTF-8 (with or without BOM) first; then the page's own declaration; then detection."""
    raw = loaded.raw
    if raw.startswith(b"\xef\xbb\xbf"):
        return Decoded(raw[3:].decode("utf-8", errors="replace"), "utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(raw.decode("utf-16"), "utf-16", "the file is UTF-16 text")
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(raw[:8192]) if loaded.is_html else None
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            text = raw.decode(name)
            shown = _FRIENDLY.get(name.replace("_", "-"), name)
            return Decoded(
                text, shown, f"the page is encoded as {shown} (as it declares); converted to UTF-8"
            )
        except (LookupError, UnicodeDecodeError):
            pass
    best = charset_normalizer.from_bytes(raw).best()
    if best is None:
        raise ImportProblem(
            "this file is not text (could not tell its encoding)",
            "import the saved .html or .txt copy of the article",
        )
    name = _FRIENDLY.get(best.encoding.replace("_", "-"), best.encoding)
    return Decoded(str(best), name, f"the file is encoded as {name} (detected); converted to UTF-8")
