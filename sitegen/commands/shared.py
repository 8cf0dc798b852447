"""The options several commands share, worded once so that `build`, `serve` and `check` say the same."""

from __future__ import annotations

import argparse


def add_site_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "site_dir",
        nargs="?",
        default=".",
        metavar="SITE_DIR",
        help="the site folder (default: the current folder)",
    )


def add_base_url(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--base-url", metavar="URL", help=help)


def add_drafts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
