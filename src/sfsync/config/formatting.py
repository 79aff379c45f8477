"""`sfsync fmt`: rewrite a YAML file canonically while keeping its comments, key order and flow style.

Canonical means: two-space indentation for mappings, sequences indented under their key, plain
scalars where YAML allows them and double quotes where it does not, full-line comments indented like
the line they precede, one trailing newline. Formatting a formatted file changes nothing.
"""

from __future__ import annotations

import io
import math
import re

from ruamel.yaml import YAML
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarfloat import ScalarFloat

from sfsync.config.source import parse
from sfsync.errors import ConfigError

COMMENT_LINE = re.compile(r"^(\s*)#")


class _CanonicalEmitter(Emitter):
    """Prefers double quotes whenever a scalar cannot be plain."""

    def choose_scalar_style(self) -> str | None:
        style: str | None = super().choose_scalar_style()
        return '"' if style == "'" else style


def _float_text(value: float) -> str:
    """The shortest text that reads back as exactly `value` (ruamel's own can be off by one digit)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(float(value))
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text


def _represent_float(representer: RoundTripRepresenter, value: float) -> ScalarNode:
    return representer.represent_scalar("tag:yaml.org,2002:float", _float_text(value))


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Emitter = _CanonicalEmitter
    yaml.representer.add_representer(ScalarFloat, _represent_float)
    yaml.representer.add_representer(float, _represent_float)
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap long values
    yaml.preserve_quotes = False
    return yaml


def format_text(text: str, file: str) -> str:
    """The canonical form of `text`; raises `ConfigError` when it is not valid YAML (or has duplicate keys)."""
    document = parse(text, file)
    if document.problems:
        raise ConfigError(document.problems)
    loaded = _yaml().load(text)
    if loaded is None:  # only comments (or nothing): there is no document to lay out
        return text.rstrip("\n") + "\n" if text.strip() else ""
    out = io.StringIO()
    _yaml().dump(loaded, out)
    dumped = out.getvalue().rstrip("\n") + "\n"
    # Formatting must never change what the file means: prefer aligned comments, then ruamel's plain
    # output (a `#` line in a block scalar is content), then the file as it is (ruamel cannot lay out
    # some documents that are not configs anyway, such as a lone top-level block scalar).
    for candidate in (_indent_comments(dumped), dumped):
        reread = parse(candidate, file)
        if not reread.problems and reread.value == document.value:
            return candidate
    return text


def _indent_comments(text: str) -> str:
    """Full-line comments keep their old column in ruamel's output; align them with the next line."""
    lines = text.split("\n")
    indent = 0
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        match = COMMENT_LINE.match(line)
        if match:
            lines[index] = " " * indent + line[len(match.group(1)) :]
        elif line.strip():
            indent = len(line) - len(line.lstrip(" "))
    return "\n".join(lines)
