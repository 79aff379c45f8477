"""`sync.auto_apply`: which of a plan's changes `sfsync run` applies without a person."""

from __future__ import annotations

from sfsync.api.auto_apply import auto_appliable, fills_empty, needs_apply
from sfsync.config.run_settings import AutoApply
from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.plan import Action, PlayEntry, RecordChange, WorkspaceRef
from unit.render.plan_cases import field, plan


def _change(who: str, action: Action, *fields: tuple[object, object]) -> RecordChange:
    changes = tuple(field(f"F{n}", before, after) for n, (before, after) in enumerate(fields))
    sf_id = None if action is Action.CREATE else f"00Q{who}"
    return RecordChange(f"k-{who}", "Lead", action, WorkspaceRef("person", who, who), sf_id, "email", changes)


CREATE = _change("new", Action.CREATE, (None, "Ada"))
FILL = _change("fill", Action.UPDATE, (None, "Engineer"), ("", "Initech"))
REPLACE = _change("replace", Action.UPDATE, (None, "Engineer"), ("Manager", "Engineer"))
SECRET = _change("secret", Action.UPDATE, (ValueDigest("hmac-sha256:" + "0" * 64), "x"))


def test_fill_empty_takes_creates_and_updates_that_only_fill_empty_fields() -> None:
    assert [fills_empty(c) for c in (CREATE, FILL, REPLACE, SECRET)] == [True, True, False, False]


def test_a_held_back_record_stays_a_play_entrant_and_the_rest_go_ahead() -> None:
    entries = tuple(PlayEntry("everyone", "person", who) for who in ("new", "fill", "replace", "secret"))
    leaving = PlayEntry("everyone", "person", "gone", entered=False)
    whole = plan(changes=(CREATE, FILL, REPLACE, SECRET), play_entries=(*entries, leaving))
    part = auto_appliable(whole, AutoApply.FILL_EMPTY)
    assert list(part.changes) == [CREATE, FILL]
    assert [e.workspace_id for e in part.play_entries] == ["new", "fill", "gone"]
    assert part.counts() == {"Lead": {"create": 1, "update": 1, "skip": 0}}
    assert auto_appliable(whole, AutoApply.ALL) is whole
    nothing = auto_appliable(whole, AutoApply.NONE)
    assert list(nothing.changes) == [] and [e.workspace_id for e in nothing.play_entries] == ["gone"]


def test_a_quiet_plan_needs_no_apply() -> None:
    assert not needs_apply(plan())
    assert needs_apply(plan(changes=(CREATE,)))
    assert needs_apply(plan(play_entries=(PlayEntry("everyone", "person", "p1"),)))
