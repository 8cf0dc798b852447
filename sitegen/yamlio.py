"""Safe YAML: fast loading, and line numbers for error messages found only when needed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import SiteError

try:  # libyaml is ~10x faster; the pure-Python loader gives the same result
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader that keeps dates as text: sitegen checks them itself, with a line and a hint,
    instead of PyYAML failing the whole file on `2020-13-45`.

    Plain documents (text, lists, mappings, the odd number or yes/no) are made from libyaml's nodes by
    `_plain` rather than PyYAML's constructor, whose generic machinery was half the time of reading a
    front matter (10k articles: ~0.4 s of CPU); anything else (an anchor used twice, a merge key, an
    explicit tag) goes to the constructor, with its results and errors."""

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        if node is None:
            return None
        try:
            return _plain(self, node, set())
        except _NotPlain:
            return self.construct_document(node)
        finally:  # as construct_document leaves them
            self.constructed_objects: dict[Any, Any] = {}
            self.recursive_objects: dict[Any, Any] = {}


class _NotPlain(Exception):
    """A node that only PyYAML's constructor makes exactly as it would."""


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
_SCALARS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float"))


def _plain(loader: Any, node: yaml.Node, seen: set[int]) -> Any:
    """What SafeConstructor makes of `node`, for documents without anchors reused, merges or tags."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        if node.tag in _SCALARS:
            return loader.construct_object(node)
        raise _NotPlain
    if id(node) in seen:  # an alias: the constructor shares (or recurses into) the one object it makes
        raise _NotPlain
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_plain(loader, item, seen) for item in node.value]
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        made = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise _NotPlain  # a list or mapping as a key (a merge key, <<, is not plain either)
            made[_plain(loader, key, seen)] = _plain(loader, value, seen)
        return made
    raise _NotPlain


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlProblem:
    """Why a YAML text could not be read, in plain words; `line` is 1-based within the text."""

    message: str
    line: int | None
    hint: str


def load(text: str) -> tuple[Any, YamlProblem | None]:
    """Parse YAML with the safe loader: the data, or None and the problem in plain words."""
    try:
        return yaml.load(text, Loader=_Loader), None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        tag = str(exc.problem or "")
        if "python/" in tag or "!!python" in tag or "could not determine a constructor" in tag:
            found = re.search(r"'?tag:yaml\.org,2002:([^'\s]+)", tag)
            shown = "!!" + found.group(1) if found else tag
            return None, YamlProblem(
                f"unsupported YAML tag {shown}",
                line,
                "tags like !!python/... are never run by sitegen; write plain text, lists and mappings",
            )
        return None, YamlProblem(f"YAML problem: {exc.problem}", line, "check the value on this line")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # a problem found at the end of the text (an unclosed bracket) is shown on its last line
        line = min(mark.line + 1, max(1, len(text.splitlines()))) if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        return None, YamlProblem(
            f"invalid YAML: {problem}",
            line,
            "check indentation and quoting; a value containing ': ' or starting with '[', '{', '*', '&', '!' "
            "or a quote needs to be put in quotes",
        )
    except yaml.YAMLError as exc:
        return None, YamlProblem(f"invalid YAML: {exc}", None, "check the YAML syntax")


def locate(text: str, path: Sequence[str | int]) -> int | None:
    """The 1-based line (within `text`) of the value at `path`, e.g. ("events", 1, "date")."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line: int | None = None
    for step in path:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == step:
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def key_lines(text: str) -> dict[str, int]:
    """The 1-based line of every top-level key of a YAML mapping, read in one pass (a registry with
    N entries asked `locate` N times would be read N times)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(key.value): key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)
    }


def file_line(fm_text: str, fm_start: int, path: Sequence[str | int]) -> int | None:
    """The line in the content file of the front-matter value at `path` (front matter starts at `fm_start`)."""
    found = locate(fm_text, path)
    return fm_start + found - 1 if found else None


def load_data_file(path: Path) -> tuple[Any, list[SiteError]]:
    """Read a YAML data file (site.yaml, data/*.yaml): its data, or errors naming file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, [SiteError(path, None, "this file is not UTF-8 text", "save it as UTF-8 in your editor")]
    data, problem = load(text)
    if problem is not None:
        return None, [SiteError(path, problem.line, problem.message, problem.hint)]
    return data, []
