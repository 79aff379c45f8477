"""Whatever a config or a workspace file holds, the CLI answers with a result or positioned errors, never a crash.

Configs go through `sfsync validate` (text and JSON): every error has a file, line and column.
Workspace files (CSV and JSONL, valid and broken bytes) go through `sfsync workspace load`: every
rejected row is reported as `file:line: error: …`, and a file that cannot be read at all names its
line too. A modest number of examples by default; `HYPOTHESIS_PROFILE=full` runs 5,000 of each.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfsync.cli import run

EXAMPLES = 5000 if os.environ.get("HYPOTHESIS_PROFILE") == "full" else 40
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a crash log (which the tests forbid) must not land in the source tree


EXAMPLE_CONFIG = (ROOT / "examples" / "contacts-accounts" / "sfsync.yaml").read_text("utf-8")

# Pieces of real configs, so that mutations reach deep into the models and checks, not only the parser.
CONFIG_LINES = [line for line in EXAMPLE_CONFIG.splitlines() if line.strip()]
CONFIG_TOKENS = [
    "person.email", "company.nope", "op: eq", "op: between", "value: [1, 2]", "${SF_X}", "${BAD VAR}",
    "{{ company.name", "password: hunter2", "policy: owned", "direction: sideways", "Lead:", "Bogus__c:",
    "- ", ": ", "{", "}", "[", "]", "\t", "  ", "'", '"', "&a", "*a", "!!binary", "\x00", "\ufeff", "é", "#",
]  # fmt: skip


@st.composite
def mutated_configs(draw: st.DrawFn) -> str:
    """The example config with lines dropped, repeated, re-indented or spliced with tokens."""
    lines = list(CONFIG_LINES)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(lines) - 1))
        change = draw(st.sampled_from(["drop", "dup", "indent", "dedent", "splice", "swap"]))
        if change == "drop" and len(lines) > 1:
            del lines[at]
        elif change == "dup":
            lines.insert(at, lines[at])
        elif change == "indent":
            lines[at] = "  " + lines[at]
        elif change == "dedent":
            lines[at] = lines[at].removeprefix("  ")
        elif change == "splice":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.sampled_from(CONFIG_TOKENS)) + lines[at][cut:]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines) + "\n"


configs = st.one_of(mutated_configs(), st.text(max_size=300))


def _positioned_config_errors(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["validate", "--format", "json", str(path)])
    out = capsys.readouterr()
    assert code in (0, 1), out
    report = json.loads(out.out)
    assert report["valid"] == (code == 0)
    for diagnostic in report["diagnostics"]:
        assert diagnostic["file"] == str(path), diagnostic
        assert diagnostic["line"] >= 1 and diagnostic["column"] >= 1, diagnostic
    assert run(["validate", str(path)]) == code
    text = capsys.readouterr()
    assert "Traceback" not in text.out + text.err and "internal error" not in text.err
    if code == 1:
        assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: error: ", text.err, re.MULTILINE), text.err


@FUZZ
@given(text=configs)
def test_any_config_is_valid_or_has_positioned_errors(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sfsync.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    _positioned_config_errors(path, capsys)


PERSON_COLUMNS = ["email", "Email", "first_name", "Last Name", "title", "do_not_call", "last_activity_date",
                  "company_domain", "employee_count", "id", "Persona", "", "email"]  # fmt: skip
CELLS = st.one_of(
    st.sampled_from(["a@b.example", "A.B@Example.COM", "not-an-email", "", "yes", "no", "maybe", "2024-02-30",
                     "2024-01-01", "01/02/2024", "x.example", "not a domain", "1e400", "-3", "NaN", "\"", ",", "\n"]),
    st.text(max_size=12),
)  # fmt: skip
RAW_BYTES = st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"\x00", b"\xef\xbb\xbf", b"\r", b"\r\n", b'"', b","])


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from(PERSON_COLUMNS), min_size=1, max_size=6))
    lines = [",".join(header).encode()]
    for _ in range(draw(st.integers(0, 8))):
        cells = draw(st.lists(CELLS, min_size=0, max_size=len(header) + 2))
        line = ",".join(f'"{c}"' if draw(st.booleans()) else c for c in cells).encode("utf-8", "surrogatepass")
        if draw(st.integers(0, 5)) == 0:
            line += draw(RAW_BYTES)
        lines.append(line)
    return b"\n".join(lines) + draw(st.sampled_from([b"", b"\n", b"\r\n"]))


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), CELLS),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)
COMPANY_KEYS = ["domain", "name", "employee_count", "revenue", "revenue_currency", "intent_level", "founded", "id", "x"]


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append(draw(st.binary(max_size=20)).replace(b"\n", b""))
        elif kind == 1:
            lines.append(json.dumps(draw(JSON_VALUES)).encode())
        else:
            record = draw(st.dictionaries(st.sampled_from(COMPANY_KEYS), JSON_VALUES, max_size=5))
            lines.append(json.dumps(record).encode())
    return b"\n".join(lines) + b"\n"


def _positioned_load_errors(path: Path, kind: str, store: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["workspace", "load", str(path), "--object", kind, "--store", store])
    out = capsys.readouterr()
    assert code in (0, 1), out
    assert "Traceback" not in out.out + out.err and "internal error" not in out.err
    position = re.compile(rf"^(error: )?{re.escape(str(path))}:\d+: ")
    for line in out.err.splitlines():
        assert position.match(line), line
    if code == 1:
        assert out.err.strip(), out


@FUZZ
@given(content=csv_files())
def test_any_csv_loads_or_names_the_line_of_each_bad_row(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    _positioned_load_errors(path, "person", f"sqlite:///{tmp_path / 'store.db'}", capsys)


@FUZZ
@given(content=jsonl_files())
def test_any_jsonl_loads_or_names_the_line_of_each_bad_row(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "companies.jsonl"
    path.write_bytes(content)
    _positioned_load_errors(path, "company", f"sqlite:///{tmp_path / 'store.db'}", capsys)


PLAN_CASES = ["first_apply", "updates_and_kept_fields", "every_skip", "errors_and_warnings", "sensitive_values"]
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6), st.just([]), st.just({}))


@st.composite
def damaged_plans(draw: st.DrawFn) -> str:
    """A real plan's JSON with values removed, retyped or replaced somewhere in its tree, or cut short."""
    from unit.render.plan_cases import case_json

    document = case_json(draw(st.sampled_from(PLAN_CASES)))
    for _ in range(draw(st.integers(1, 4))):
        node: Any = document
        while isinstance(node, dict | list) and node and draw(st.integers(0, 3)):
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
            if not isinstance(node[key], dict | list) or not node[key]:
                break
            node = node[key]
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            if draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(ODD_VALUES)
        elif isinstance(node, list) and node:
            node[draw(st.integers(0, len(node) - 1))] = draw(ODD_VALUES)
    text = json.dumps(document)
    return text[: draw(st.integers(0, len(text)))] if draw(st.integers(0, 9)) == 0 else text


@FUZZ
@given(text=damaged_plans())
def test_a_damaged_plan_file_is_refused_with_a_message(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text, "utf-8")
    for output in ("text", "json"):
        code = run(["show", str(path), "--format", output])
        out = capsys.readouterr()
        assert code in (0, 1), out
        assert "Traceback" not in out.out + out.err and "internal error" not in out.err
        if code == 1:
            assert out.err.startswith("error: "), out.err


def test_a_plan_whose_list_is_a_string_is_refused_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the fuzzer: `"identity": "0"` reached the decoder as a string and was an internal error."""
    from unit.render.plan_cases import case_json

    document = case_json("identity_changes")
    document["identity"] = "0"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), "utf-8")
    assert run(["show", str(path)]) == 1
    assert capsys.readouterr().err.startswith("error: malformed plan")
