"""Front matter and data files read by yamlio: the fast way for plain documents gives exactly what
PyYAML's safe constructor gives, and every other document still goes to it (its results, its errors)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from sitegen import yamlio


class _Reference(yamlio._Base):  # type: ignore[misc,name-defined]
    """The same loader without the fast way: PyYAML's constructor for everything."""


_Reference.yaml_implicit_resolvers = yamlio._Loader.yaml_implicit_resolvers

DOCUMENTS = {
    "front matter": 'title: "A report"\ndate: 2020-01-02\ntags:\n  - "إدلب"\n  - x\nsource:\n  name: N\n',
    "scalars": "a: yes\nb: No\nc: ~\nd: null\ne: 0x1f\nf: 1_000\ng: .inf\nh: 1:20\ni: -3.5e2\nj: ''\nk:\n",
    "keys that are not text": "1: a\ntrue: b\n~: c\n2.5: d\n",
    "duplicate keys": "a: 1\na: 2\n",
    "anchor used twice": "a: &x [1, 2]\nb: *x\n",
    "anchored scalar": "a: &x text\nb: *x\n",
    "recursive anchor": "a: &x\n  b: *x\n",
    "merge key": "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n",
    "explicit tags": "a: !!str 12\nb: !!int '7'\nc: !!float '1'\nd: !!binary aGVsbG8=\n",
    "a set": "a: !!set {x, y}\n",
    "ordered map": "a: !!omap [x: 1, y: 2]\n",
    "a list as a key": "? [a, b]\n: c\n",
    "a mapping as a key": "? {a: b}\n: c\n",
    "a python tag": "a: !!python/object/apply:os.system ['true']\n",
    "an unknown tag": "a: !mine x\n",
    "the value key": "=: a\n",
    "a list": "- a\n- [b, {c: d}]\n",
    "one scalar": "just text\n",
    "empty": "",
    "only a comment": "# nothing\n",
    "flow and block": "a: {b: [1, {c: d}], e: f}\ng: [h, i]\n",
}


def _outcome(loader: type, text: str) -> Any:
    try:
        return ("data", yaml.load(text, Loader=loader))
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__, str(exc))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_fast_way_gives_what_the_constructor_gives(name: str) -> None:
    text = DOCUMENTS[name]
    fast, reference = _outcome(yamlio._Loader, text), _outcome(_Reference, text)
    if name == "recursive anchor":  # a mapping that holds itself: equal in shape, not comparable with ==
        assert fast[0] == reference[0] == "data"
        assert fast[1]["a"]["b"] is fast[1]["a"]
        return
    assert fast == reference
    if name == "anchor used twice":
        assert fast[1]["a"] is fast[1]["b"]  # one list, as the constructor makes it


def test_a_mistake_is_still_reported_with_its_line() -> None:
    data, problem = yamlio.load("title: ok\ntags: !!python/object/apply:os.system ['true']\n")
    assert data is None and problem is not None
    assert problem.line == 2 and "!!python/object/apply:os.system" in problem.message
