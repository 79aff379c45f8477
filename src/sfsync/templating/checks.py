"""What `validate` learns of a template without rendering it: syntax, names read, what it reaches."""

from __future__ import annotations

from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
)

from sfsync.templating.budgets import STATEMENTS, environment


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
