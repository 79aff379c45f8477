"""Value templates: the one jinja2 environment sfsync uses for default values.

Templates run sandboxed with `StrictUndefined`, so a template can neither reach Python internals nor
silently render a missing value as an empty string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import lru_cache, wraps
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    SandboxedEnvironment,
)

from sfsync.errors import SfsyncError

# The markers that make a string a template rather than a literal value.
TEMPLATE_MARKERS = ("{{", "{%", "{#")


class TemplateRenderError(SfsyncError):
    """A template failed while rendering (an undefined name, a type error, a budget passed)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"template {source!r} failed: {reason}")
        self.reason = reason


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


@lru_cache(maxsize=1024)
def is_template(value: str) -> bool:
    """True when `value` contains template syntax; anything else is a literal.

    Asked for each default of each record planned, of the handful of texts a config holds: answered once each.
    """
    return any(marker in value for marker in TEMPLATE_MARKERS)


def check_syntax(source: str) -> str | None:
    """The syntax error in `source` as one line (with its template line when it has several), or None."""
    try:
        environment().parse(source)
    except TemplateSyntaxError as error:
        where = f" (template line {error.lineno})" if "\n" in source.strip() else ""
        return f"{error.message}{where}"
    return None


def referenced_names(source: str) -> frozenset[str]:
    """The top-level names a syntactically valid template reads (`person`, `company`, …)."""
    return frozenset(meta.find_undeclared_variables(environment().parse(source)))


def referenced_fields(source: str) -> frozenset[str]:
    """`name.attribute` pairs a syntactically valid template reads, e.g. `company.name`."""
    tree = environment().parse(source)
    return frozenset(
        f"{node.node.name}.{node.attr}" for node in tree.find_all(nodes.Getattr) if isinstance(node.node, nodes.Name)
    )


# What the sandbox refuses at render time, found before: a name starting with "_" reaches Python internals.
_UNSAFE = frozenset().union(
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
)


def unsafe_attribute(source: str) -> str | None:
    """The first attribute a syntactically valid template reaches that the sandbox refuses, or None.

    `''.__class__` parses, and fails only when rendered: offline validation names it instead."""
    tree = environment().parse(source)
    names = [_attribute_name(node) for node in tree.find_all((nodes.Getattr, nodes.Getitem))]
    unsafe = [name for name in names if name is not None and (name.startswith("_") or name in _UNSAFE)]
    return min(unsafe, key=source.find, default=None)  # the one written first (the tree lists outer ones first)


def _attribute_name(node: nodes.Node) -> str | None:
    """`x.name` or `x['name']`; None for an index that is not a constant text."""
    if isinstance(node, nodes.Getattr):
        return str(node.attr)
    arg = getattr(node, "arg", None)
    return arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None


def unsupported_statement(source: str) -> str | None:
    """The first statement a syntactically valid template uses that value templates do not allow, or None."""
    tree = environment().parse(source)
    for node in tree.find_all((*STATEMENTS, nodes.For)):
        if isinstance(node, nodes.For):
            if node.recursive:
                return "for … recursive"
            continue
        return STATEMENTS[type(node)]
    return None


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
