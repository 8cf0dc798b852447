"""Compare the fast Markdown path with markdown.py on every content file of a folder.

    .venv/bin/python scripts/compare_markdown.py /path/to/site-or-content [--allow-html]

Prints "N of N identical, M fell back" (a body the fast path leaves to markdown.py counts as identical:
markdown.py renders it) and the CPU each path took per file; lists the files that differ and exits 1 if
there is one.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitegen import markdown_fast
from sitegen.markdown import render_reference
from sitegen.model import direction
from sitegen.read import closing_fence, opens_front_matter

LANG_RE = re.compile(r"\.([A-Za-z-]+)\.md$")


def body_of(path: Path) -> str:
    """The Markdown body, split from its front matter as read.py splits it."""
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    close = closing_fence(lines) if lines and opens_front_matter(lines[0]) else None
    return "\n".join(lines[close + 1 :]) if close is not None else "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--allow-html", action="store_true", help="as a site with markdown.allow_html")
    args = parser.parse_args()
    if not markdown_fast.available():
        print("markdown-it-pyrs is not installed (or SITEGEN_MARKDOWN=reference): nothing to compare")
        return 2
    paths = sorted(args.folder.rglob("*.md"))
    fell_back, differ = 0, []
    fast_cpu = reference_cpu = 0.0
    for path in paths:
        lang = LANG_RE.search(path.name)
        rtl = bool(lang) and direction(lang.group(1)) == "rtl"
        body = body_of(path)
        start = time.process_time()
        fast = markdown_fast.render_fast(body, args.allow_html, rtl)
        middle = time.process_time()
        reference = render_reference(body, args.allow_html, rtl)
        fast_cpu += middle - start
        reference_cpu += time.process_time() - middle
        if fast is None:
            fell_back += 1
        elif fast != reference:
            differ.append(path)
    n = len(paths)
    print(f"{n - len(differ)} of {n} identical, {fell_back} fell back")
    if n:
        print(
            f"CPU per file: fast path {fast_cpu / n * 1000:.3f} ms (fallbacks not rendered),"
            f" markdown.py {reference_cpu / n * 1000:.3f} ms"
        )
    for path in differ[:20]:
        print(f"differs: {path}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
