"""Value templates: the one jinja2 environment sfsync uses for default values.

Templates run sandboxed with `StrictUndefined`, so a template can neither reach Python internals nor
silently render a missing value as an empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

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
    """A template failed while rendering (an undefined name, a type error in an expression)."""


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def is_template(value: str) -> bool:
    """True when `value` contains template syntax; anything else is a literal."""
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


def render(source: str, context: Mapping[str, object]) -> str:
    """Render `source` with `context`; any failure becomes a `TemplateRenderError`."""
    try:
        return _compiled(source).render(dict(context))
    except TemplateError as error:
        raise TemplateRenderError(f"template {source!r} failed: {error.message or error}") from error


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A config holds a handful of templates, rendered once per record: compile each once."""
    return environment().from_string(source)
