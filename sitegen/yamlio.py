"""Safe YAML: fast loading, and line numbers for error messages found only when needed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

import yaml

from sitegen.errors import SiteError

try:  # libyaml is ~10x faster; the pure-Python loader gives the same result
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text: sitegen checks them itself, with a line and a hint,
    instead of PyYAML failing the whole file on `2020-13-45`."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlProblem(Exception):
    """A YAML text that could not be read; `line` is 1-based within the text."""

    def __init__(self, message: str, line: int | None, hint: str):
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


def load(text: str) -> Any:
    """Parse YAML with the safe loader; raise YamlProblem in plain words."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        tag = str(exc.problem or "")
        if "python/" in tag or "!!python" in tag or "could not determine a constructor" in tag:
            found = re.search(r"'?tag:yaml\.org,2002:([^'\s]+)", tag)
            shown = "!!" + found.group(1) if found else tag
            return _raise(
                f"unsupported YAML tag {shown}",
                line,
                "tags like !!python/... are never run by sitegen; write plain text, lists and mappings",
            )
        return _raise(f"YAML problem: {exc.problem}", line, "check the value on this line")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # a problem found at the end of the text (an unclosed bracket) is shown on its last line
        line = min(mark.line + 1, max(1, len(text.splitlines()))) if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        return _raise(
            f"invalid YAML: {problem}",
            line,
            "check indentation and quoting; a value containing ': ' or starting with '[', '{', '*', '&', '!' "
            "or a quote needs to be put in quotes",
        )
    except yaml.YAMLError as exc:
        return _raise(f"invalid YAML: {exc}", None, "check the YAML syntax")


def _raise(message: str, line: int | None, hint: str) -> Any:
    raise YamlProblem(message, line, hint)


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
    try:
        return load(text), []
    except YamlProblem as exc:
        return None, [SiteError(path, exc.line, exc.message, exc.hint)]
