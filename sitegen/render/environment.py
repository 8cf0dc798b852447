"""The Jinja environment: site templates over the theme's, checked before anything is rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from sitegen import jinja_fast
from sitegen.errors import SiteError

THEME_DIR = Path(__file__).parent.parent / "theme"
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".json")


def make_environment(site_dir: Path, jinja_fast_code: bool = True) -> jinja2.Environment:
    """Site templates override the packaged theme's, file by file.

    `jinja_fast_code=False` compiles with Jinja's own code generator: the golden test builds with both and
    compares the pages byte for byte (tests/test_golden.py)."""
    loaders: list[jinja2.BaseLoader] = []
    if (site_dir / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(str(site_dir / "templates")))
    loaders.append(jinja2.FileSystemLoader(str(THEME_DIR / "templates")))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,  # every template, including .xml feeds: text from articles is never trusted
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    if jinja_fast_code and jinja_fast.supported():
        env.code_generator_class = jinja_fast.FastCodeGenerator  # same output, less work (jinja_fast.py)
    return env


def check_templates(env: jinja2.Environment) -> list[SiteError]:
    """Compile every template now: a syntax error is reported with its file and line, before rendering."""
    errors = []
    for name in env.list_templates(extensions=[s.lstrip(".") for s in TEMPLATE_SUFFIXES]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            errors.append(
                SiteError(
                    Path(exc.filename or name),
                    exc.lineno,
                    f"template syntax error: {exc.message}",
                    "fix the {{ }} / {% %} tag on this line (every {% if/for/block %} needs "
                    "its {% end... %})",
                )
            )
        except UnicodeDecodeError as exc:
            path = _template_file(env, name)
            line = path.read_bytes()[: exc.start].count(b"\n") + 1 if path else None
            errors.append(
                SiteError(
                    path or Path(name),
                    line,
                    "this template is not UTF-8 text",
                    "open it in your editor and save it with the UTF-8 encoding",
                )
            )
    return errors


def _template_file(env: jinja2.Environment, name: str) -> Path | None:
    """The file the environment loads template `name` from (the site's templates/ before the theme's)."""
    loader = env.loader
    for one in loader.loaders if isinstance(loader, jinja2.ChoiceLoader) else [loader]:
        if isinstance(one, jinja2.FileSystemLoader):
            for folder in one.searchpath:
                if (Path(folder) / name).is_file():
                    return Path(folder) / name
    return None


def render_template(template: jinja2.Template, variables: dict[str, Any]) -> str:
    """`template.render(**variables)`, less its per-call copy of the environment's globals.

    Template.render merges the globals (a ChainMap, read key by key) into every call's context: ~30 us,
    paid 80k times by a 10k-article build for list entries and pages. Here they are merged once per
    template and kept on the template itself (it lives as long as its environment, one per build); the
    rest is what Template.render does (tracebacks still point at template lines)."""
    merged: dict[str, Any] | None = getattr(template, "_sitegen_globals", None)
    if merged is None:
        merged = dict(template.globals)
        template._sitegen_globals = merged  # type: ignore[attr-defined]
    context = template.new_context({**merged, **variables}, shared=True)
    try:
        text: str = template.environment.concat(template.root_render_func(context))
        return text
    except Exception:  # noqa: BLE001 - Jinja's own handler re-raises it with template lines in the traceback
        return template.environment.handle_exception()
