"""What every check returns: a problem (errors.SiteError, with file and line) and the group it is shown in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sitegen.errors import SiteError

Group = Literal["site", "templates", "translations", "labels", "integrity", "duplicates", "external"]
# the order groups are shown in, and their headings
GROUPS: dict[str, str] = {
    "site": "Content and settings",
    "templates": "Templates",
    "translations": "Translations",
    "labels": "Tag and author labels",
    "integrity": "Saved sources",
    "duplicates": "Possible duplicates",
    "external": "External links",
}


@dataclass(frozen=True)
class Finding:
    group: Group
    problem: SiteError
    note: bool = False  # listed, never failing the check: e.g. an article not translated (yet)
