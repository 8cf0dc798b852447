"""The `sitegen` command line: one sub-command per module, errors shown in plain words."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from sitegen import __version__
from sitegen.errors import BuildInterrupted
from sitegen.report import internal_error, interrupted

# name -> module in sitegen/commands/; each has `configure(parser)` and `run(args) -> int`.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("sitegen.commands.build", "build the site into public/"),
    "check": ("sitegen.commands.check", "check links, translations and sources without building"),
    "new": ("sitegen.commands.new", "create a new site that builds at once"),
    "serve": ("sitegen.commands.serve", "preview the site locally, rebuilding on save"),
    "import": ("sitegen.commands.import_", "turn raw articles (text, HTML, URL) into Markdown"),
}


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI; with `command`, the other commands' modules are not imported (the importer's
    libraries alone take 0.1 s to import, on every build)."""
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build a bilingual (Arabic/English) research archive as a static site.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        if command is not None and name != command:
            subs.add_parser(name, help=help_text)
            continue
        module = importlib.import_module(module_name)
        sub = subs.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip())
        sub.add_argument("--debug", action="store_true", help="show Python tracebacks (for bug reports)")
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    first = next((w for w in words if not w.startswith("-")), None)
    parser = make_parser(first if first in COMMANDS else None)
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "_run", None)
    if run is None:
        parser.print_help()
        return 2
    try:
        return run(args)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
        return 130
    except BuildInterrupted as exc:  # not the site's mistake nor our bug: exits as a failed build does
        print(interrupted(exc, getattr(args, "debug", False)), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug in sitegen, not in the user's site
        print(internal_error(exc, getattr(args, "debug", False)), file=sys.stderr)
        return 70
