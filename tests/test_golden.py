"""Golden test: whole sites rendered with the fast code generator (sitegen/jinja_fast.py) are byte-identical
to the same sites rendered with Jinja's own code generator.

jinja_fast extends the internals of Jinja 3.1's code generator. This is the alarm for a Jinja upgrade (or a
change to jinja_fast): on any difference it names the files that differ and shows the first differing line.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import jinja2
import pytest

from sitegen.jinja_fast import FastCodeGenerator, supported
from tests.support import FIXTURES, REPO, build_site, code_generator

pytestmark = pytest.mark.skipif(
    not supported(), reason="on this Jinja the site renders with Jinja's own generator"
)

SITES = [*sorted(p for p in FIXTURES.iterdir() if p.is_dir()), REPO]


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def first_difference(name: str, expected: bytes, got: bytes) -> str:
    diff = difflib.unified_diff(
        expected.decode(errors="replace").splitlines(),
        got.decode(errors="replace").splitlines(),
        "jinja/" + name,
        "fast/" + name,
        n=1,
        lineterm="",
    )
    return "\n".join(list(diff)[:12])


@pytest.mark.parametrize("site", SITES, ids=lambda p: "demo" if p == REPO else p.name)
def test_fast_and_jinja_code_generators_write_the_same_bytes(site: Path, tmp_path: Path) -> None:
    jinja = build_site(site, tmp_path / "jinja", jinja_fast_code=False)
    fast = build_site(site, tmp_path / "fast")
    assert (fast.ok, fast.text) == (jinja.ok, jinja.text)  # a broken site: the same problems
    if not jinja.ok:
        return
    expected, got = files(tmp_path / "jinja"), files(tmp_path / "fast")
    assert sum(name.endswith(".html") for name in expected) > 5
    assert sorted(got) == sorted(expected)
    differ = [name for name in expected if got[name] != expected[name]]
    assert not differ, f"{len(differ)} files differ, e.g.\n" + first_difference(
        differ[0], expected[differ[0]], got[differ[0]]
    )


def test_the_switch_chooses_the_generator() -> None:
    """Without this, the golden test could compare the fast generator with itself and never fail."""
    assert code_generator(REPO, jinja_fast_code=False) is jinja2.compiler.CodeGenerator
    assert code_generator(REPO) is FastCodeGenerator
