"""Create a new site that builds at once: settings, two sample articles (ar + en), data, Pages workflow.

Existing files are never overwritten: if any file the new site needs is already there, nothing is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

FILES = Path(__file__).parent / "files"

# Package data cannot reliably hold dot-files (setuptools' globs skip them): stored without the dot.
DOT_NAMES = {"gitignore": ".gitignore", "github": ".github"}

PLACEHOLDER = "sitegen @ git+https://github.com/YOUR-ACCOUNT/sitegen.git@main"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "directory", metavar="DIR", help="the folder to create the site in (created if missing)"
    )


@dataclass(frozen=True)
class NewFile:
    path: PurePosixPath  # relative to the new site
    text: str


def site_files(site_name: str, requirement: str) -> list[NewFile]:
    """The files of a new site, with their final names and contents."""
    files = []
    for source in sorted(p for p in FILES.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = PurePosixPath(source.relative_to(FILES).as_posix())
        rel = PurePosixPath(DOT_NAMES.get(rel.parts[0], rel.parts[0]), *rel.parts[1:])
        text = source.read_text(encoding="utf-8")
        text = text.replace("@SITEGEN_REQUIREMENT@", requirement).replace("@SITE_NAME@", site_name)
        files.append(NewFile(rel, text))
    return files


def sitegen_requirement() -> tuple[str, bool]:
    """The pip requirement for the sitegen running now, if it was installed from git; else a placeholder.

    Returns (requirement, known)."""
    try:
        raw = metadata.distribution("sitegen").read_text("direct_url.json")
        info = json.loads(raw) if raw else {}
    except (metadata.PackageNotFoundError, ValueError):
        info = {}
    vcs = info.get("vcs_info") or {}
    url = info.get("url", "")
    if vcs.get("vcs") == "git" and url and not url.startswith("file:"):
        rev = vcs.get("commit_id") or vcs.get("requested_revision") or ""
        return f"sitegen @ git+{url}" + (f"@{rev}" if rev else ""), True
    return PLACEHOLDER, False


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        print(f"sitegen: error: {target} exists and is not a folder", file=sys.stderr)
        return 1
    requirement, known = sitegen_requirement()
    files = site_files(target.resolve().name or "site", requirement)
    existing = [f.path for f in files if (target / f.path).exists() or (target / f.path).is_symlink()]
    if existing:
        print(f"sitegen: error: {target} already has files that a new site would overwrite:", file=sys.stderr)
        for path in existing:
            print(f"    {path}", file=sys.stderr)
        print(
            "    nothing was written. hint: choose an empty or new folder, or move these files away",
            file=sys.stderr,
        )
        return 1
    for f in files:
        path = target / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as out:  # "x": never replace a file
            out.write(f.text)
    print(f"created a new site in {target} ({len(files)} files)")
    print(f"    build it:   sitegen build {target}")
    print(f"    preview it: sitegen serve {target}")
    if not known:
        print(
            "    before publishing on GitHub Pages, edit requirements.txt: sitegen is not on PyPI, so it "
            "must name the git repository to install sitegen from (see README.md)"
        )
    return 0
