"""The CLI tests' shared fixtures."""

from cli_org import org_workdir  # noqa: F401 - the shared fixture
