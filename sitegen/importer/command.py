"""Turn raw articles (copied text, saved HTML, a URL) into content/articles/<slug>.<lang>.md.

Each input becomes one Markdown file with front matter (title, date, author, source, tags, related,
summary) that `sitegen build` accepts without edits. Existing files are never overwritten without --force.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from sitegen.arabic import fold
from sitegen.errors import SiteError, did_you_mean
from sitegen.importer import summary
from sitegen.importer.fetch import HTML_SUFFIXES, TEXT_SUFFIXES, ImportProblem, fetch_url, is_url, read_file
from sitegen.importer.frontmatter import render
from sitegen.importer.pipeline import Options, Prepared, prepare
from sitegen.importer.site import SiteContext, load_site
from sitegen.importer.slug import is_valid, slugify

# .md is left out of folders: a folder of notes or a README is not a batch of articles to import
FOLDER_SUFFIXES = tuple(s for s in TEXT_SUFFIXES + HTML_SUFFIXES if s != ".md")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help="a .txt or .html file, a folder of them, or an http(s) address",
    )
    parser.add_argument("--lang", help="language of the article: ar, en… (default: guessed from the text)")
    parser.add_argument(
        "--translation-of",
        metavar="SLUG",
        help="this is a translation of the article SLUG (it gets the same slug)",
    )
    parser.add_argument("--slug", help="the slug (file and URL name) to use, e.g. ain-issa-withdrawal")
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="add a tag from data/tags.yaml (repeat for several)",
    )
    parser.add_argument("--date", metavar="YYYY-MM-DD", help="publication date, for inputs that show none")
    parser.add_argument("--force", action="store_true", help="overwrite articles that already exist")
    parser.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    parser.add_argument(
        "-o",
        "--output",
        default="content/articles",
        metavar="FOLDER",
        help="where to write the articles (default: content/articles)",
    )
    parser.add_argument(
        "--summary",
        metavar="FILE.csv",
        help="where to write a batch's summary (default: import-summary-<time>.csv beside the "
        "output folder; an existing FILE is overwritten only with --force)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only failures: no progress bar, no per-file lines, no summary table",
    )


@dataclass(frozen=True)
class Outcome:
    label: str
    status: str  # imported | skipped | failed | dry-run
    path: Path | None = None
    message: str = ""
    hint: str = ""
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] | None = None  # the front matter written (or that would be)


def _usage_error(message: str, hint: str = "") -> int:
    print(
        SiteError(None, None, message, hint).format().replace("site: ", "sitegen import: ", 1),
        file=sys.stderr,
    )
    return 2


def _expand(sources: list[str]) -> list[str]:
    """Files and URLs in the order given; a folder becomes its .txt/.html files (sorted, hidden skipped)."""
    items: list[str] = []
    for source in sources:
        path = Path(source)
        if not is_url(source) and path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FOLDER_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            items.extend(str(p) for p in found)
        else:
            items.append(source)
    return items


def _check_options(args: argparse.Namespace, site: SiteContext, count: int) -> Options | int:
    """Options, or the exit code after telling the user what is wrong with them."""
    lang = (args.lang or "").strip().lower()
    if lang and not LANG_RE.match(lang):
        return _usage_error(f"--lang {args.lang!r} is not a language code", "use a code like ar or en")
    slug = (args.slug or "").strip()
    if slug and not is_valid(slug):
        better = slugify(slug) or "my-article"
        return _usage_error(
            f"--slug {slug!r} is not a valid slug: use lowercase a-z, digits and hyphens",
            f"for example --slug {better}",
        )
    if (slug or args.translation_of) and count > 1:
        return _usage_error(
            "--slug and --translation-of name one article, but several inputs were given",
            "import the files one at a time with these options",
        )
    if slug and args.translation_of:
        return _usage_error(
            "--slug and --translation-of cannot be used together",
            "a translation takes the slug of the article it translates",
        )
    translation_of = (args.translation_of or "").strip()
    if translation_of:
        slugs = sorted({a.slug for a in site.articles})
        originals = [a for a in site.articles if a.slug == translation_of]
        if not originals:
            return _usage_error(
                f"--translation-of: there is no article '{translation_of}' in {site.out_dir}",
                did_you_mean(translation_of, slugs) or "import the original article first",
            )
        if lang and any(a.lang == lang for a in originals):
            return _usage_error(
                f"'{translation_of}' already exists in '{lang}'",
                "give the translation's language with --lang (for example --lang en)",
            )
    date = None
    if args.date:
        try:
            date = dt.date.fromisoformat(args.date.strip())
        except ValueError:
            return _usage_error(
                f"--date {args.date!r} is not a date", "write it as YYYY-MM-DD, e.g. 2020-12-21"
            )
    tags: list[str] = []
    labels = {fold(label): tid for tid, ls in site.tags.items() for label in [tid, *ls.values()]}
    for tag in args.tag:
        tid = labels.get(fold(tag))
        if tid is None:
            known = [t for tid, ls in site.tags.items() for t in [tid, *ls.values()]]
            return _usage_error(
                f"--tag {tag!r} is not in {site.site_dir / 'data' / 'tags.yaml'}",
                did_you_mean(tag, known) or "add it to data/tags.yaml with a label per language",
            )
        if tid not in tags:
            tags.append(tid)
    return Options(
        lang=lang,
        translation_of=translation_of,
        slug=slug,
        tags=tuple(tags),
        date=date,
        today=dt.date.today(),
    )


def _write(path: Path, text: str, force: bool) -> bool:
    """Write atomically (a temporary file beside the target, then rename); False if it exists and not force."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if force:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the target exists, even if it appeared a moment ago
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class _Batch:
    """Imports inputs one by one, keeping slugs unique within the batch and against existing files."""

    def __init__(self, site: SiteContext, options: Options, force: bool, dry_run: bool):
        self.site, self.options, self.force, self.dry_run = site, options, force, dry_run
        self.out = site.out_dir.resolve()
        self.taken: dict[tuple[str, str], str] = {}  # (slug, lang) -> sha256 written in this batch

    def one(self, label: str) -> Outcome:
        try:
            loaded = fetch_url(label) if is_url(label) else read_file(Path(label))
            prepared = prepare(loaded, self.options, self.site)
        except ImportProblem as exc:
            return Outcome(label, "failed", message=exc.message, hint=exc.hint)
        return self._place(label, prepared)

    def _existing_sha(self, slug: str, lang: str) -> str | None:
        if (slug, lang) in self.taken:
            return self.taken[(slug, lang)]
        for a in self.site.articles:
            if a.slug == slug and a.lang == lang:
                return a.sha256
        return None if not (self.out / f"{slug}.{lang}.md").exists() else ""

    def _place(self, label: str, prepared: Prepared) -> Outcome:
        article = prepared.article
        slug, lang = article.slug, article.lang
        auto = not (self.options.slug or self.options.translation_of)
        existing = self._existing_sha(slug, lang)
        if existing is not None and existing != prepared.sha256 and auto and not self.force:
            # another article already has this slug: number this one (stable for this input)
            n = 2
            while (sha := self._existing_sha(f"{slug}-{n}", lang)) is not None and sha != prepared.sha256:
                n += 1
            slug, existing = f"{slug}-{n}", sha
        path = self.out / f"{slug}.{lang}.md"
        if path.parent != self.out or not is_valid(slug) or not LANG_RE.match(lang):
            return Outcome(label, "failed", message=f"refusing to write outside {self.out}: {path}")
        notes = prepared.notes
        if existing is not None and not self.force:
            same = existing == prepared.sha256
            return Outcome(
                label,
                "skipped",
                path,
                "already imported" if same else f"{path.name} already exists",
                "use --force to overwrite it",
                notes,
                article.meta,
            )
        self.taken[(slug, lang)] = prepared.sha256
        text = render(type(article)(slug, lang, article.meta, article.body))
        if self.dry_run:
            return Outcome(label, "dry-run", path, text, notes=notes, meta=article.meta)
        if not _write(path, text, self.force):
            return Outcome(
                label,
                "skipped",
                path,
                f"{path.name} already exists",
                "use --force to overwrite it",
                meta=article.meta,
            )
        return Outcome(label, "imported", path, notes=notes, meta=article.meta)


def _report(outcome: Outcome, cwd: Path, out: Console, err: Console, quiet: bool) -> None:
    shown = outcome.path
    if shown is not None:
        try:
            shown = shown.relative_to(cwd)
        except ValueError:
            pass
    if quiet and outcome.status != "failed":
        return
    if outcome.status == "imported":
        out.print(f"imported  {outcome.label} → {shown}", markup=False, highlight=False)
    elif outcome.status == "dry-run":
        out.print(f"would write {shown} (from {outcome.label}):", markup=False, highlight=False)
        out.print(outcome.message, markup=False, highlight=False)
    elif outcome.status == "skipped":
        out.print(
            f"skipped   {outcome.label}: {outcome.message} ({shown}); {outcome.hint}",
            markup=False,
            highlight=False,
        )
    else:
        err.print(f"failed    {outcome.label}: {outcome.message}", markup=False, highlight=False)
        if outcome.hint:
            err.print(f"    hint: {outcome.hint}", markup=False, highlight=False)
    for note in () if quiet else outcome.notes:
        out.print(f"    note: {note}", markup=False, highlight=False)


def run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    out_dir = (cwd / args.output).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        return _usage_error(
            f"-o {args.output}: this is a file, not a folder", "give the folder for the articles"
        )
    site = load_site(out_dir, cwd)
    items = _expand(list(args.sources))
    if not items:
        return _usage_error(
            "no .txt or .html files found in " + ", ".join(args.sources),
            "pass article files, a folder holding them, or an http(s) address",
        )
    options = _check_options(args, site, len(items))
    if isinstance(options, int):
        return options
    if args.summary and (cwd / args.summary).exists() and not args.force and not args.dry_run:
        # said before importing anything: not after 500 files
        return _usage_error(
            f"--summary {args.summary}: this file already exists",
            "choose another file name, or add --force to overwrite it",
        )
    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    for problem in site.problems:
        err.print(f"warning: {problem}", markup=False)
    batch = _Batch(site, options, args.force, args.dry_run)
    outcomes: list[Outcome] = []
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=len(items) < 2 or not err.is_terminal or args.quiet,
    )
    with progress:
        task = progress.add_task("import", total=len(items))
        for label in items:
            try:
                outcome = batch.one(label)
            except Exception as exc:  # a bug in sitegen: report it for this file and go on with the rest
                if getattr(args, "debug", False):
                    raise
                outcome = Outcome(
                    label,
                    "failed",
                    message=f"internal error: {type(exc).__name__}: {exc}",
                    hint="this is a bug in sitegen; run again with --debug and report the output",
                )
            outcomes.append(outcome)
            _report(outcome, cwd, out, err, args.quiet)
            progress.advance(task)
    counts = {
        s: sum(1 for o in outcomes if o.status == s) for s in ("imported", "dry-run", "skipped", "failed")
    }
    if (len(items) > 1 or args.summary) and not _summarize(args, outcomes, cwd, out_dir, out, err):
        return 1
    if not args.quiet and (len(items) > 1 or counts["failed"] or counts["skipped"]):
        parts = [f"{counts['imported']} imported"]
        if args.dry_run:
            parts = [f"{counts['dry-run']} would be written (dry run: nothing written)"]
        parts += [f"{counts['skipped']} skipped (already exist)", f"{counts['failed']} failed"]
        out.print(", ".join(parts), markup=False)
    return 1 if counts["failed"] else 0


def _summarize(
    args: argparse.Namespace, outcomes: list[Outcome], cwd: Path, out_dir: Path, out: Console, err: Console
) -> int:
    """The batch's table, and its CSV (not on a dry run: it writes nothing); False if it could not be written."""
    rows = [summary.row(o.label, o.status, o.path, o.meta, o.message, o.notes, cwd) for o in outcomes]
    if not args.quiet:
        summary.show(rows, out)
    if args.dry_run:
        return True
    try:
        if args.summary:
            path = (cwd / args.summary).resolve()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(summary.to_csv(rows), encoding="utf-8", newline="")
        else:
            path = summary.write_csv(rows, out_dir.parent, dt.datetime.now())
    except OSError as exc:
        err.print(f"summary not written: {exc.strerror or exc}: {exc.filename or ''}", markup=False)
        return False
    if not args.quiet:
        shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
        out.print(f"summary: {shown}", markup=False, highlight=False)
    return True
