from __future__ import annotations

import pytest

from sfsync import templating


def test_render_reads_the_context() -> None:
    assert templating.render("{{ company.name or 'n/a' }}", {"company": {"name": "Acme"}}) == "Acme"
    assert templating.render("{{ company.name or 'n/a' }}", {"company": {"name": None}}) == "n/a"


def test_undefined_names_fail_instead_of_rendering_empty() -> None:
    with pytest.raises(templating.TemplateRenderError, match="undefined"):
        templating.render("{{ person.title }}", {"company": {}})


def test_the_sandbox_blocks_python_internals() -> None:
    with pytest.raises(templating.TemplateRenderError):
        templating.render("{{ ''.__class__.__mro__[1].__subclasses__() }}", {})


def test_check_syntax() -> None:
    assert templating.check_syntax("{{ company.name }}") is None
    unclosed = "unexpected end of template, expected 'end of print statement'."
    assert templating.check_syntax("{{ company.name ") == unclosed
    empty_if = "Expected an expression, got 'end of statement block' (template line 2)"
    assert templating.check_syntax("line one\n{% if %}\n") == empty_if


def test_templates_are_recognised_by_their_markers() -> None:
    assert templating.is_template("{{ x }}") and templating.is_template("{% if x %}y{% endif %}")
    assert not templating.is_template("Open - Not Contacted")


def test_referenced_names_and_fields() -> None:
    source = "{% if person.title %}{{ person.title }} at {% endif %}{{ company.name | upper }}"
    assert templating.referenced_names(source) == {"person", "company"}
    assert templating.referenced_fields(source) == {"person.title", "company.name"}


@pytest.mark.parametrize(
    ("source", "unsafe"),
    [
        ("{{ ''.__class__.__mro__ }}", "__class__"),
        ("{{ person.title['_private'] }}", "_private"),
        ("{{ cycler.next.__func__ }}", "__func__"),
        ("{{ range(3).gi_frame }}", "gi_frame"),
        ("{{ person.title.upper() }}", None),
        ("{{ person.attributes['score'] }}", None),
    ],
)
def test_unsafe_attributes_are_found_without_rendering(source: str, unsafe: str | None) -> None:
    assert templating.unsafe_attribute(source) == unsafe
