"""The import pipeline for one input, in order:

    load (fetch.py) → decode (fetch.py) → extract (extract_text.py | extract_html.py, both repair.py)
    → enrich (enrich.py) → slug (slug.py) → front matter (frontmatter.py)

`prepare` runs it and returns the ArticleFile to write; it raises ImportProblem for anything the user
must fix. Writing (and refusing to overwrite) is command.py's job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sitegen.check.translations import original_hash
from sitegen.importer.bylines import dateline_agency, sort_byline
from sitegen.importer.dates import date_in_url
from sitegen.importer.draft import Draft
from sitegen.importer.enrich import author_id, find_tags, resolve_related, summary_of
from sitegen.importer.extract_html import NotAnArticle, extract_html
from sitegen.importer.extract_text import extract_text
from sitegen.importer.fetch import ImportProblem, Loaded, decode
from sitegen.importer.frontmatter import ArticleFile, build_meta
from sitegen.importer.repair import arabic_share
from sitegen.importer.sanitize import plain_field
from sitegen.importer.site import SiteContext
from sitegen.importer.slug import choose_slug


@dataclass(frozen=True)
class Options:
    lang: str = ""  # '' → guessed from the text
    translation_of: str = ""
    slug: str = ""
    tags: tuple[str, ...] = ()  # tag ids, already checked against data/tags.yaml
    date: dt.date | None = None
    today: dt.date = field(default_factory=dt.date.today)  # the day of the import, not of the module's import


@dataclass(frozen=True)
class Prepared:
    article: ArticleFile
    notes: tuple[str, ...]
    sha256: str


def extract(loaded: Loaded) -> tuple[Draft, list[str]]:
    """The draft found in one input, and notes for the user (encoding, guesses)."""
    decoded = decode(loaded)
    notes = [decoded.note] if decoded.note else []
    if loaded.is_html:
        try:
            draft = extract_html(decoded.text, loaded.url)
        except NotAnArticle as exc:
            raise ImportProblem(
                f"this page does not look like an article: {exc}",
                "import the article's own page (not a home page, list or directory), "
                "or copy the article's text into a .txt file and import that",
            ) from None
    else:
        try:
            draft = extract_text(decoded.text)
        except ValueError:
            raise ImportProblem(
                "could not find a title in this text", "put the article's title on the first line"
            ) from None
        if loaded.url:
            draft = Draft(**{**draft.__dict__, "source_url": loaded.url})
        if len(draft.body.split()) < 20:
            raise ImportProblem(
                f"this text does not look like an article: only {len(draft.body.split())} words after the title",
                "check that the file holds the article's text, not just a headline or a menu",
            )
    draft = Draft(
        **{
            **draft.__dict__,
            "title": plain_field(draft.title),
            "author": plain_field(draft.author),
            "source_name": plain_field(draft.source_name),
        }
    )
    if not draft.title:
        raise ImportProblem(
            "could not find the article's title", "put the title on the first line of the text"
        )
    return draft, notes + list(draft.notes)


def prepare(loaded: Loaded, options: Options, site: SiteContext) -> Prepared:
    draft, notes = extract(loaded)

    lang = options.lang
    if not lang:
        lang = "ar" if arabic_share(draft.title + " " + draft.body) >= 0.3 else "en"
        notes.append(f"language: {lang} (guessed from the text; use --lang to choose)")

    translated_from = ""
    if draft.date is None and draft.source_url and (from_url := date_in_url(draft.source_url)):
        notes.append(f"date {from_url} read from the page's address (the text shows none): check it")
        draft = Draft(**{**draft.__dict__, "date": from_url})
    translated_from_hash = ""
    date = draft.date or options.date
    if options.date and not draft.date:
        notes.append(f"date: none found in the input; --date {options.date} used")
    if options.date and draft.date and options.date != draft.date:
        notes.append(f"--date {options.date} used instead of the date in the page ({draft.date})")
        date = options.date
    if options.translation_of:
        originals = [a for a in site.articles if a.slug == options.translation_of and a.lang != lang]
        if originals:
            translated_from = originals[0].lang
            translated_from_hash = original_hash(originals[0].path)
    if date is None:
        seen = "".join(f" ({n})" for n in notes if "Hijri" in n)
        raise ImportProblem(
            "no publication date found in this input" + seen,
            "pass the date the article was published: --date YYYY-MM-DD (sitegen never guesses one)",
        )

    slug = choose_slug(options.translation_of or options.slug, draft.source_url, draft.title)
    if not slug:
        raise ImportProblem(
            "could not make a slug from the URL or the title", "choose one with --slug my-article"
        )

    text = f"{draft.title}\n{draft.body}"
    tags = list(options.tags) + [t for t in find_tags(text, site.tags) if t not in options.tags]
    related = resolve_related(draft, site)
    titles_only = sum(1 for r in related if isinstance(r, dict) and "url" not in r)
    if titles_only:
        notes.append(
            f"{titles_only} 'read also' title(s) without a link kept in `related:` by title: "
            "the build links them to an article with that title, if there is one"
        )
    authors, source_name = sort_byline(draft.author, draft.source_name, draft.source_name)
    authors = [author_id(a, site) for a in authors]
    source_name = source_name or dateline_agency(draft.body.lstrip().split("\n", 1)[0])
    sha256 = hashlib.sha256(loaded.raw).hexdigest()
    meta = build_meta(
        title=draft.title,
        date=date,
        author=authors[0] if len(authors) == 1 else authors,
        source_name=source_name,
        source_url=draft.source_url,
        accessed=draft.accessed or options.today,
        sha256=sha256,
        tags=tags,
        related=related,
        summary=plain_field(summary_of(draft.body)),
        translated_from=translated_from,
    )
    if (
        translated_from_hash
    ):  # what `sitegen check` compares to tell a translation that lags (check/translations.py)
        meta["translated_from_hash"] = translated_from_hash
    return Prepared(ArticleFile(slug, lang, meta, draft.body), tuple(notes), sha256)
