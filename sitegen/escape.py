"""Escaping text for HTML exactly as Jinja's autoescape does, for helpers that build markup in Python.

The helpers escape ~100 small strings per article page; markupsafe's public `escape` wraps each
result in a Markup object (~1.2 us), its C core alone takes ~0.15 us. Only for `str` arguments: a
Markup passed here would be escaped twice.
"""

from __future__ import annotations

from typing import Callable

from markupsafe import escape

esc: Callable[[str], str]
try:
    from markupsafe._speedups import _escape_inner as esc  # type: ignore[no-redef]
except ImportError:  # pragma: no cover - markupsafe without its C extension, or a future layout

    def esc(text: str) -> str:  # type: ignore[misc]
        return str(escape(text))
