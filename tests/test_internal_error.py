"""A bug in sitegen's own Python is reported as ours ("please report"), never as the user's template mistake."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sitegen import build as build_module
from sitegen import cli
from sitegen.bodies import BodyStore
from sitegen.build import BuildOptions, build
from sitegen.errors import InternalError, SiteErrors
from sitegen.render import View
from tests.support import FIXTURES


def _broken_helper(self: View, article: object) -> str:
    raise KeyError("a bug of ours")


def test_an_exception_in_a_helper_is_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(View, "citation_text", _broken_helper)
    with pytest.raises(InternalError) as caught:
        build(FIXTURES / "bilingual", tmp_path / "out", BuildOptions(search=False))
    assert "KeyError" in caught.value.message and "while rendering /" in caught.value.message
    assert "_broken_helper" in caught.value.trace
    assert not (tmp_path / "out").exists()


def test_the_cli_asks_for_a_report_and_shows_the_traceback_only_with_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(View, "citation_text", _broken_helper)
    site = FIXTURES / "bilingual"
    assert cli.main(["build", str(site), "-o", str(tmp_path / "a"), "--no-search", "-q"]) == 70
    err = capsys.readouterr().err
    assert "internal error" in err and "This is a bug in sitegen" in err
    assert "check the variable names" not in err and "Traceback" not in err
    assert cli.main(["build", str(site), "-o", str(tmp_path / "b"), "--no-search", "-q", "--debug"]) == 70
    assert "Traceback" in capsys.readouterr().err


def test_a_mistake_in_the_sites_template_is_still_the_users(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", site)
    (site / "templates").mkdir()
    (site / "templates" / "search.html").write_text(
        '{% extends "base.html" %}{% block main %}{{ 1 // 0 }}{{ h.no_such_helper() }}{% endblock %}',
        encoding="utf-8",
    )
    with pytest.raises(SiteErrors) as caught:
        build(site, tmp_path / "out", BuildOptions(search=False))
    messages = [e.message for e in caught.value.errors]
    assert any("ZeroDivisionError" in m for m in messages), messages
    assert all(
        e.path is not None and e.path.name == "search.html"
        for e in caught.value.errors
        if e.severity == "error"
    )


def test_a_cache_cleared_during_the_build_is_a_plain_error_that_says_build_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "bilingual", site)
    store = BodyStore.for_site(site, use_cache=True).path
    load_templates = build_module.templates

    def cleared_after_load(*args: Any) -> Any:
        # the model is loaded (its articles refer to their bodies by key): the rows go, as when
        # ~/.cache/sitegen is deleted or another build prunes the store at this moment
        with sqlite3.connect(store) as conn:
            assert conn.execute("DELETE FROM bodies").rowcount > 0
        return load_templates(*args)

    monkeypatch.setattr(build_module, "templates", cleared_after_load)
    args = ["build", str(site), "-o", str(tmp_path / "out"), "--no-search"]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "sitegen: error: the text of an article was removed from sitegen's cache" in err
    assert "hint: build again" in err and "build failed" in err
    assert "internal error" not in err and "This is a bug" not in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert cli.main([*args, "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "bodies.py" in err and "internal error" not in err
    # and building again does what the hint says
    monkeypatch.setattr(build_module, "templates", load_templates)
    assert cli.main([*args, "-q"]) == 0
    assert (tmp_path / "out" / "index.html").is_file()


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "--debug"])
def test_a_cache_cleared_under_the_dev_server_says_to_restart_it(debug: bool) -> None:
    """The dev server reads the articles once, when it starts: after its cache was cleared, a rebuild
    cannot find a body, and the terminal and the browser's banner say to restart it (no bug to report)."""
    from io import StringIO

    from rich.console import Console

    from sitegen.bodies import MissingBody
    from sitegen.commands import serve as serve_command

    class State:
        model = None
        site_dir = Path(".")

        def rebuild(self, batch: object, early: object) -> None:
            raise MissingBody(
                "the text of an article was removed from sitegen's cache", "build again", "where"
            )

    class Batcher:
        def __init__(self) -> None:
            self.batches = [{"content/articles/a.ar.md"}]

        def wait(self) -> set[str] | None:
            return self.batches.pop() if self.batches else None

    class Events:
        def __init__(self) -> None:
            self.sent: list[tuple[str, Any]] = []

        def publish(self, kind: str, data: Any) -> None:
            self.sent.append((kind, data))

    shown, events = StringIO(), Events()
    serve_command._rebuild_loop(  # type: ignore[arg-type]
        State(), Batcher(), events, None, None, Console(file=shown, width=300, color_system=None), debug
    )
    text = shown.getvalue()
    assert "sitegen: error: the text of an article was removed from sitegen's cache" in text
    assert serve_command.RESTART in text and "build again" not in text
    assert ("where" in text) == debug and "internal error" not in text
    assert events.sent == [
        (
            "problem",
            [
                {
                    "file": "sitegen",
                    "line": None,
                    "message": "the text of an article was removed from sitegen's cache",
                    "hint": serve_command.RESTART,
                }
            ],
        )
    ]
