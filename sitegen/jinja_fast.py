"""Jinja templates compiled to the same output with less work per expression.

Two things Jinja's generated code does on every expression cost a third of an article page:
- `{{ x }}` becomes `escape(x)`, which (markupsafe 3) is a Python function that wraps every result in a
  new Markup object, only for the page to join them all into one `str`. Here an output expression is
  escaped to a plain `str` (markupsafe's own C escaping): the joined page is the same text.
- `h.helper(x)` becomes `context.call(h.helper, x, _block_vars=...)`, which inspects the callee for
  `@pass_context` markers on every call. Bound methods of plain Python objects and built-in methods
  (`date.isoformat`) never carry them; those are called directly, everything else goes through
  `context.call` as before.

Only the code generator changes: the template language, autoescape and undefined checks are Jinja's.
"""

from __future__ import annotations

from importlib import metadata
from types import BuiltinMethodType, MethodType
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context
from markupsafe import Markup

from sitegen.escape import esc


def supported() -> bool:
    """The generator overrides internals of Jinja 3.1's; on another Jinja, Jinja's own is used (same pages)."""
    try:
        return metadata.version("jinja2").startswith("3.1.")
    except metadata.PackageNotFoundError:  # pragma: no cover - Jinja vendored without its metadata
        return False


# callee → True when Jinja would call it as it is (no @pass_context/@pass_environment marker)
_plain: dict[Any, bool] = {}


def output(value: Any) -> str:
    """What `escape(value)` would put in the page, as a `str` (the page joins them into one)."""
    kind = type(value)
    if kind is str:
        return esc(value)
    if kind is Markup:
        return value
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return esc(str(value))


def call(context: Context, obj: Any, *args: Any, **kwargs: Any) -> Any:
    """`context.call`, without its per-call inspection when the callee cannot ask for the context."""
    kind = type(obj)
    if kind is MethodType:
        func = obj.__func__
        plain = _plain.get(func)
        if plain is None:
            # the marker Jinja's @pass_context/@pass_environment/@pass_eval_context set on a function
            plain = _plain[func] = not hasattr(func, "jinja_pass_arg")
    else:
        plain = kind is BuiltinMethodType  # date.isoformat, str.format: no attributes can be set on them
    if not plain:
        return context.call(obj, *args, **kwargs)
    kwargs.pop("_block_vars", None)
    kwargs.pop("_loop_vars", None)
    try:
        return obj(*args, **kwargs)
    except StopIteration:  # as Context.call does
        return context.environment.undefined(
            "value was undefined because a callable raised a StopIteration exception"
        )


class FastCodeGenerator(CodeGenerator):
    """Jinja's code generator with the two calls above swapped in (sync, non-sandboxed environments only)."""

    _swap_call = False

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        self.writeline("from sitegen.jinja_fast import output as sg_output, call as sg_call")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("sg_output(")
        if finalize.src is not None:
            self.write(finalize.src)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        # Jinja writes "context.call(" first, then the callee and arguments: the first write is swapped
        self._swap_call = not (self.environment.is_async or self.environment.sandboxed)
        super().visit_Call(node, frame, forward_caller=forward_caller)

    def write(self, x: str) -> None:
        if self._swap_call:
            self._swap_call = False
            if x == "context.call(":
                x = "sg_call(context, "
        super().write(x)
