"""Translations that lag: which articles lack a version in a language, which translations were made from an
older state of their original, which tags and authors lack a label in a language.

How a translation knows what it was made from: `translated_from_hash`, a hash of the original's body as
normalized text, stored in the translation's front matter (written by `sitegen import --translation-of` and by
`sitegen check --fix-hashes`). A hash, not a date: a git clone gives every file the time of the checkout,
so file times say nothing, and dates from git history need the whole history (CI clones one commit) and
change with a rebase. Normalization (whitespace, Arabic spelling variants as `arabic.normalize` folds them)
keeps re-wrapping a paragraph or adding tashkeel from flagging every translation.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.arabic import normalize
from sitegen.check.findings import Finding
from sitegen.check.texts import RawFile, read_raw
from sitegen.errors import SiteError
from sitegen.fields import HASH_FIELD
from sitegen.graph import Graph
from sitegen.model import Article, Lang, Site, Slug
from sitegen.read import front_matter

FIELD = HASH_FIELD


def body_hash(body: str) -> str:
    """16 hex digits (64 bits: enough to notice a change, short enough to read in front matter)."""
    text = " ".join(normalize(body).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def original_hash(path: Path) -> str:
    """The hash of an original's body as a new translation records it; '' when it cannot be read."""
    raw = read_raw(path)
    return body_hash(raw.body) if raw is not None else ""


def stored_hash(article: Article) -> str | None:
    """The hash recorded in the translation's front matter; None when there is none."""
    return article.translated_from_hash


@dataclass(frozen=True)
class TranslationState:
    """One article version's translation state: what the status page and the data export show."""

    slug: Slug
    lang: Lang
    state: str  # "original", "current", "outdated", "unknown" (no hash recorded)
    original: Lang | None


def translation_states(
    site: Site, graph: Graph, raw: dict[Path, RawFile | None] | None = None
) -> dict[tuple[Slug, Lang], TranslationState]:
    """The state of every article version; originals' bodies are read (once) only for translations.

    A build computes them once, when it plans its pages (pages.py gives them to the status pages and the
    data export): ~1 s at 10k articles."""
    return _states(graph, {} if raw is None else raw)


def _states(graph: Graph, cache: dict[Path, RawFile | None]) -> dict[tuple[Slug, Lang], TranslationState]:
    states: dict[tuple[Slug, Lang], TranslationState] = {}
    for slug, versions in graph.versions.items():
        for lang, article in versions.items():
            source = article.translated_from
            if not source or source == lang or source not in versions:
                states[(slug, lang)] = TranslationState(slug, lang, "original", None)
                continue
            original = versions[Lang(source)]
            recorded = stored_hash(article)
            if recorded is None:
                state = "unknown"
            else:
                body = _raw(cache, original.source_path)
                state = (
                    "unknown"
                    if body is None
                    else "current"
                    if body_hash(body.body) == recorded
                    else "outdated"
                )
            states[(slug, lang)] = TranslationState(slug, lang, state, Lang(source))
    return states


def _raw(cache: dict[Path, RawFile | None], path: Path) -> RawFile | None:
    if path not in cache:
        cache[path] = read_raw(path)
    return cache[path]


def missing_translations(site: Site, graph: Graph) -> dict[Lang, list[Slug]]:
    """For each language, the slugs (newest first) with no version in it."""
    return {lang: [s for s in graph.order if lang not in graph.versions[s]] for lang in site.config.languages}


def check_translations(
    site: Site, graph: Graph, states: dict[tuple[Slug, Lang], TranslationState]
) -> list[Finding]:
    findings: list[Finding] = []
    for (slug, lang), st in sorted(states.items()):
        article = graph.versions[slug][lang]
        if st.original is None:
            continue
        original = graph.versions[slug][st.original]
        if st.state == "outdated":
            findings.append(
                Finding(
                    "translations",
                    SiteError(
                        article.source_path,
                        _field_line(article),
                        f"this translation may be out of date: {original.source_path.name} changed after it was translated",
                        f"compare the two, update the translation, then record it as current: "
                        f"sitegen check --fix-hashes --slug {slug}",
                        "warning",
                    ),
                )
            )
        elif st.state == "unknown":
            findings.append(
                Finding(
                    "translations",
                    SiteError(
                        article.source_path,
                        _field_line(article),
                        f"no record of which state of {original.source_path.name} this translation was made from",
                        "if the translation is current, record it: sitegen check --fix-hashes",
                        "warning",
                    ),
                    note=True,
                )
            )
    for lang, slugs in missing_translations(site, graph).items():
        for slug in slugs:
            some = next(iter(graph.versions[slug].values()))
            findings.append(
                Finding(
                    "translations",
                    SiteError(
                        some.source_path,
                        None,
                        f"no {lang} version of this article",
                        f"translate it into {slug}.{lang}.md (with translated_from: {some.lang})",
                        "warning",
                    ),
                    note=True,
                )
            )
    return findings


def _field_line(article: Article) -> int:
    """The line of `translated_from_hash` (or `translated_from`) in the file."""
    fm_text = front_matter(article.source_path)
    for key in (FIELD, "translated_from"):
        m = re.search(rf"^{key}:", fm_text, re.MULTILINE)
        if m:
            return article.fm_start + fm_text.count("\n", 0, m.start())
    return 1


def check_labels(site: Site, graph: Graph) -> list[Finding]:
    """Tags and authors used in the archive that have no label in one of the site's languages."""
    languages = site.config.languages
    tags_file = site.config.site_dir / "data" / "tags.yaml"
    authors_file = site.config.site_dir / "data" / "authors.yaml"
    findings: list[Finding] = []
    tag_lines = _key_lines(tags_file)
    for tid in sorted(graph.by_tag):
        tag = site.tags.get(tid)
        if tag is None:
            continue
        missing = [lang for lang in languages if not tag.labels.get(lang)]
        if not missing:
            continue
        if tag.registered:  # a tag not in tags.yaml is already a warning of the build's own
            findings.append(
                Finding(
                    "labels",
                    SiteError(
                        tags_file,
                        tag_lines.get(tid),
                        f"tag '{tid}' has no label in {', '.join(missing)}",
                        f"add it under '{tid}:' in data/tags.yaml, e.g. {missing[0]}: ...",
                        "warning",
                    ),
                )
            )
    author_lines = _key_lines(authors_file)
    for aid in sorted(graph.by_author):
        author = site.authors.get(aid)
        if author is None or not author.registered or "*" in author.names:
            continue  # a name written once is the same in every language
        missing = [lang for lang in languages if not author.names.get(lang)]
        if missing:
            findings.append(
                Finding(
                    "labels",
                    SiteError(
                        authors_file,
                        author_lines.get(aid),
                        f"author '{aid}' has no name in {', '.join(missing)}",
                        f"add it under '{aid}: name:' in data/authors.yaml, e.g. {missing[0]}: ...",
                        "warning",
                    ),
                )
            )
    return findings


def _key_lines(path: Path) -> dict[str, int]:
    from sitegen.yamlio import key_lines

    try:
        return key_lines(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return {}


def set_field(text: str, fm_end: int, key: str, value: str) -> str:
    """The file text with `key: value` set in its front matter, every other line (comments, quoting, order)
    as it was: the key's line is replaced, or one line is added before the closing '---'."""
    lines = text.split("\n")
    pattern = re.compile(rf"^{re.escape(key)}:(?:[ \t]|$)")
    for i in range(1, fm_end):
        if pattern.match(lines[i]):
            lines[i] = f"{key}: {value}"
            return "\n".join(lines)
    lines.insert(fm_end, f"{key}: {value}")
    return "\n".join(lines)


def fix_hashes(
    graph: Graph, states: dict[tuple[Slug, Lang], TranslationState], only: set[str] | None = None
) -> list[Path]:
    """Record the original's current hash in each translation whose hash is missing or differs (those the
    user has reviewed: all, or the slugs in `only`); returns the files changed."""
    changed: list[Path] = []
    for (slug, lang), st in sorted(states.items()):
        if st.original is None or st.state == "current" or (only is not None and slug not in only):
            continue
        translation = graph.versions[slug][lang]
        original = read_raw(graph.versions[slug][st.original].source_path)
        mine = read_raw(translation.source_path)
        if original is None or mine is None:
            continue
        text = set_field(mine.text, mine.fm_end, FIELD, body_hash(original.body))
        _write_keeping_endings(translation.source_path, text)
        changed.append(translation.source_path)
    return changed


def _write_keeping_endings(path: Path, text: str) -> None:
    """Write back with the file's own line endings and byte-order mark, atomically."""
    import os
    import tempfile

    data = path.read_bytes()
    mode = path.stat().st_mode & 0o7777
    if b"\r\n" in data:
        text = text.replace("\n", "\r\n")
    encoded = ("\ufeff" if data.startswith(b"\xef\xbb\xbf") else "") + text
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(encoded)
        os.chmod(tmp, mode)  # mkstemp makes it private; the article keeps its own permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
