"""The orchestrator examples do what their READMEs say: the Kubernetes CronJob runs a valid `sfsync run
--once` with the environment its config reads, and the Dagster asset's body runs one cycle against the
local org and a real PostgreSQL store (the asset itself only where Dagster is installed)."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import pytest
import yaml
from cli_org import initech_leads

from sfsync.cli import cli, run
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.store import open_store
from unit.store.backends import empty_postgres, postgres_database

__all__ = ["postgres_database"]

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "examples" / "kubernetes"
DAGSTER = ROOT / "examples" / "dagster"
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _cronjob() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((KUBERNETES / "cronjob.yaml").read_text(encoding="utf-8"))
    return loaded


def _pod(cronjob: dict[str, Any]) -> dict[str, Any]:
    pod: dict[str, Any] = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return pod


def _parsed(argv: list[str]) -> click.Context:
    """`argv` parsed by the real command line, down to its command: options and values checked, nothing run."""
    command: click.Command = cli
    rest = list(argv)
    while isinstance(command, click.Group):
        found = command.get_command(click.Context(command), rest[0])  # the CLI loads its commands on use
        assert found is not None, f"no command {rest[0]!r}"
        command, rest = found, rest[1:]
    return command.make_context(str(command.name), rest)


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif isinstance(value, str):
        yield from REFERENCE.findall(value)


def test_the_cronjob_runs_one_cycle_at_a_time_and_never_restarts_it() -> None:
    cronjob = _cronjob()
    assert (cronjob["apiVersion"], cronjob["kind"]) == ("batch/v1", "CronJob")
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert cronjob["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 0
    pod = _pod(cronjob)
    assert pod["restartPolicy"] == "Never"
    assert pod["terminationGracePeriodSeconds"] >= 60  # room for the chunk in flight after SIGTERM


def test_the_cronjob_command_is_a_valid_run_once_of_the_mounted_config() -> None:
    (container,) = _pod(_cronjob())["containers"]
    program, *argv = container["command"]
    assert program == "sfsync"
    context = _parsed(argv)
    assert context.command.name == "run"
    assert (context.params["once"], context.params["every"], context.params["output"]) == (True, None, "json")
    config = context.params["config_path"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in _pod(_cronjob())["volumes"]}
    (config_volume,) = [name for name, volume in volumes.items() if "configMap" in volume]
    assert config == Path(mounts[config_volume]) / "sfsync.yaml"  # the ConfigMap made from examples/kubernetes
    assert str(context.params["out"]).startswith(mounts["work"])  # the plan goes to a writable volume
    with pytest.raises(click.NoSuchOption):  # the check parses for real: a wrong option is refused
        _parsed([*argv, "--every-day"])


def test_the_cronjob_sets_exactly_what_its_config_reads_secrets_from_a_secret() -> None:
    (container,) = _pod(_cronjob())["containers"]
    env = {item["name"]: item for item in container["env"]}
    config = yaml.safe_load((KUBERNETES / "sfsync.yaml").read_text(encoding="utf-8"))
    assert set(env) == set(_references(config))
    for name, item in env.items():
        if name != "SF_PRIVATE_KEY_FILE":  # a path into the Secret's volume, not a secret itself
            assert item["valueFrom"]["secretKeyRef"]["name"] == "sfsync", name
    key_file = Path(env["SF_PRIVATE_KEY_FILE"]["value"])
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert key_file.parent == Path(mounts["private-key"])
    assert run(["validate", str(KUBERNETES / "sfsync.yaml")]) == 0


def _dagster_body() -> ModuleType:
    """examples/dagster/salesforce_sync.py, imported from its file (it needs no Dagster)."""
    spec = importlib.util.spec_from_file_location("salesforce_sync", DAGSTER / "salesforce_sync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # definitions.py imports it by this name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def postgres_project(org_workdir: Path, postgres_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A project writing Leads by itself, its store the PostgreSQL one SFSYNC_STORE names, two people loaded."""
    url = empty_postgres(postgres_database)
    config = initech_leads().replace("person_object: leads}", "person_object: leads, auto_apply: all}")
    (org_workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    (org_workdir / "people.csv").write_text(
        "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\n", encoding="utf-8"
    )
    monkeypatch.setenv("SFSYNC_STORE", url)
    monkeypatch.setenv("SFSYNC_CONFIG", str(org_workdir / "sfsync.yaml"))
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    yield url
    sys.modules.pop("salesforce_sync", None)


def _lead_count(org: LocalOrgHandle) -> int:
    found = org.simple_salesforce().query("SELECT COUNT() FROM Lead WHERE Email LIKE '%initech.example'")
    return int(found["totalSize"])


@pytest.mark.org
@pytest.mark.postgres
def test_the_dagster_body_runs_a_cycle_against_the_postgres_store(
    postgres_project: str,
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = _dagster_body()
    first = body.sync_salesforce()
    assert (first["outcome"], first["rows"], first["pending"]) == ("applied", {"written": 2}, 0)
    assert _lead_count(local_org) == 2
    assert not (org_workdir / "sfsync.db").exists()  # the config's own `store:` was not used
    with open_store(postgres_project) as store:
        (cycle,) = store.runs.recent("cycle", 5)
        assert (cycle.id, cycle.status) == (first["run_id"], "applied")
    assert body.sync_salesforce()["outcome"] == "in_sync"
    monkeypatch.setenv("SF_PASSWORD", "wrong")
    with pytest.raises(body.SyncFailed, match="INVALID_LOGIN") as failed:
        body.sync_salesforce()
    assert (failed.value.exit_code, failed.value.cycle["outcome"]) == (1, "failed")
    with pytest.raises(ValueError, match="SFSYNC_STORE"):
        body.sync_salesforce({"SFSYNC_CONFIG": os.environ["SFSYNC_CONFIG"]})


@pytest.mark.org
@pytest.mark.postgres
def test_the_dagster_asset_materialises_one_cycle(
    postgres_project: str,
    local_org: LocalOrgHandle,  # noqa: F811
) -> None:
    dagster = pytest.importorskip(
        "dagster", reason="Dagster is not a dependency of sfsync; the asset's body is tested above without it"
    )
    _dagster_body()
    spec = importlib.util.spec_from_file_location("sfsync_dagster_definitions", DAGSTER / "definitions.py")
    assert spec is not None and spec.loader is not None
    definitions = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(definitions)
    result = dagster.materialize([definitions.salesforce_sync])
    assert result.success
    (materialization,) = result.asset_materializations_for_node("salesforce_sync")
    assert materialization.metadata["outcome"].value == "applied"
    assert _lead_count(local_org) == 2
