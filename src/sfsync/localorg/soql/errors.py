"""Query failures, worded exactly as Salesforce words them.

Positional errors echo the offending line of the query with a caret under the reported column,
followed by `ERROR at Row:r:Column:c` and the text, the way the real API formats them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Long lines are echoed as a window around the error rather than whole.
_ECHO_LIMIT = 100
_ECHO_BEFORE = 40
_ECHO_AFTER = 40

_CUSTOM_FIELD_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
    "Please reference your WSDL or the describe call for the appropriate names."
)
_CUSTOM_OBJECT_HINT = (
    "If you are attempting to use a custom object, be sure to append the '__c' after the entity name. "
    "Please reference your WSDL or the describe call for the appropriate names."
)
_CUSTOM_RELATIONSHIP_HINT = (
    "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom "
    "relationship name. Please reference your WSDL or the describe call for the appropriate names."
)


@dataclass(frozen=True)
class Pos:
    """A 1-based row and column in the query text, plus the 0-based character offset."""

    row: int
    column: int
    offset: int


class SoqlError(Exception):
    """A query the API rejects: `error_code` and `message` as the REST error body carries them."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(f"{error_code}: {message}")
        self.error_code = error_code
        self.message = message


def positional(error_code: str, soql: str, pos: Pos, text: str) -> SoqlError:
    line = soql.split("\n")[pos.row - 1] if soql else ""
    echo, caret = _window(line, pos.column - 1)
    message = f"\n{echo}\n{' ' * caret}^\nERROR at Row:{pos.row}:Column:{pos.column}\n{text}"
    return SoqlError(error_code, message)


def _window(line: str, index: int) -> tuple[str, int]:
    if len(line) <= _ECHO_LIMIT:
        return line, index
    start = max(0, index - _ECHO_BEFORE)
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    end = min(len(line), index + _ECHO_AFTER)
    while end < len(line) and not line[end].isspace():
        end += 1
    return line[start:end], index - start


def unexpected_token(soql: str, pos: Pos, token: str | None) -> SoqlError:
    shown = "<EOF>" if token is None else f"'{token}'"
    return positional("MALFORMED_QUERY", soql, pos, f"unexpected token: {shown}")


def malformed(soql: str, pos: Pos, text: str) -> SoqlError:
    return positional("MALFORMED_QUERY", soql, pos, text)


def no_such_column(soql: str, pos: Pos, name: str, entity: str) -> SoqlError:
    text = f"No such column '{name}' on entity '{entity}'. {_CUSTOM_FIELD_HINT}"
    return positional("INVALID_FIELD", soql, pos, text)


def unknown_relationship(soql: str, pos: Pos, name: str) -> SoqlError:
    text = f"Didn't understand relationship '{name}' in field path. {_CUSTOM_RELATIONSHIP_HINT}"
    return positional("INVALID_FIELD", soql, pos, text)


def unknown_child_relationship(soql: str, pos: Pos, name: str) -> SoqlError:
    text = f"Didn't understand relationship '{name}' in FROM part of query call. {_CUSTOM_RELATIONSHIP_HINT}"
    return positional("INVALID_TYPE", soql, pos, text)


def unsupported_type(soql: str, pos: Pos, name: str) -> SoqlError:
    text = f"sObject type '{name}' is not supported. {_CUSTOM_OBJECT_HINT}"
    return positional("INVALID_TYPE", soql, pos, text)


def invalid_field(soql: str, pos: Pos, text: str) -> SoqlError:
    return positional("INVALID_FIELD", soql, pos, text)


def invalid_locator() -> SoqlError:
    return SoqlError("INVALID_QUERY_LOCATOR", "invalid query locator")
