"""The faster code generator (sitegen/jinja_fast.py) must render exactly what Jinja renders."""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from sitegen.jinja_fast import FastCodeGenerator, supported

# the generator extends Jinja 3.1's; on another Jinja the site renders with Jinja's own (tested below)
needs_31 = pytest.mark.skipif(not supported(), reason="jinja_fast is used with Jinja 3.1 only")

TEMPLATES = {
    "values": "{{ s }}|{{ m }}|{{ n }}|{{ none }}|{{ obj }}|{{ d.isoformat() }}|{{ s ~ m }}|{{ m + s }}",
    "helpers": "{{ h.wrap(s) }}|{{ h.wrap(m) }}|{{ ctx_fn() }}|{{ env_fn() }}|{{ '{a}-{b}'.format(a=s, b=n) }}",
    "blocks": "{% set x %}<b>{{ s }}</b>{% endset %}{{ x }}|{% set y = s ~ '!' %}{{ y }}|{{ s | upper }}",
    "macros": "{% macro m1(v) %}<i>{{ v }}</i>{% endmacro %}{% macro m2(v) %}<u>{{ v }}{{ caller() }}</u>{% endmacro %}"
    "{{ m1(s) }}|{% call m2(m) %}{{ s }}{% endcall %}|{% for i in [s, m, n] %}{{ loop.index }}{{ i }}{% endfor %}",
    "autoescape_off": "{% autoescape false %}{{ s }}{% endautoescape %}|{% autoescape true %}{{ s }}{% endautoescape %}",
    "calls_in_loops": "{% for k in [1, 2] %}{{ h.wrap(k) }}{{ ctx_fn() }}{% endfor %}",
    # a @pass_context callee sees the variables set in its block and loop (Jinja passes them on each call)
    "context_vars": "{% block b %}{% set x = 'X' %}{{ ctx_get('x') }}"
    "{% for k in ['K'] %}{% set y = k %}{{ ctx_get('y') }}{{ ctx_get('x') }}{% endfor %}{% endblock %}",
}


class Html:
    def __html__(self) -> str:
        return "<em>x</em>"


class Helpers:
    def wrap(self, value: object) -> Markup:
        return Markup("<span>{}</span>").format(value)


@jinja2.pass_context
def ctx_fn(context: jinja2.runtime.Context) -> str:
    return "ctx:" + context["s"]


@jinja2.pass_context
def ctx_get(context: jinja2.runtime.Context, name: str) -> str:
    return f"[{context.get(name)}]"


@jinja2.pass_environment
def env_fn(environment: jinja2.Environment) -> str:
    return f"env:{environment.autoescape}"


VARS = {
    "s": "<a href='x'>&\"",
    "m": Markup("<b>safe</b>"),
    "n": 42,
    "none": None,
    "obj": Html(),
    "d": dt.date(2020, 1, 2),
    "h": Helpers(),
    "ctx_fn": ctx_fn,
    "env_fn": env_fn,
    "ctx_get": ctx_get,
}


def environments() -> tuple[jinja2.Environment, jinja2.Environment]:
    made = []
    for generator in (jinja2.compiler.CodeGenerator, FastCodeGenerator):
        env = jinja2.Environment(
            loader=jinja2.DictLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
        )
        env.code_generator_class = generator
        made.append(env)
    return made[0], made[1]


@needs_31
@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_same_output_as_jinja(name: str) -> None:
    plain, fast = environments()
    expected = plain.get_template(name).render(VARS)
    got = fast.get_template(name).render(VARS)
    assert got == expected
    assert "<a href" not in got or name == "autoescape_off"  # the hostile string is escaped


@needs_31
def test_fast_code_is_really_used() -> None:
    _, fast = environments()
    source = fast.compile(TEMPLATES["helpers"], raw=True)
    assert "sg_output(" in source and "sg_call(context, " in source
    assert "escape(" not in source.split("\n", 2)[2] and "context.call(" not in source


@needs_31
def test_undefined_still_raises() -> None:
    _, fast = environments()
    with pytest.raises(jinja2.UndefinedError):
        fast.from_string("{{ missing }}").render()
    with pytest.raises(jinja2.UndefinedError):
        fast.from_string("{{ h.nothing(1) }}").render(h=Helpers())


@needs_31
def test_a_run_of_output_is_yielded_once_and_an_error_in_it_names_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("a {{ s }}\nb {{ h.nothing(1) }} c\n{{ n }}\n", encoding="utf-8")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.code_generator_class = FastCodeGenerator
    assert "yield sg_join((" in env.compile(TEMPLATES["values"], raw=True)
    with pytest.raises(jinja2.UndefinedError) as raised:
        env.get_template("t.html").render(VARS)
    lines = [f.lineno for f in traceback.extract_tb(raised.tb) if f.filename.endswith("t.html")]
    assert lines == [2]


def test_the_sites_environment_uses_it_on_the_jinja_it_was_made_for() -> None:
    from sitegen.render import make_environment

    expected = FastCodeGenerator if supported() else jinja2.compiler.CodeGenerator
    assert make_environment(Path(".")).code_generator_class is expected
