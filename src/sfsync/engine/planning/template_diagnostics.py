"""A default's template that failed for a record, as a plan diagnostic at the default's place in the config."""

from __future__ import annotations

from sfsync.config import LoadedConfig
from sfsync.engine.plans.plan import PlanDiagnostic
from sfsync.engine.values import TemplateFailure
from sfsync.errors import Severity


def template_diagnostic(loaded: LoadedConfig, failure: TemplateFailure) -> PlanDiagnostic:
    """An error naming the template's failure, positioned at the default in `sfsync.yaml`."""
    path = failure.path
    if path[0] == "plays":  # the config locates list items by index, the failure by play name
        names = [p.name for p in loaded.config.plays]
        path = ("plays", names.index(str(path[1])), *path[2:])
    position = loaded.position(path)
    return PlanDiagnostic(
        Severity.ERROR,
        f"template failed: {failure}",
        file=position.file if position else None,
        line=position.line if position else None,
        column=position.column if position else None,
        path=".".join(str(p) for p in failure.path),
    )
