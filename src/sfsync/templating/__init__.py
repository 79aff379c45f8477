"""Value templates: whether a value is one, rendering it, and what `validate` checks of it.

jinja2 lives behind this package and is imported on first use (`budgets`, `checks`): a config
without templates never needs it. Templates run sandboxed with `StrictUndefined` and budgets
(`budgets.py`), so a template can neither reach Python internals, nor silently render a missing
value as an empty string, nor build without bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from sfsync.errors import SfsyncError

# The markers that make a string a template rather than a literal value.
TEMPLATE_MARKERS = ("{{", "{%", "{#")


class TemplateRenderError(SfsyncError):
    """A template failed while rendering (an undefined name, a type error, a budget passed)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"template {source!r} failed: {reason}")
        self.reason = reason


@lru_cache(maxsize=1024)
def is_template(value: str) -> bool:
    """True when `value` contains template syntax; anything else is a literal.

    Asked for each default of each record planned, of the handful of texts a config holds: answered once each.
    """
    return any(marker in value for marker in TEMPLATE_MARKERS)


def render(source: str, context: Mapping[str, object]) -> str:
    """Render `source` with `context`, within its budgets; any failure becomes a `TemplateRenderError`."""
    from sfsync.templating.budgets import render as render_within_budgets

    return render_within_budgets(source, context)


def check_syntax(source: str) -> str | None:
    """The syntax error in `source` as one line (with its template line when it has several), or None."""
    from sfsync.templating.checks import check_syntax as check

    return check(source)


def referenced_names(source: str) -> frozenset[str]:
    """The top-level names a syntactically valid template reads (`person`, `company`, …)."""
    from sfsync.templating.checks import referenced_names as names

    return names(source)


def referenced_fields(source: str) -> frozenset[str]:
    """`name.attribute` pairs a syntactically valid template reads, e.g. `company.name`."""
    from sfsync.templating.checks import referenced_fields as fields

    return fields(source)


def unsafe_attribute(source: str) -> str | None:
    """The first attribute a syntactically valid template reaches that the sandbox refuses, or None."""
    from sfsync.templating.checks import unsafe_attribute as unsafe

    return unsafe(source)


def unsupported_statement(source: str) -> str | None:
    """The first statement a template uses that value templates do not allow, or None."""
    from sfsync.templating.checks import unsupported_statement as statement

    return statement(source)
