"""Check the archive's health without building it: everything `build` validates, translations that lag,
saved sources that changed, near-duplicates and, with --external, links that rot.

Exit status: 0 when there are no errors (warnings are shown), 1 when there are errors (with --strict,
warnings count as errors), 2 when the command itself was misused."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console

from sitegen.build import Model
from sitegen.check.external import cited_urls, link_findings
from sitegen.check.findings import Finding
from sitegen.check.links import LinkCache, LinkOptions, check_urls
from sitegen.check.report import apply_strict, print_table, print_text, to_json, totals
from sitegen.check.run import CheckOptions, run_checks
from sitegen.check.texts import RawFile
from sitegen.check.translations import fix_hashes, translation_states
from sitegen.commands.shared import add_drafts, add_site_dir
from sitegen.errors import did_you_mean
from sitegen.report import count, error_console, print_problems


def configure(parser: argparse.ArgumentParser) -> None:
    add_site_dir(parser)
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1)")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (a table on a terminal) or json for other tools",
    )
    parser.add_argument(
        "--all-notes",
        action="store_true",
        help="list every note (e.g. each untranslated article), not only the first few",
    )
    add_drafts(parser)
    parser.add_argument("--no-cache", action="store_true", help="parse every article again (see `build`)")
    links = parser.add_argument_group("external links")
    links.add_argument(
        "--external",
        action="store_true",
        help="also ask every external URL the archive cites whether it still answers",
    )
    links.add_argument(
        "--max-age",
        type=float,
        default=7.0,
        metavar="DAYS",
        help="a URL found fine within DAYS is not asked again (default 7; 0 asks every URL)",
    )
    links.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per request (default 10)"
    )
    links.add_argument(
        "--retries",
        type=int,
        default=2,
        help="tries again after 429, 5xx, timeouts and refused connections (default 2)",
    )
    links.add_argument(
        "--concurrency", type=int, default=8, metavar="N", help="hosts asked at once (default 8)"
    )
    links.add_argument(
        "--per-host",
        type=int,
        default=1,
        metavar="N",
        help="requests at once to one host (default 1: news sites block crawlers)",
    )
    fix = parser.add_argument_group("translations")
    fix.add_argument(
        "--fix-hashes",
        action="store_true",
        help="record, in each translation, the state of the original it now matches "
        "(after you reviewed them); writes only that one front-matter line",
    )
    fix.add_argument(
        "--slug", action="append", metavar="SLUG", help="with --fix-hashes: only this article (repeatable)"
    )


def run(args: argparse.Namespace) -> int:
    site_dir = Path(args.site_dir).resolve()
    err = error_console()
    if not site_dir.is_dir():
        err.print(f"sitegen: error: the site folder {args.site_dir} does not exist")
        return 2
    if args.slug and not args.fix_hashes:
        err.print("sitegen: error: --slug only goes with --fix-hashes")
        return 2
    link_options = LinkOptions(
        timeout=args.timeout,
        retries=max(0, args.retries),
        concurrency=max(1, args.concurrency),
        per_host=max(1, args.per_host),
        max_age=max(0.0, args.max_age) * 86400,
    )
    quiet = args.format == "json" or not err.is_terminal
    started = time.perf_counter()

    def external(model: Model, raw: dict[Path, RawFile | None]) -> tuple[list[Finding], int]:
        uses = cited_urls(model.site, raw)
        if not quiet:
            err.print(f"[dim]checking {count(len(uses), 'external link')}…[/dim]")
        results = check_urls(uses, link_options, LinkCache.open())
        return link_findings(uses, results), len(uses)

    options = CheckOptions(
        drafts=args.drafts, cache=not args.no_cache, external=args.external, duplicates=not args.fix_hashes
    )
    report = run_checks(site_dir, options, external if args.external and not args.fix_hashes else None)
    if args.fix_hashes:
        if report.model is None:
            print_problems([f.problem for f in report.findings], site_dir, err)
            err.print("[red]nothing recorded[/red]: the site has errors")
            return 1
        model = report.model
        unknown = [s for s in args.slug or () if s not in model.graph.versions]
        for slug in unknown:
            err.print(
                f"sitegen: error: no article has the slug '{slug}'",
                f"\n    hint: {did_you_mean(slug, model.graph.versions) or 'the slug is the file name without .<lang>.md'}",
                sep="",
            )
        if unknown:
            return 2
        changed = fix_hashes(
            model.graph, translation_states(model.site, model.graph), set(args.slug) if args.slug else None
        )
        for path in changed:
            err.print(f"recorded the original's state in {path.relative_to(site_dir)}")
        err.print(f"{count(len(changed), 'translation')} updated")
        return 0
    findings = apply_strict(report.findings, args.strict)
    t = totals(findings)
    elapsed = time.perf_counter() - started
    if args.format == "json":
        sys.stdout.write(
            to_json(
                findings,
                site_dir,
                {"articles": report.articles, "external_urls": report.urls, "seconds": round(elapsed, 3)},
            )
        )
    else:
        out = Console(file=sys.stdout, highlight=False, soft_wrap=not sys.stdout.isatty())
        (print_table if out.is_terminal else print_text)(findings, site_dir, out, args.all_notes)
        summary = (
            "the site has errors: fix them, then check again for the rest"
            if report.model is None
            else f"checked {count(report.articles, 'article')}"
            + (f" and {count(report.urls, 'external link')}" if args.external else "")
            + f" in {elapsed:.1f} s"
        )
        summary += f": {count(t.errors, 'error')}, {count(t.warnings, 'warning')}" + (
            f", {count(t.notes, 'note')}" if t.notes else ""
        )
        out.print(("\n" if findings else "") + summary)
    return 1 if t.errors else 0
