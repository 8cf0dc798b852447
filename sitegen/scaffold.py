"""Create a new site that builds at once: settings, two sample articles (ar + en), data, Pages workflow."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", metavar="DIR")


def run(args: argparse.Namespace) -> int:
    return 2
