"""Create a new site that builds at once: settings, two sample articles (ar + en), data, Pages workflow.

Existing files are never overwritten: if any file the new site needs is already there, nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sitegen.scaffold import existing_files, site_files, sitegen_requirement, write_site


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory", metavar="DIR", help="the folder to create the site in (created if missing)"
    )


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        print(f"sitegen: error: {target} exists and is not a folder", file=sys.stderr)
        return 1
    requirement, known = sitegen_requirement()
    files = site_files(target.resolve().name or "site", requirement)
    existing = existing_files(target, files)
    if existing:
        print(f"sitegen: error: {target} already has files that a new site would overwrite:", file=sys.stderr)
        for path in existing:
            print(f"    {path}", file=sys.stderr)
        print(
            "    nothing was written. hint: choose an empty or new folder, or move these files away",
            file=sys.stderr,
        )
        return 1
    write_site(target, files)
    print(f"created a new site in {target} ({len(files)} files)")
    print(f"    build it:   sitegen build {target}")
    print(f"    preview it: sitegen serve {target}")
    if not known:
        print(
            "    before publishing on GitHub Pages, edit requirements.txt: sitegen is not on PyPI, so it "
            "must name the git repository to install sitegen from (see README.md)"
        )
    return 0
