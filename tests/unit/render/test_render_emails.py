"""An email's create in the human views: its person and subject named, its bodies folded to their length."""

from __future__ import annotations

from plan_cases import plan

from sfsync.engine.plans.json_form import plan_to_json
from sfsync.engine.plans.plan import Action, FieldChange, RecordChange, WorkspaceRef
from sfsync.render.markdown import render_markdown
from sfsync.render.text import render_text

BODY = "<p>Dear Ada, the engine is ready.</p>"
EMAIL = RecordChange(
    "EmailMessage/e_1", "EmailMessage", Action.CREATE, WorkspaceRef("email", "e_1", "Engines · ada@acme.example"),
    None, "related to Contact 003000000000001AAA as ToAddress",
    (
        FieldChange("Subject", None, "Engines", "email.subject", "create_only", "new record"),
        FieldChange("HtmlBody", None, BODY, "email.html_body", "create_only", "new record"),
    ),
    batch=2,
)  # fmt: skip


def test_text_and_markdown_name_the_email_and_fold_its_body() -> None:
    body = plan_to_json(plan(changes=(EMAIL,)))
    for shown in (render_text(body, max_records=None, color=False), render_markdown(body)):
        assert "Engines · ada" in shown  # the email by its subject and person
        assert BODY not in shown and "Dear Ada" not in shown
        assert f"({len(BODY)} characters)" in shown
    assert body["changes"][0]["fields"][1]["after"] == BODY  # the JSON form keeps what apply sends
