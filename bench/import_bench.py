"""Time `sitegen import` on 1,000 files: python bench/import_bench.py [N]

Generates N inputs in a temporary folder (three quarters seed-shaped Arabic text copies, one quarter
saved HTML pages, every one different so none is skipped), imports the folder with the real CLI
entry point, and prints the time and the rate.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitegen.cli import main  # noqa: E402

FIX = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "import"


def make_inputs(folder: Path, n: int) -> None:
    text = (FIX / "seed-shaped.ar.txt").read_text(encoding="utf-8")
    html = (FIX / "article.ar.html").read_text(encoding="utf-8")
    for i in range(n):
        if i % 4 == 3:
            page = html.replace("manbij-water-cut", f"manbij-water-cut-{i}").replace(
                "لليوم الثالث", f"لليوم الثالث (تقرير {i})"
            )
            (folder / f"page-{i:04d}.html").write_text(page, encoding="utf-8")
        else:
            copy = text.replace("قوات النظام تنسحب", f"قوات النظام تنسحب ({i})")
            (folder / f"copy-{i:04d}.txt").write_text(copy, encoding="utf-8")


def run(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inbox, site = root / "inbox", root / "site"
        inbox.mkdir()
        site.mkdir()
        make_inputs(inbox, n)
        cwd = os.getcwd()
        os.chdir(site)
        try:
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()) as out:
                code = main(["import", str(inbox), "--date", "2020-12-21"])
            elapsed = time.perf_counter() - started
        finally:
            os.chdir(cwd)
        written = len(list((site / "content" / "articles").glob("*.md")))
        if code != 0 or written != n:
            sys.exit(f"benchmark run failed: exit {code}, {written}/{n} written\n{out.getvalue()[-2000:]}")
    return elapsed


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seconds = run(count)
    print(
        f"imported {count} files in {seconds:.1f} s ({count / seconds:.0f} files/s, "
        f"{1000 * seconds / count:.1f} ms per file)"
    )
