"""A record's derived share and its JSON form: each record written once for the plan and the cache."""

from __future__ import annotations

from sfsync.engine.planning.change_order import OrderedChanges
from sfsync.engine.planning.derived_form import Derived, from_json, to_json
from sfsync.engine.plans.codec import encode
from sfsync.engine.plans.plan import Action, PlayEntry, RecordChange, Skip, SkipCode, WorkspaceRef

REF = WorkspaceRef("person", "p_1", "ada@example.com")
CHANGE = RecordChange("Lead/p_1", "Lead", Action.CREATE, REF, None, "create", (), (), 1)
SKIP = Skip(REF, "Contact", SkipCode.POLICY, "kept")


def _share() -> Derived:
    return Derived([CHANGE], [SKIP], [PlayEntry("everyone", "person", "p_1")], [(("defaults", "Lead", "X"), "bad")])


def test_the_form_the_plan_wrote_is_the_one_the_cache_keeps():
    share = _share()
    written = OrderedChanges().add(CHANGE)
    assert written == encode(CHANGE)  # what ordering a change writes is the codec's form of it
    share.written(CHANGE, written)
    body = to_json(share)
    assert body is not None and body["changes"][0] is written  # taken, not written again
    assert body == to_json(_share())  # the same body as a share nothing was written of
    assert from_json(body) == _share()  # and it round-trips, forms aside


def test_a_record_not_written_yet_is_encoded_once_when_its_form_is_asked():
    share = _share()
    form = share.form(SKIP)
    assert form == encode(SKIP) and share.form(SKIP) is form
