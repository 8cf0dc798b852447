"""Preview the site locally; with --watch, rebuild on save and reload the browser."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site_dir", nargs="?", default=".")


def run(args: argparse.Namespace) -> int:
    print("sitegen serve: not implemented yet")
    return 2
