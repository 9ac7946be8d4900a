"""Import: Console exports become readable builder code that prints the same JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from studio.codegen import WIDTH, snake_case
from studio.importer import FlowImportError, import_definition
from tests.studio.flow_samples import CORPUS_FILES, load, run_generated

REPO = Path(__file__).resolve().parents[2]
RUNNER = """
import contextlib, io, json, runpy, sys
outputs = {}
for path in sys.argv[1:]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        runpy.run_path(path, run_name="__main__")
    outputs[path] = buffer.getvalue()
print(json.dumps(outputs))
"""


def python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=environment, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def corpus_modules(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """Every corpus file imported into a module file."""
    folder = tmp_path_factory.mktemp("imported")
    modules = {}
    for index, path in enumerate(CORPUS_FILES):
        module = folder / f"m{index:02d}_{snake_case(path.stem)}.py"
        module.write_text(import_definition(load(path), source=path.name), encoding="utf-8")
        modules[path] = module
    return modules


@pytest.fixture(scope="module")
def corpus_outputs(corpus_modules: dict[Path, Path]) -> dict[Path, str]:
    """What each imported module prints when run as a program (all in one interpreter, for speed)."""
    folder = next(iter(corpus_modules.values())).parent
    result = python("-c", RUNNER, *map(str, corpus_modules.values()), cwd=folder)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    return {path: printed[str(module)] for path, module in corpus_modules.items()}


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name)
def test_imported_corpus_module_prints_json_equal_to_the_input(path: Path, corpus_outputs: dict[Path, str]) -> None:
    assert json.loads(corpus_outputs[path]) == load(path)


def test_imported_module_runs_on_its_own(corpus_modules: dict[Path, Path]) -> None:
    path = next(path for path in CORPUS_FILES if path.name == "fpt_template_example_schedule_flow.json")
    result = python(str(corpus_modules[path]), cwd=corpus_modules[path].parent)
    assert json.loads(result.stdout) == load(path)


def test_imported_corpus_modules_pass_ruff(corpus_modules: dict[Path, Path]) -> None:
    folder = next(iter(corpus_modules.values())).parent
    ruff = REPO / ".venv" / "bin" / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--config", str(REPO / "pyproject.toml"), "--no-cache", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_imported_corpus_modules_keep_lines_short(corpus_modules: dict[Path, Path]) -> None:
    long = [
        f"{module.name}:{number}"
        for module in corpus_modules.values()
        for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > WIDTH and not line.startswith("from studio import")
    ]
    assert long == []


# -- what the code looks like ----------------------------------------------------------------------------

CALLBACK_FLOW = next(path for path in CORPUS_FILES if path.name == "fpt_template_example_callback_flow.json")


def test_placeholders_become_parameter_constants() -> None:
    source = import_definition(load(CALLBACK_FLOW))
    assert 'WORKFLOW_SID = Parameter("WORKFLOW_SID")' in source


def test_placeholder_inside_a_url_becomes_an_f_string() -> None:
    source = import_definition(load(CALLBACK_FLOW))
    assert 'f"https://{SERVERLESS_DOMAIN}"' in source


def test_connections_read_like_the_flow() -> None:
    source = import_definition(load(CALLBACK_FLOW))
    assert "trigger.on_incoming_call >> send_call_to_agent" in source


def test_widgets_use_their_typed_class_and_keywords() -> None:
    source = import_definition(load(CALLBACK_FLOW))
    assert 'send_call_to_agent = SendToFlex(\n            "SendCallToAgent",' in source
    assert 'wait_url_method="POST"' in source


def flow_of(*states: dict[str, Any], **envelope: Any) -> dict[str, Any]:
    trigger = {"name": "Trigger", "type": "trigger", "transitions": [], "properties": {"offset": {"x": 0, "y": 0}}}
    return {"description": "d", "states": [trigger, *states], "initial_state": "Trigger", **envelope}


def say(name: str, **properties: Any) -> dict[str, Any]:
    return {"name": name, "type": "say-play", "transitions": [{"event": "audioComplete"}], "properties": properties}


def test_placeholder_next_to_liquid_braces_is_concatenated() -> None:
    source = import_definition(flow_of(say("a", say="{{flow.data.x}} at ${DOMAIN}")))
    assert '"{{flow.data.x}} at " + DOMAIN' in source


def test_unknown_widget_type_becomes_a_generic_widget() -> None:
    widget = {"name": "m", "type": "run-model-inference", "transitions": [{"event": "ok"}], "properties": {"a": 1}}
    source = import_definition(flow_of(widget))
    assert 'GenericWidget(\n            "m",\n            type="run-model-inference"' in source


# Definitions the typed classes cannot express as keywords; each must still round-trip exactly.
UNUSUAL = {
    "unknown widget type": flow_of(
        {"name": "m", "type": "run-model-inference", "transitions": [{"event": "ok", "next": "m"}], "properties": {}}
    ),
    "property of the wrong type": flow_of(say("a", say="Hi", loop="twice")),
    "boolean property as a string": flow_of(
        {"name": "r", "type": "record-call", "transitions": [], "properties": {"record_call": "true"}}
    ),
    "unknown property": flow_of(say("a", say="Hi", future={"x": [1, None]})),
    "null property": flow_of(say("a", say=None)),
    "empty next": flow_of({**say("a", say="Hi"), "transitions": [{"event": "audioComplete", "next": ""}]}),
    "event listed twice": flow_of({**say("a", say="Hi"), "transitions": [{"event": "audioComplete"}] * 2}),
    "no transitions listed": flow_of({**say("a", say="Hi"), "transitions": []}),
    "widget without offset in a flow": flow_of(say("a", say="Hi")),
    "offset of another shape": flow_of(say("a", say="Hi", offset={"x": 1.5, "y": 2})),
    "key/value list with repeated keys": flow_of(
        {
            "name": "v",
            "type": "set-variables",
            "transitions": [{"event": "next"}],
            "properties": {"variables": [{"key": "a", "value": "1"}, {"key": "a", "value": "${X}"}]},
        }
    ),
    "split without input and an odd condition": flow_of(
        {
            "name": "s",
            "type": "split-based-on",
            "transitions": [{"event": "match", "conditions": [{"type": "equal_to"}]}],
            "properties": {},
        }
    ),
    "split with custom names and arguments": flow_of(
        {
            "name": "s",
            "type": "split-based-on",
            "transitions": [
                {
                    "event": "match",
                    "next": "Trigger",
                    "conditions": [
                        {"friendly_name": "VIP", "arguments": ["{{x}}", "${Y}"], "type": "is_blank", "value": "?"}
                    ],
                },
                {"event": "noMatch"},
            ],
            "properties": {"input": "{{flow.data.vip}}"},
        }
    ),
    "no flags": {k: v for k, v in flow_of(say("a", say="Hi")).items() if k != "flags"},
    "flags off": flow_of(flags={"allow_concurrent_calls": False}),
    "unusual flags and keys": flow_of(flags={"other": 1}, **{"$schema": "s", "extra_key": [1]}),
    "description not a string": flow_of(description=7),
    "initial state not the trigger": flow_of(say("a", say="Hi"), initial_state="a"),
    "no description": {k: v for k, v in flow_of().items() if k != "description"},
    "names that are not identifiers": flow_of(say("class", say="a"), say("1st", say="b"), say("print", say="c")),
    "names that collide": flow_of(
        {**say("send-welcome", say="a"), "transitions": [{"event": "audioComplete", "next": "send_welcome"}]},
        {**say("send_welcome", say="b"), "transitions": [{"event": "audioComplete", "next": "flow"}]},
        {**say("flow", say="c"), "transitions": [{"event": "audioComplete", "next": "send-welcome"}]},
    ),
    "quotes, backslashes and unicode": flow_of(say("a", say="He said \"hi\" \\ 'bye' é 🙂\t\r\n")),
    "very long words": flow_of(say("a", say="x" * 300 + " ${DOMAIN}" + "y" * 200)),
}


@pytest.mark.parametrize("definition", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_definition_round_trips(definition: dict[str, Any]) -> None:
    assert json.loads(run_generated(import_definition(definition))) == definition


def test_widget_state_round_trips_alone() -> None:
    widget = {**say("a", say="${GREETING}"), "transitions": [{"event": "audioComplete", "next": "b"}]}
    assert json.loads(run_generated(import_definition(widget))) == widget


def test_widget_names_become_unique_identifiers() -> None:
    source = import_definition(UNUSUAL["names that collide"])
    assert [line.split(" = ")[0].strip() for line in source.splitlines() if " = SayPlay(" in line] == [
        "send_welcome",
        "send_welcome_2",
        "flow_2",
    ]


def test_name_that_is_a_keyword_gets_another_identifier() -> None:
    widget = {**say("class", say="a"), "transitions": [{"event": "audioComplete", "next": "class"}]}
    assert "class_2 = SayPlay(" in import_definition(flow_of(widget))


def test_single_placeholder_is_the_parameter_itself() -> None:
    source = import_definition(UNUSUAL["key/value list with repeated keys"])
    assert '("a", X)' in source


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a Studio flow definition"),
        ({"states": "x", "initial_state": "T"}, "states must be an array"),
        (
            {"states": [{"name": "a", "type": "say-play", "transitions": []}], "initial_state": "a"},
            "has no 'properties'",
        ),
        ({"states": [{"type": "say-play"}], "initial_state": "a"}, "state #0 has no name"),
        ({"states": [{**say("a"), "color": 1}], "initial_state": "a"}, "keys Studio does not know"),
        ({"states": [say("a")]}, "no initial_state"),
    ],
)
def test_input_that_cannot_be_imported_is_explained(data: Any, message: str) -> None:
    with pytest.raises(FlowImportError, match=message):
        import_definition(data)
