"""Which files the file-taking commands (`validate`, `fmt`) work on."""

from __future__ import annotations

from pathlib import Path

from sfsync.config.loading import NO_CONFIG_HINT
from sfsync.errors import UsageError

# Inside a directory, these names are sfsync configs; anything else is not. `sfsync.yml` is left out on
# purpose: it is the natural name of a CI workflow that runs sfsync.
PATTERNS = ("sfsync.yaml", "*.sfsync.yaml", "*.sfsync.yml")


def config_files(arguments: tuple[Path, ...], default: Path) -> list[Path]:
    """Files as given (directories searched for config names), in order, without repeats."""
    found: list[Path] = []
    for argument in arguments or (default,):
        if argument.is_dir():
            matches = sorted({match for pattern in PATTERNS for match in argument.rglob(pattern)})
            if not matches:
                raise UsageError(f"{argument}: no sfsync config files (sfsync.yaml, *.sfsync.yaml) here")
            found.extend(matches)
        elif argument.exists():
            found.append(argument)
        else:
            hint = "" if arguments else f"; {NO_CONFIG_HINT}"
            raise UsageError(f"{argument}: no such file{hint}")
    return list(dict.fromkeys(found))
