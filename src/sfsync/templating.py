"""Value templates: the one jinja2 environment sfsync uses for default values.

Templates run sandboxed with `StrictUndefined`, so a template can neither reach Python internals nor
silently render a missing value as an empty string.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from sfsync.errors import SfsyncError

if TYPE_CHECKING:  # jinja2 is imported on first use: a config without templates never needs it
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

# The markers that make a string a template rather than a literal value.
TEMPLATE_MARKERS = ("{{", "{%", "{#")


class TemplateRenderError(SfsyncError):
    """A template failed while rendering (an undefined name, a type error in an expression)."""


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def is_template(value: str) -> bool:
    """True when `value` contains template syntax; anything else is a literal."""
    return any(marker in value for marker in TEMPLATE_MARKERS)


def check_syntax(source: str) -> str | None:
    """The syntax error in `source` as one line (with its template line when it has several), or None."""
    from jinja2 import TemplateSyntaxError

    try:
        environment().parse(source)
    except TemplateSyntaxError as error:
        where = f" (template line {error.lineno})" if "\n" in source.strip() else ""
        return f"{error.message}{where}"
    return None


def referenced_names(source: str) -> frozenset[str]:
    """The top-level names a syntactically valid template reads (`person`, `company`, …)."""
    from jinja2 import meta

    return frozenset(meta.find_undeclared_variables(environment().parse(source)))


def referenced_fields(source: str) -> frozenset[str]:
    """`name.attribute` pairs a syntactically valid template reads, e.g. `company.name`."""
    from jinja2 import nodes

    tree = environment().parse(source)
    return frozenset(
        f"{node.node.name}.{node.attr}" for node in tree.find_all(nodes.Getattr) if isinstance(node.node, nodes.Name)
    )


def render(source: str, context: Mapping[str, object]) -> str:
    """Render `source` with `context`; any failure becomes a `TemplateRenderError`."""
    from jinja2 import TemplateError

    try:
        return _compiled(source).render(dict(context))
    except TemplateError as error:
        raise TemplateRenderError(f"template {source!r} failed: {error.message or error}") from error


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    """A config holds a handful of templates, rendered once per record: compile each once."""
    return environment().from_string(source)
