"""Stage 2: content files → SourceDoc (front matter as data, body rendered with link markers)."""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen import cache
from sitegen.bodies import Body, BodyStore, key_of
from sitegen.errors import SiteError
from sitegen.markdown import render_body_checked
from sitegen.model import Config, Lang, Slug, SourceDoc, direction
from sitegen.parallel import pmap
from sitegen.search import body_words
from sitegen.yamlio import load

FILE_RE = re.compile(r"^(?P<slug>[^.]+)\.(?P<lang>[A-Za-z-]+)\.md$")
FENCE_RE = re.compile(r"^(---|\.\.\.)[ \t]*$")


def opens_front_matter(line: str) -> bool:
    """The first line of a content file that starts front matter ('---'; '...' only closes it)."""
    return bool(FENCE_RE.match(line)) and not line.startswith("...")


def closing_fence(lines: list[str]) -> int | None:
    """The index of the line closing the front matter opened by `lines[0]`; None when it is never closed."""
    return next((i for i in range(1, len(lines)) if FENCE_RE.match(lines[i])), None)


@dataclass(frozen=True, slots=True)
class ReadResult:
    doc: SourceDoc | None
    errors: tuple[SiteError, ...] = ()
    body: Body | None = None  # from read_file; read_content moves it to the body store (bodies.py)


@dataclass(frozen=True)
class _ReadJob:
    languages: tuple[str, ...]
    allow_html: bool
    search: bool
    bodies: BodyStore


BATCH = 64  # files a worker reads, then stores their bodies in one transaction


def content_files(site_dir: Path) -> list[Path]:
    """Every Markdown file under content/articles, in a stable order."""
    root = site_dir / "content" / "articles"
    if not root.is_dir():
        return []
    found: list[Path] = []
    _scan(root, found)
    return sorted(found, key=lambda p: p.parts)  # Path order, without Path's slow comparisons (16k files)


def _scan(folder: Path, found: list[Path]) -> None:
    # os.scandir knows file from folder without a stat per file: half of rglob's time at 16k files
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _scan(folder / entry.name, found)
            elif entry.name.endswith(".md") and not entry.name.startswith(".") and entry.is_file():
                found.append(folder / entry.name)


def read_content(
    site_dir: Path,
    config: Config,
    paths: list[Path] | None = None,
    use_cache: bool = False,
    search: bool = False,
    writes: cache.Writes | None = None,
    *,
    bodies: BodyStore,
    advance: Callable[[int], None] | None = None,
) -> list[ReadResult]:
    """Read and parse every content file (on all cores for large sites); the bodies go to `bodies`,
    the results keep their keys.

    With `use_cache`, files unchanged since the last cached build are not parsed again (cache.py); with
    `writes`, the updated cache is written in the background and the caller waits for it. `advance(n)` is
    told of every n files done (a progress bar: progress.py), cache hits at once."""
    files = content_files(site_dir) if paths is None else paths
    job = _ReadJob(tuple(config.languages), config.allow_html, search, bodies)
    if not use_cache:
        bodies.prepare()  # opened before the workers fork (as below): they find its tables and WAL mode set
        return [result for _, _, result in _read_all(job, files, advance)]
    where = cache.cache_file(site_dir)
    salt = cache.salt(job.languages, job.allow_html, job.search)
    if writes is not None:
        writes.wait()  # an earlier read's cache, still being written
    bodies.prepare()
    cached = cache.load(where, salt)
    stored = bodies.keys() if cached else set()
    seen: dict[str, tuple[cache.Stamp, bytes, bytes]] = {}
    results: dict[str, ReadResult] = {}
    misses: list[Path] = []
    stamps: dict[str, cache.Stamp] = {}
    for path in files:
        key = str(path)
        hit = cached.get(key)
        try:
            stamp = cache.stamp(path)
        except OSError:
            misses.append(path)  # read_file reports it
            continue
        if hit is not None and hit[0] != stamp:  # size, time and inode as cached: not even read
            try:
                digest = cache.digest(path.read_bytes())
            except OSError:
                misses.append(path)
                continue
            hit = hit if hit[1] == digest else None  # touched or copied, not changed: still a hit
        if hit is not None:
            result = cache.result(hit)
            # an entry whose body is not in the store (removed by hand, or by another build's prune) is a miss
            if isinstance(result, ReadResult) and (result.doc is None or result.doc.body_key in stored):
                seen[key], results[key] = (stamp, hit[1], hit[2]), result
                continue
        stamps[key] = stamp
        misses.append(path)
    if advance is not None:
        advance(len(files) - len(misses))
    # a file not in the cache is read once, in the worker that parses it, which also hashes its bytes
    for path, (hashed, made, result) in zip(misses, _read_all(job, misses, advance), strict=True):
        key = str(path)
        results[key] = result
        if hashed is not None and key in stamps:
            seen[key] = (stamps[key], hashed, made)
    if misses or len(cached) != len(files) or any(seen[k][0] != cached[k][0] for k in seen):
        entries = {k: (cache.settled(st), dg, made) for k, (st, dg, made) in seen.items()}
        keys = [r.doc.body_key for r in results.values() if r.doc is not None]
        up_to = bodies.last_row()
        cache.save(where, salt, entries, writes, then=lambda: bodies.keep_only(keys, up_to))
    return [results[str(p)] for p in files]


def _read_all(
    job: _ReadJob, files: list[Path], advance: Callable[[int], None] | None = None
) -> list[tuple[bytes | None, bytes, ReadResult]]:
    """Every file read (its digest, its result pickled and unpickled), on all cores; the bodies are in the
    store.

    The workers send the results pickled, as the pool would anyway: the parse cache keeps those bytes as
    they are, and writing it costs the main process no pickling of objects. They are unpickled as each
    batch arrives, while the workers read on (after the pool, 16k results took ~0.3 s of one core)."""
    batches = [files[i : i + BATCH] for i in range(0, len(files), BATCH)]
    done: list[list[tuple[bytes | None, bytes, ReadResult]]] = [[] for _ in batches]

    def keep(i: int, batch: list[tuple[bytes | None, bytes]]) -> None:
        done[i] = [(digest, made, pickle.loads(made)) for digest, made in batch]
        if advance is not None:
            advance(len(batch))

    pmap(_read_batch, job, batches, chunksize=1, work=len(files), consume=keep)
    return [one for batch in done for one in batch]


def _read_batch(job: _ReadJob, paths: list[Path]) -> list[tuple[bytes | None, bytes]]:
    read = [_read_digest(job, path) for path in paths]
    stored = store_body(job.bodies, [result for _, result in read])
    return [
        (digest, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        for (digest, _), result in zip(read, stored, strict=True)
    ]


def store_body(bodies: BodyStore, results: list[ReadResult]) -> list[ReadResult]:
    """The results without their bodies, which are put in `bodies` (one transaction)."""
    bodies.put((r.doc.body_key, r.body) for r in results if r.doc is not None and r.body is not None)
    return [replace(r, body=None) if r.body is not None else r for r in results]


def _read_digest(job: _ReadJob, path: Path) -> tuple[bytes | None, ReadResult]:
    try:
        data = path.read_bytes()
    except OSError:
        return None, read_file(path, job.languages, job.allow_html, job.search)  # says why
    return cache.digest(data), read_file(path, job.languages, job.allow_html, job.search, data)


def front_matter(path: Path) -> str:
    """A content file's raw front matter, read again and split as `read_file` splits it; '' when it cannot
    be read. Only an error needs it, to point at a key's line: articles do not keep it (at 100k articles it
    was ~160 MB held by the build until its end)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    close = closing_fence(lines) if lines and opens_front_matter(lines[0]) else None
    return "" if close is None else "\n".join(lines[1:close])


def link_lines(path: Path, lang: str, allow_html: bool) -> tuple[int | None, ...]:
    """The file line of each internal link of the article at `path`, in order, read again: only a link
    to a missing article needs one, and finding every link's line while reading was a third of the
    Markdown time (markdown_fast.render_fast)."""
    found = read_file(path, (lang,), allow_html, link_lines=True)
    return tuple(link.line for link in found.doc.links) if found.doc is not None else ()


def decode(data: bytes, path: Path) -> tuple[str | None, SiteError | None]:
    """UTF-8 text (a BOM is dropped) or an error that says which encoding the file looks like."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        encoding = guess_encoding(data)
        guess = f" It looks like {encoding}." if encoding else ""
        return None, SiteError(
            path,
            line,
            f"this file is not UTF-8 text.{guess}",
            "open it in your editor and save it with the UTF-8 encoding (or re-import it with `sitegen import`)",
        )


def guess_encoding(data: bytes) -> str:
    """A human name for the encoding of non-UTF-8 bytes; Arabic Windows text is checked first
    because short Arabic texts fool general detectors (they guess mac-cyrillic)."""
    try:
        text = data.decode("cp1256")
        letters = [c for c in text if c.isalpha()]
        if letters and sum("\u0600" <= c <= "\u06ff" for c in letters) / len(letters) > 0.5:
            return "Windows-1256 (Arabic)"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return best.encoding.replace("_", "-") if best is not None else ""
    except Exception:  # noqa: BLE001 - the guess is a courtesy: whatever the detector raises, never fail on it
        return ""


def read_file(
    path: Path,
    languages: tuple[str, ...],
    allow_html: bool = False,
    search: bool = False,
    data: bytes | None = None,
    link_lines: bool = False,
) -> ReadResult:
    """Parse one content file (or its bytes, already read); never raises for a user mistake.
    `search`: also make its search words; `link_lines`: give every internal link its line (otherwise
    `link_lines` finds them when an error needs one)."""
    m = FILE_RE.match(path.name)
    if not m:
        return ReadResult(
            None,
            (
                SiteError(
                    path,
                    None,
                    "an article file must be named <slug>.<language>.md",
                    f"rename it, e.g. {path.stem.split('.')[0].lower() or 'my-article'}.{languages[0]}.md",
                ),
            ),
        )
    slug, lang = m.group("slug"), m.group("lang")
    errors: list[SiteError] = []
    if lang not in languages:
        errors.append(
            SiteError(
                path,
                None,
                f"unknown language suffix '.{lang}' in the file name",
                f"use one of the site's languages: {', '.join('.' + x + '.md' for x in languages)}"
                " (or add the language to `languages` in site.yaml)",
            )
        )
    try:
        data = path.read_bytes() if data is None else data
    except OSError as exc:
        return ReadResult(None, (SiteError(path, None, f"cannot read this file: {exc.strerror}"),))
    text, err = decode(data, path)
    if err is not None or text is None:
        return ReadResult(None, tuple(errors) + ((err,) if err else ()))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or not opens_front_matter(lines[0]):
        errors.append(
            SiteError(
                path,
                1,
                "the file does not start with front matter",
                "start the file with a line '---', then title: and date:, then another line '---'",
            )
        )
        return ReadResult(None, tuple(errors))
    close = closing_fence(lines)
    if close is None:
        errors.append(
            SiteError(
                path,
                1,
                "the front matter is never closed",
                "add a line with just '---' after the last front-matter line, before the article text",
            )
        )
        return ReadResult(None, tuple(errors))
    fm_text = "\n".join(lines[1:close])
    meta, problem = load(fm_text) if fm_text.strip() else ({}, None)
    if problem is not None:
        # a problem found at the end of the text (an unclosed bracket) is shown on the last line
        line = min(problem.line, close - 1) + 1 if problem.line else 1
        errors.append(SiteError(path, line, problem.message, problem.hint))
        return ReadResult(None, tuple(errors))
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        errors.append(
            SiteError(
                path,
                2,
                "the front matter must be a list of `key: value` lines",
                "write e.g. 'title: ...' and 'date: 2020-12-21' between the '---' lines",
            )
        )
        return ReadResult(None, tuple(errors))
    if errors:
        return ReadResult(None, tuple(errors))
    body_html, links, hotlinked = render_body_checked(
        "\n".join(lines[close + 1 :]), close + 1, allow_html, direction(lang) == "rtl", link_lines
    )
    body = Body(body_html, body_words(body_html) if search else "")
    warnings = tuple(
        SiteError(
            path,
            line,
            f"image on another site shown as a link: {src}",
            "save the image in static/ and link to it there: the site makes no request to another host",
            severity="warning",
        )
        for line, src in hotlinked
    )
    return ReadResult(
        SourceDoc(
            path=path,
            slug=Slug(slug),
            lang=Lang(lang),
            meta={str(k): v for k, v in meta.items()},
            fm_start=2,
            body_key=key_of(body),
            links=links,
            fm_text=fm_text,
        ),
        warnings,
        body,
    )
