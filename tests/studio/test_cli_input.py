"""Every flexctl command: one exit-code table, one input error, and never a traceback for deep input."""

from __future__ import annotations

from pathlib import Path

import pytest

from flexctl.cli import ExitCode, main

FILE_COMMANDS = [
    ["validate", "{path}"],
    ["import", "{path}"],
    ["diagram", "{path}"],
    ["diff", "{path}", "{path}"],
    ["lint", "{path}"],
    ["route", "{path}", "--task", "{{}}"],
]


def argv(template: list[str], path: Path) -> list[str]:
    return [part.format(path=path) for part in template]


@pytest.mark.parametrize("template", FILE_COMMANDS, ids=lambda t: t[0])
def test_a_missing_file_exits_2_from_every_command(
    template: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    assert main(argv(template, missing)) == ExitCode.UNUSABLE_INPUT
    assert int(ExitCode.UNUSABLE_INPUT) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"flexctl {template[0]}: ")
    assert str(missing) in err


@pytest.mark.parametrize("template", FILE_COMMANDS, ids=lambda t: t[0])
def test_json_nested_thousands_deep_is_a_message_not_a_traceback(
    template: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(argv(template, path)) == ExitCode.UNUSABLE_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"flexctl {template[0]}: {path}: the input is nested too deeply to read")
    assert "Traceback" not in err


@pytest.mark.parametrize("template", FILE_COMMANDS, ids=lambda t: t[0])
@pytest.mark.parametrize(
    ("text", "said"),
    [('{"states": [], // exported\n "initial_state": "Trigger"}', "that is a comment, which JSON does not allow"),
     ('{"states": [],\n "initial_state": "Trigger",}',
      "that is a comma after the last item, which JSON does not allow")],
)
def test_a_comment_or_trailing_comma_is_named_by_every_command(
    template: list[str], text: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "jsonc.json"
    path.write_text(text, encoding="utf-8")
    assert main(argv(template, path)) == ExitCode.UNUSABLE_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"flexctl {template[0]}: {path}:")
    assert f"; {said}: remove it); fix the file or export it again" in err


def test_an_expression_thousands_deep_is_a_message_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    expression = "(" * 5000 + "task.vip == true" + ")" * 5000
    assert main(["check-expression", expression]) == ExitCode.UNUSABLE_INPUT
    assert capsys.readouterr().err.startswith("flexctl check-expression: the input is nested too deeply")


def test_a_task_thousands_deep_is_a_message_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workflow = tmp_path / "wf.json"
    workflow.write_text('{"task_routing": {"filters": [], "default_filter": {"queue": "WQ1"}}}', encoding="utf-8")
    task = '{"a": ' * 50_000 + "1" + "}" * 50_000
    assert main(["route", str(workflow), "--task", task]) == ExitCode.UNUSABLE_INPUT
    assert "nested too deeply" in capsys.readouterr().err


def test_a_flow_value_nested_too_deep_for_studio_is_a_warning_of_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "flow.json"
    deep = "[" * 500 + "]" * 500
    path.write_text(
        '{"initial_state": "Trigger", "states": [{"name": "Trigger", "type": "trigger", "transitions": [], '
        f'"properties": {{"custom": {deep}}}}}]}}',
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == ExitCode.OK
    assert main(["validate", "--strict", str(path)]) == ExitCode.FINDINGS
    assert "nested more than 32 levels" in capsys.readouterr().out


def test_a_file_with_a_byte_order_mark_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "flow.json"
    flow = ('{"description": "d", "initial_state": "Trigger", "flags": {"allow_concurrent_calls": true}, "states": '
            '[{"name": "Trigger", "type": "trigger", "properties": {}, "transitions": []}]}')
    path.write_text("\ufeff" + flow, encoding="utf-8")
    assert main(["validate", str(path)]) == ExitCode.OK
    assert f"{path}: valid" in capsys.readouterr().err


def test_a_bug_in_flexctl_exits_3_with_its_traceback_not_as_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(definition: object) -> list[object]:
        raise RuntimeError("a bug")

    monkeypatch.setattr("studio.validate.validate_definition", broken)
    path = tmp_path / "flow.json"
    path.write_text('{"initial_state": "Trigger", "states": []}', encoding="utf-8")
    assert main(["validate", str(path)]) == ExitCode.BUG
    assert int(ExitCode.BUG) == 3
    err = capsys.readouterr().err
    assert "RuntimeError: a bug" in err
    assert err.rstrip().endswith("flexctl validate: this is a bug in flexctl, not a verdict on the input; please "
                                 "report it with the traceback above")


@pytest.mark.parametrize(("missing", "code"), [("pydantic", ExitCode.UNUSABLE_INPUT), ("studio.gone", ExitCode.BUG)])
def test_a_dependency_missing_from_the_python_that_runs_it_says_to_use_the_virtualenv(
    missing: str, code: ExitCode, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m flexctl` with a Python that lacks the project's packages; a module of our own missing is a bug."""
    def unimportable(definition: object) -> list[object]:
        raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)

    monkeypatch.setattr("studio.validate.validate_definition", unimportable)
    path = tmp_path / "flow.json"
    path.write_text('{"initial_state": "Trigger", "states": []}', encoding="utf-8")
    assert main(["validate", str(path)]) == code
    err = capsys.readouterr().err
    assert ("flexctl validate: pydantic is not installed for " in err and "Run `make .venv/.installed`, then "
            "`.venv/bin/python -m flexctl ...`" in err and "Traceback" not in err) is (missing == "pydantic")


@pytest.mark.parametrize(("text", "described"), [("null", "null"), ("[]", "an array"), ('"flow"', "the string 'flow'")])
def test_a_file_that_is_no_json_object_says_what_it_holds_in_json_words(
    text: str, described: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "flow.json"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == ExitCode.UNUSABLE_INPUT
    err = capsys.readouterr().err
    assert err.endswith(f"expected a JSON object (a flow definition or a widget), not {described}\n")
