"""Jinja templates compiled to the same output with less work per expression.

Two things Jinja's generated code does on every expression cost a third of an article page:
- `{{ x }}` becomes `escape(x)`, which (markupsafe 3) is a Python function that wraps every result in a
  new Markup object, only for the page to join them all into one `str`. Here an output expression is
  escaped to a plain `str` (markupsafe's own C escaping): the joined page is the same text.
- `h.helper(x)` becomes `context.call(h.helper, x, _block_vars=...)`, which inspects the callee for
  `@pass_context` markers on every call. Bound methods of plain Python objects and built-in methods
  (`date.isoformat`) never carry them; those are called directly, everything else goes through
  `context.call` as before.
And each piece of output (text between tags, an expression) is yielded on its own: ~280 yields an article
page, each passed up through the blocks and the templates it extends. Here a run of them is joined first
and yielded once (the same text: the page joins every piece anyway).

Only the code generator changes: the template language, autoescape and undefined checks are Jinja's.
"""

from __future__ import annotations

from importlib import metadata
from types import BuiltinMethodType, MethodType
from typing import Any, Final

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


join: Final = "".join

# callee → True when Jinja would call it as it is (no @pass_context/@pass_environment marker)
_plain: dict[Any, bool] = {}


def output(value: Any) -> str:
    """What `escape(value)` would put in the page, as a `str` (the page joins them into one)."""
    kind = type(value)
    if kind is str:
        return esc(value)
    if kind is Markup:
        markup: str = value  # already safe; a Markup is a str
        return markup
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return esc(str(value))


def call(
    context: Context,
    obj: Any,
    *args: Any,
    _block_vars: dict[str, Any] | None = None,
    _loop_vars: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """`context.call`, without its per-call inspection when the callee cannot ask for the context.

    The variables of the block or loop Jinja passes on every call are named parameters: a plain callee
    never sees them, and no dict is filled and emptied of them (~0.1 us of ~45 calls an article page)."""
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
        if _block_vars is not None:
            kwargs["_block_vars"] = _block_vars
        if _loop_vars is not None:
            kwargs["_loop_vars"] = _loop_vars
        return context.call(obj, *args, **kwargs)
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
        self.writeline("from sitegen.jinja_fast import output as sg_output, call as sg_call, join as sg_join")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("sg_output(")
        if finalize.src is not None:
            self.write(finalize.src)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        """Jinja's visit_Output, with one `yield sg_join((...))` for the pieces instead of a yield each."""
        if frame.buffer is not None or frame.require_output_check:
            super().visit_Output(node, frame)  # already collected into a list, or output that may be skipped
            return
        finalize = self._make_finalize()
        body: list[list[Any] | nodes.Expr] = []
        for child in node.nodes:  # constants evaluated now, as Jinja does
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):  # noqa: BLE001 - as Jinja: raised again at run time
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) < 2:
            super().visit_Output(node, frame)
            return
        self.writeline("yield sg_join((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
            else:
                self.newline(item)  # each expression on its own line: a traceback names its template line
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")

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
