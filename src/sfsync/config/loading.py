"""`load_config`: a file → a validated `Config` with its source map, or every problem at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sfsync.config.source import Document, SourceMap, parse
from sfsync.errors import ConfigError, Diagnostic, Diagnostics, Position, Severity, UsageError

if TYPE_CHECKING:
    from sfsync.config.models import Config


@dataclass(frozen=True)
class LoadedConfig:
    """A valid config, the file it came from, and where each of its parts is written."""

    config: Config
    path: Path
    source: SourceMap
    warnings: tuple[Diagnostic, ...] = ()

    def position(self, path: tuple[str | int, ...], *, key: bool = False) -> Position | None:
        """Where the value (or, with `key`, the key) at a model path is written; model names such as
        `from_` are accepted. Falls back to the nearest enclosing part that is written in the file."""
        return self.source.position(path, key=key)


NO_CONFIG_HINT = "run `sfsync init` to write a starter config here, or name the config with -c PATH"


def read_text(path: Path) -> tuple[str, list[Diagnostic]]:
    """The file's text; bytes that are not UTF-8 become a positioned error (and U+FFFD)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise UsageError(f"{path}: no such file; {NO_CONFIG_HINT}") from error
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror})") from error
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        where = Position(str(path), line, column)
        return data.decode("utf-8", errors="replace"), [
            Diagnostic(Severity.ERROR, "the file is not UTF-8 text", position=where, hint="save it as UTF-8")
        ]


def load_document(path: Path) -> Document:
    """Parse a file without validating it (for tools that only need the YAML and its positions)."""
    text, problems = read_text(path)
    document = parse(text, str(path))
    return Document(document.value, document.source, (*problems, *document.problems))


def load_config(path: Path) -> LoadedConfig:
    """Load and check one config; raises `ConfigError` carrying every problem found."""
    return _checked(load_document(path), path)


def load_config_text(text: str, path: Path) -> LoadedConfig:
    """`load_config` of a config not written yet (`sfsync init` connects before it writes): `text` as if it
    were the file at `path`, whose directory relative `*_file` paths are read from."""
    return _checked(parse(text, str(path)), path)


def _checked(document: Document, path: Path) -> LoadedConfig:
    problems = Diagnostics(list(document.problems))
    config = _validate(document, problems) if document.value is not None or not problems else None
    if problems.has_errors() or config is None:
        raise ConfigError(problems)
    return LoadedConfig(config, path, document.source, tuple(problems.warnings))


def _validate(document: Document, problems: Diagnostics) -> Config | None:
    # the models (pydantic) and the checks are imported here: `sfsync fmt` reads and parses files only
    from pydantic import ValidationError

    from sfsync.config.checks import semantic_problems
    from sfsync.config.models import Config
    from sfsync.config.secrets import secret_problems

    value, source = document.value, document.source
    if not isinstance(value, dict):
        got = "an empty file" if value is None else "not a mapping"
        hint = "start with `version: 1` and a `connection:` section"
        summary = f"an sfsync config is a mapping of sections; this is {got}"
        problems.error(summary, position=source.position(()), hint=hint)
        return None
    problems.extend(secret_problems(value, source))
    problems.extend(semantic_problems(value, source))
    try:
        return Config.model_validate(value)
    except ValidationError as error:
        from sfsync.config.translate import translate  # only a config with errors needs them said

        problems.extend(translate(error, value, source))
        return None
