"""`--store URL` and how a command finds its store: the option, else the config's `store:`, else the default."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported only by a command that opens one
    from sfsync.store import Store

store_option = click.option(
    "--store",
    "store_url",
    metavar="URL",
    envvar="SFSYNC_STORE",
    default=None,
    help="Store URL, overriding the config's `store:` (sqlite:///PATH or postgresql://…). [env: SFSYNC_STORE]",
)


def store_url_for(store_url: str | None, config_path: Path) -> str:
    """The store a command uses. Without a config file (and no explicit -c) it is the default SQLite file."""
    from sfsync.store import DEFAULT_STORE_URL

    if store_url:
        return store_url
    explicit = click.get_current_context().get_parameter_source("config_path") is not ParameterSource.DEFAULT
    if not explicit and not config_path.exists():
        return DEFAULT_STORE_URL
    from sfsync.config import load_config, resolve_store_url

    return resolve_store_url(load_config(config_path), os.environ)


def open_command_store(store_url: str | None, config_path: Path, *, create: bool = True) -> Store:
    """The command's store; `create=False` for commands that only look at one (a typo creates nothing)."""
    from sfsync.store import open_store

    return open_store(store_url_for(store_url, config_path), create=create)
