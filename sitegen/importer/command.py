"""Turn raw articles (copied text, saved HTML, a URL) into content/articles/<slug>.<lang>.md."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+")


def run(args: argparse.Namespace) -> int:
    print("sitegen import: not implemented yet")
    return 2
