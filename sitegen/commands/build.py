"""Build the site into public/ (replaced atomically: a failed build leaves the old one as it was)."""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path
from urllib.parse import urlsplit

from rich.markup import escape

from sitegen import progress as show
from sitegen.build import BuildOptions, build
from sitegen.commands.shared import add_base_url, add_drafts, add_site_dir
from sitegen.errors import BuildInterrupted, SiteErrors
from sitegen.report import count, error_console, interrupted, print_problems


def configure(parser: argparse.ArgumentParser) -> None:
    add_site_dir(parser)
    parser.add_argument("-o", "--out", metavar="OUT", help="output folder (default: SITE_DIR/public)")
    add_base_url(parser, "where the site will be published, e.g. https://user.github.io/archive/")
    add_drafts(parser)
    parser.add_argument("--no-search", action="store_true", help="skip the search index (faster)")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="parse every article again instead of reusing what earlier builds parsed",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the time of each stage")


def run(args: argparse.Namespace) -> int:
    site_dir = Path(args.site_dir).resolve()
    console = error_console()
    if not site_dir.is_dir():
        console.print(f"sitegen: error: the site folder {args.site_dir} does not exist")
        return 2
    out = Path(args.out).resolve() if args.out else site_dir / "public"
    if out == site_dir or out in site_dir.parents:
        console.print(
            f"sitegen: error: the output folder {out} would replace the site itself",
            "\n    hint: choose another folder with -o, e.g. -o public",
            sep="",
        )
        return 2
    options = BuildOptions(
        base_url=args.base_url, drafts=args.drafts, search=not args.no_search, cache=not args.no_cache
    )
    started = time.perf_counter()
    progress = show.for_console(console, args.quiet)
    try:
        report = build(site_dir, out, options, progress=progress)
        # the build's objects, many in reference cycles, would be collected as the interpreter exits
        # (10k articles: 0.4 s); frozen, they go with the process's memory
        gc.freeze()
    except SiteErrors as exc:
        print_problems(exc.errors, site_dir, console)
        n = sum(1 for e in exc.errors if e.severity == "error")
        console.print(
            f"[red]build failed[/red]: {count(n, 'error')}; {_shown(out, site_dir)} was left unchanged"
        )
        return 1
    except BuildInterrupted as exc:
        console.print(escape(interrupted(exc, getattr(args, "debug", False))))
        console.print(f"[red]build failed[/red]; {_shown(out, site_dir)} was left unchanged")
        return 1
    elapsed = time.perf_counter() - started
    if args.quiet:
        return 0
    print_problems(report.warnings, site_dir, console)
    warnings = len(report.warnings)
    if not urlsplit(report.base_url).netloc:
        # once per build, not per page: every citation and the feeds then say /articles/x/, not https://…
        warnings += 1
        console.print(
            "[bold]site.yaml[/bold]: [yellow]warning[/yellow]: base_url is not set to the site's "
            "address, so citations, feeds and the sitemap carry relative links\n"
            "    hint: set base_url: https://user.github.io/archive/ in site.yaml, or build with "
            "--base-url https://…"
        )
    if args.verbose:
        console.print("  " + "  ".join(f"{k} {v:.2f}s" for k, v in report.timings.items()))
    per_lang = ", ".join(f"{lang} {n}" for lang, n in report.languages.items())
    console.print(
        f"built {count(report.articles, 'article')}"
        + (f" ({per_lang})" if per_lang else "")
        + f", {count(report.pages, 'page')}"
        + (f" ({report.size.shown()})" if report.size else "")
        + " "
        f"in {elapsed:.1f} s → {_shown(out, site_dir)}"
        + (f" ({count(warnings, 'warning')})" if warnings else "")
    )
    return 0


def _shown(out: Path, site_dir: Path) -> str:
    try:
        return str(out.relative_to(site_dir)) + "/"
    except ValueError:
        return str(out)
