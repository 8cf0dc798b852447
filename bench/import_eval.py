"""How right `sitegen import` is on real pages: python bench/import_eval.py [--samples DIR] [--json]

Imports every file of a folder in-process (nothing is written) and compares the front matter and body,
field by field, with bench/import_expected.yaml (what an editor reading each page would write). Prints a
table per file and field, and the share of fields right.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitegen.arabic import fold
from sitegen.importer.fetch import ImportProblem, read_file
from sitegen.importer.pipeline import Options, extract, prepare
from sitegen.importer.site import SiteContext

HERE = Path(__file__).resolve().parent
FIELDS = ("title", "date", "author", "source_name", "source_url", "related", "body_in", "body_out")
_NO_DATE = dt.date(1900, 1, 1)  # lets the other fields be scored when the page states no date


@dataclass(frozen=True)
class Score:
    file: str
    field: str
    ok: bool
    got: str
    want: str


def _key(text: Any) -> str:
    """Text compared as an editor would: same letters after search's Arabic folding, spaces collapsed."""
    return fold(unicodedata.normalize("NFC", str(text or "")))


def _imported(path: Path, site: SiteContext) -> tuple[dict[str, Any], str, list[str]] | str:
    """(front matter, body, notes) as `sitegen import --dry-run` would write them, or the refusal."""
    loaded = read_file(path)
    try:
        draft, notes = extract(loaded)
        prepared = prepare(loaded, Options(date=None if draft.date else _NO_DATE), site)
    except ImportProblem as exc:
        return exc.message
    meta = dict(prepared.article.meta)
    if not draft.date:
        meta.pop("date", None)
    # a slug (in the archive), {title, url}, or {title} alone ("read also" without a link)
    meta["related_titles"] = [
        r if isinstance(r, str) else r.get("title", "") for r in meta.get("related", [])
    ]
    return meta, prepared.article.body, notes


def _authors(value: Any) -> list[str]:
    if not value:
        return []
    return [_key(v) for v in (value if isinstance(value, list) else [value])]


def score_file(
    name: str, want: dict[str, Any], got: tuple[dict[str, Any], str, list[str]] | str
) -> list[Score]:
    if want.get("refused"):
        return [
            Score(
                name, "refused", isinstance(got, str), got if isinstance(got, str) else "imported", "refused"
            )
        ]
    if isinstance(got, str):
        return [Score(name, f, False, f"refused: {got}", str(want.get(f))) for f in FIELDS]
    meta, body, _ = got
    source = meta.get("source") or {}
    scores = []
    title = meta.get("title", "")
    scores.append(Score(name, "title", _key(title) == _key(want["title"]), title, want["title"]))
    date = meta.get("date")
    scores.append(Score(name, "date", date == want["date"], str(date), str(want["date"])))
    scores.append(
        Score(
            name,
            "author",
            _authors(meta.get("author")) == _authors(want["author"]),
            str(meta.get("author") or ""),
            str(want["author"] or ""),
        )
    )
    names = [_key(n) for n in want["source_name"]]
    scores.append(
        Score(
            name,
            "source_name",
            _key(source.get("name")) in names,
            str(source.get("name") or ""),
            " | ".join(want["source_name"]),
        )
    )
    url_ok = unquote(str(source.get("url") or "")) == unquote(str(want["source_url"] or ""))
    scores.append(
        Score(name, "source_url", url_ok, str(source.get("url") or ""), str(want["source_url"] or ""))
    )
    found = [_key(t) for t in meta["related_titles"]]
    missing = [t for t in want["related"] if _key(t) not in found]
    # lenient: every title the page shows must be there; extra entries are reported, not counted
    scores.append(
        Score(name, "related", not missing, "; ".join(meta["related_titles"]), "; ".join(want["related"]))
    )
    body_key = _key(body)
    absent = [s for s in want["body_in"] if _key(s) not in body_key]
    scores.append(
        Score(
            name,
            "body_in",
            not absent,
            "missing: " + "; ".join(absent) if absent else "ok",
            "; ".join(want["body_in"]),
        )
    )
    present = [s for s in want["body_out"] if _key(s) in body_key]
    scores.append(
        Score(
            name,
            "body_out",
            not present,
            "present: " + "; ".join(present) if present else "ok",
            "; ".join(want["body_out"]),
        )
    )
    return scores


def evaluate(samples: Path, expected: Path) -> list[Score]:
    wants: dict[str, dict[str, Any]] = yaml.safe_load(expected.read_text(encoding="utf-8"))
    site = SiteContext(site_dir=Path("/nonexistent"), out_dir=Path("/nonexistent"))
    scores: list[Score] = []
    for name, want in wants.items():
        path = samples / name
        if not path.exists():
            continue
        scores.extend(score_file(name, want, _imported(path, site)))
    return scores


def _print_table(scores: list[Score]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="import accuracy per file and field", show_lines=False)
    table.add_column("file", no_wrap=True)
    for f in FIELDS:
        table.add_column(f, justify="center")
    files = list(dict.fromkeys(s.file for s in scores))
    for file in files:
        mine = {s.field: s for s in scores if s.file == file}
        if "refused" in mine:  # not an article: one verdict, shown under "title"
            cells = ["✓ refused" if mine["refused"].ok else "✗ imported"] + ["·"] * (len(FIELDS) - 1)
        else:
            cells = ["✓" if mine[f].ok else "✗" for f in FIELDS]
        table.add_row(file.rsplit(".", 1)[0][:40], *cells)
    console = Console(soft_wrap=True, width=150)
    console.print(table)
    for s in scores:
        if not s.ok:
            console.print(
                f"  ✗ {s.file} {s.field}: got {s.got[:120]!r}, want {s.want[:120]!r}",
                markup=False,
                highlight=False,
            )
    right = sum(s.ok for s in scores)
    console.print(f"{right}/{len(scores)} fields right ({100 * right / len(scores):.1f} %)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=HERE.parent.parent / "shared" / "samples")
    parser.add_argument("--expected", type=Path, default=HERE / "import_expected.yaml")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    if not args.samples.is_dir():
        print(f"no samples folder at {args.samples}; pass --samples DIR", file=sys.stderr)
        return 2
    scores = evaluate(args.samples, args.expected)
    if not scores:
        print(f"none of the files in {args.expected.name} are in {args.samples}", file=sys.stderr)
        return 2
    if args.json:
        right = sum(s.ok for s in scores)
        print(
            json.dumps(
                {
                    "right": right,
                    "total": len(scores),
                    "share": right / len(scores),
                    "scores": [s.__dict__ for s in scores],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        _print_table(scores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
