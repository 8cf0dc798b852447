"""The files of a new site that builds at once: settings, two sample articles (ar + en), data, Pages
workflow (`sitegen new`, sitegen/commands/new.py). Existing files are never overwritten."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

FILES = Path(__file__).parent / "files"

# Package data cannot reliably hold dot-files (setuptools' globs skip them): stored without the dot.
DOT_NAMES = {"gitignore": ".gitignore", "github": ".github"}

PLACEHOLDER = "sitegen @ git+https://github.com/YOUR-ACCOUNT/sitegen.git@main"


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


def existing_files(target: Path, files: list[NewFile]) -> list[PurePosixPath]:
    """Files of the new site already in `target`: a new site never overwrites anything."""
    return [f.path for f in files if (target / f.path).exists() or (target / f.path).is_symlink()]


def write_site(target: Path, files: list[NewFile]) -> None:
    for f in files:
        path = target / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as out:  # "x": never replace a file
            out.write(f.text)
