"""The one jinja2 environment sfsync renders with: sandboxed, strict, and within budgets.

`StrictUndefined` makes a missing name an error rather than an empty string; the sandbox keeps a
template from reaching Python internals; the budgets stop a template that would build without bound
before it does the work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import lru_cache, wraps
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

from sfsync.templating import TemplateRenderError

# Budgets of one render. A value is at most Salesforce's longest text field (131,072), so any template
# that needs more is a mistake or an attack: `{{ 'A' * 10000000000 }}` once took 23.5 GB to fail.
OUTPUT_LIMIT = 131_072  # characters rendered, and the longest text or list any step may make
LOOP_LIMIT = 100_000  # items `range` may hand out in one render, all loops together
NUMBER_BITS = 4_096  # an integer larger than this (about 1,233 digits) is refused, not computed
# Statements a value template does not need, each a way to build without bound (`set` doubling a text
# in a loop, recursive macros): templates are expressions with `if` and `for`.
STATEMENTS = {
    nodes.Macro: "macro", nodes.CallBlock: "call", nodes.Assign: "set", nodes.AssignBlock: "set",
    nodes.FilterBlock: "filter", nodes.With: "with", nodes.Import: "import", nodes.FromImport: "from",
    nodes.Include: "include", nodes.Extends: "extends", nodes.Block: "block",
}  # fmt: skip
_WIDTH = re.compile(r"(\d{6,})")  # a width or precision in a format string that alone passes the limit
_budget: ContextVar[list[int]] = ContextVar("template_budget")


class TemplateBudgetError(TemplateError):
    """A render went past one of its budgets."""


class _BudgetedEnvironment(SandboxedEnvironment):
    """The sandbox, with every operation that can grow a value checked before it runs.

    Intercepted operators are also never folded at compile time, so no budget is spent on parsing."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            _check_bits(abs(right) * max(abs(left), 1).bit_length())
        if operator == "*":
            _check_product(left, right)
        if operator == "%" and isinstance(left, str):
            _check_format(left)
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)  # `'a'.ljust(10**9)`: a method's width, checked before it runs
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)  # `'{:>999999999}'.format(1)`: the width is in the text itself
        return wrapped


def _check_bits(bits: int) -> None:
    if bits > NUMBER_BITS:
        raise TemplateBudgetError(f"a number would have more than {NUMBER_BITS:,} bits")


def _check_product(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        _check_bits(abs(left).bit_length() + abs(right).bit_length())
    for times, value in ((left, right), (right, left)):
        if isinstance(times, int) and isinstance(value, str | list | tuple) and times * len(value) > OUTPUT_LIMIT:
            raise TemplateBudgetError(f"the result would be longer than {OUTPUT_LIMIT:,}")


def _check_format(text: str) -> None:
    if any(int(width) > OUTPUT_LIMIT for width in _WIDTH.findall(text)) or "*" in text.replace("**", ""):
        raise TemplateBudgetError(f"a format width passes {OUTPUT_LIMIT:,} (or is given as `*`)")


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple) and len(value) > OUTPUT_LIMIT:
        raise TemplateBudgetError(f"a value longer than {OUTPUT_LIMIT:,} was made")
    return value


def _budgeted_range(*args: int) -> range:
    """`range`, its items counted against the render's loop budget (nested loops multiply otherwise)."""
    for arg in args:
        if isinstance(arg, int) and abs(arg) > LOOP_LIMIT * 10:
            raise TemplateBudgetError(f"range of more than {LOOP_LIMIT:,} items")
    numbers = range(*args)
    spent = _budget.get()
    spent[0] += len(numbers)
    if spent[0] > LOOP_LIMIT:
        raise TemplateBudgetError(f"loops ran more than {LOOP_LIMIT:,} times")
    return numbers


def _checked_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose numeric arguments and result stay in budget (`center(10**9)`, `replace` doubling)."""

    @wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        return _sized(function(*args, **kwargs))

    return checked


def _check_arguments(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and arg > OUTPUT_LIMIT:
            raise TemplateBudgetError(f"an argument passes {OUTPUT_LIMIT:,}")


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    env = _BudgetedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.filters = {name: _checked_filter(function) for name, function in env.filters.items()}
    env.globals = {"range": _budgeted_range, "dict": dict, "joiner": env.globals["joiner"]}
    return env


def render(source: str, context: Mapping[str, object]) -> str:
    """Render `source` with `context`, within its budgets; any failure becomes a `TemplateRenderError`."""
    token = _budget.set([0])
    try:
        pieces, size = [], 0
        for piece in _compiled(source).generate(dict(context)):
            size += len(piece)
            if size > OUTPUT_LIMIT:
                raise TemplateBudgetError(f"it renders more than {OUTPUT_LIMIT:,} characters")
            pieces.append(piece)
        return "".join(pieces)
    except TemplateError as error:
        raise TemplateRenderError(source, str(error.message or error)) from error
    except (OverflowError, MemoryError, RecursionError, ValueError) as error:
        raise TemplateRenderError(source, str(error)) from error
    finally:
        _budget.reset(token)


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A config holds a handful of templates, rendered once per record: compile each once."""
    return environment().from_string(source)
