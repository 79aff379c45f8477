"""A Dagster asset that keeps Salesforce in sync: one sfsync cycle every 15 minutes.

    pip install dagster dagster-webserver      # not a dependency of sfsync
    cd examples/dagster && dagster dev -f definitions.py

The asset's body is `salesforce_sync.sync_salesforce` (plain Python, tested without Dagster); its
environment (SFSYNC_STORE, SFSYNC_CONFIG, the config's SF_* variables) is the Dagster deployment's.
"""

# No `from __future__ import annotations`: Dagster reads the `context` annotation as a type, not a string.
import dagster as dg
from salesforce_sync import sync_salesforce

COUNTS = ("planned", "pending", "api_used", "api_max")


@dg.asset(
    description="Salesforce kept in sync with the workspace by one sfsync cycle (sfsync run --once).",
    kinds={"salesforce", "postgres"},
)
def salesforce_sync(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Fails the run when the cycle's exit code is not 0; a cycle's outcome and counts are its metadata."""
    cycle = sync_salesforce()
    context.log.info(f"sfsync cycle {cycle['outcome']}: {cycle['planned']} planned, {cycle['pending']} pending")
    metadata: dict[str, dg.RawMetadataValue] = {
        "outcome": cycle["outcome"],
        "rows": dg.MetadataValue.json(cycle["rows"]),
        "run_id": cycle["run_id"] or "",
        **{name: cycle[name] for name in COUNTS if cycle.get(name) is not None},
    }
    return dg.MaterializeResult(metadata=metadata)


every_15_minutes = dg.ScheduleDefinition(
    name="salesforce_sync_every_15_minutes",
    target=dg.AssetSelection.assets(salesforce_sync),
    cron_schedule="*/15 * * * *",
)

defs = dg.Definitions(assets=[salesforce_sync], schedules=[every_15_minutes])
