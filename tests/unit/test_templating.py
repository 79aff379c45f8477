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


BOMBS = [
    ("{{ 'A' * 10000000000 }}", "longer than 131,072"),
    ("{{ [1] * 1000000000 }}", "longer than 131,072"),
    ("{{ 7 ** 123456789 }}", "more than 4,096 bits"),
    ("{{ 99999999999999999999 ** 300 }}", "more than 4,096 bits"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "more than 100,000 times"),
    ("{{ 'a'.ljust(1000000000) }}", "an argument passes 131,072"),
    ("{{ 'x'|center(1000000000) }}", "an argument passes 131,072"),
    ("{{ '{:>999999999}'.format(1) }}", "a format width passes 131,072"),
    ("{{ '%0999999999d' % 1 }}", "a format width passes 131,072"),
    ("{{ 'a'|replace('a', 'aa')" + "|replace('a', 'aa')" * 30 + " }}", "a value longer than 131,072 was made"),
    ("{% for i in range(60000) %}{{ 'abc' }}{% endfor %}", "renders more than 131,072 characters"),
]


@pytest.mark.parametrize(("source", "reason"), BOMBS, ids=[f"bomb{n}" for n in range(len(BOMBS))])
def test_a_render_that_passes_a_budget_fails_at_once(source: str, reason: str) -> None:
    with pytest.raises(templating.TemplateRenderError) as failure:
        templating.render(source, {})
    assert reason in failure.value.reason


@pytest.mark.parametrize(
    ("source", "rendered"),
    [
        ("{{ 'x' * 3 }} {{ 2 ** 10 }} {{ 99999999999 * 99999999999 }}", "xxx 1024 9999999999800000000001"),
        ("{{ '%05d' % 42 }} {{ '{:>4}'.format('a') }} {{ 'ab'|center(6) }}", "00042    a   ab  "),
        ("{% for i in range(3) %}{{ i }}{% endfor %}{% for i in range(2) %}{{ i }}{% endfor %}", "01201"),
    ],
)
def test_renders_within_the_budgets_are_as_jinja_makes_them(source: str, rendered: str) -> None:
    assert templating.render(source, {}) == rendered


@pytest.mark.parametrize(
    ("source", "statement"),
    [
        ("{% set x = 1 %}{{ x }}", "set"),
        ("{% macro m() %}a{% endmacro %}{{ m() }}", "macro"),
        ("{% for x in [1] recursive %}{{ x }}{% endfor %}", "for … recursive"),
        ("{% filter upper %}a{% endfilter %}", "filter"),
        ("{% if person.title %}{{ person.title }}{% endif %}{% for a in person.tags %}{{ a }}{% endfor %}", None),
    ],
)
def test_statements_a_value_template_does_not_need_are_named(source: str, statement: str | None) -> None:
    assert templating.unsupported_statement(source) == statement
