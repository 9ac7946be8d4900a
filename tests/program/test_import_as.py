"""``flexctl import FLOW.json --as NAME``: real Console exports become registered flows any stack can deploy."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from flexctl.cli import main
from flexctl.flow_import import Naming, module_source, parameterize
from tests.lifecycle.conftest import copy_project
from tests.program.support import ROOT
from tests.shared_data import CORPUS

REALWORLD = CORPUS / "realworld" / "flows"
IVR = REALWORLD / "slintab_twilio-flex-terraform_voice-ivr-flow.json"  # three workflows, Terraform placeholders
WEBCHAT = REALWORLD / "techmatters_flex-plugins_ca-webchat-v2.json"  # Conversations, runs a subflow
SUBFLOW = REALWORLD / "techmatters_flex-plugins_system-down.json"  # that subflow (incomingParent)
SEGMENT = REALWORLD / "andrej-s_twilio-segment-ivr_flow.json"  # a Console export with WW... and TC... SIDs
SUBFLOW_REFERENCE = "${system_down_studio_subflow_sid}"


def export(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    definition: dict[str, Any] = data.get("definition", data)
    return definition


def flexctl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """flexctl with ``cwd``'s flows/ first on the path, as in a user's clone."""
    return subprocess.run([sys.executable, "-m", "flexctl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_every_account_sid_becomes_a_named_parameter() -> None:
    names, declarations = parameterize(export(SEGMENT), Naming(workflows=("Pre-agent routing",)))
    assert all(text.startswith(("WW", "TC", "${")) for text in names)
    workflow = next(name for text, name in names.items() if text.startswith("WW"))
    assert declarations[workflow][0] == f'registry.workflow_sid("Pre-agent routing", parameter="{workflow}")'
    channel = next(name for text, name in names.items() if text.startswith("TC"))
    assert declarations[channel][0] == f'registry.task_channel_sid("voice", parameter="{channel}")'


def test_a_workflow_nobody_named_is_a_parameter_with_a_todo() -> None:
    source = module_source(export(SEGMENT), name="segment_ivr", friendly_name=None, naming=Naming(), source="x.json")
    assert "# TODO WW93afabb5b071578094989453eb40b476 in the export" in source
    assert "--workflow 'WW93afabb5b071578094989453eb40b476=<its friendly name>'" in source  # quoted for ${...}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with three real exports imported and bound in `local`, as the README says."""
    root = copy_project(tmp_path_factory.mktemp("imported") / "project", program=None)
    commands: list[tuple[Path, str, *tuple[str, ...]]] = [
        (IVR, "sales_ivr", "--workflow", "Pre-agent routing"),
        (SUBFLOW, "system_down"),
        (WEBCHAT, "webchat", "--workflow", "Pre-agent routing", "--subflow", f"{SUBFLOW_REFERENCE}=system_down"),
    ]
    for path, name, *options in commands:
        path.read_bytes()  # without shared/ beside the clone: FileNotFoundError, which skips (tests/conftest.py)
        result = flexctl("import", str(path), "--as", name, *options, cwd=root)
        assert result.returncode == 0, result.stderr
        assert f"flows/{name}.py" in result.stdout
    stack = yaml.safe_load((root / "Pulumi.local.yaml").read_text())
    config = stack["config"]
    config["flex-pre-agent:phoneNumbers"].append({"number": "+15005550009", "voice": "sales_ivr"})
    config["flex-pre-agent:conversationsAddresses"].append({"address": "+15005550010", "flow": "webchat"})
    config["flex-pre-agent:flows"] = ["system_down"]
    config["flex-pre-agent:flowParameters"] = {name: f"https://example.com/{name.lower()}"
                                               for name in ("system_down", "webchat")
                                               for name in references(root / "flows" / f"{name}.py", todo=True)}
    (root / "Pulumi.local.yaml").write_text(yaml.safe_dump(stack, sort_keys=False))
    return root


def references(module: Path, *, todo: bool = False) -> dict[str, str]:
    """Parameter name -> the export's text it stands for, read from the comments above each declaration."""
    found: dict[str, str] = {}
    comment: list[str] = []
    for line in module.read_text().splitlines():
        if line.startswith("# "):
            comment.append(line[2:])
        elif comment and " = " in line:
            text = comment[0].removeprefix("TODO ").split(" ")[0]
            if not todo or comment[0].startswith("TODO"):
                found[line.split(" = ")[0]] = text
            comment = []
    return found


def test_imported_modules_rebuild_the_export_with_the_references_filled_back(project: Path) -> None:
    script = """
import json, sys
from flows.registry import all_flows
flows = all_flows()
for name, values in json.loads(sys.argv[1]).items():
    print(json.dumps(flows[name].flow(None).to_definition(values)))
"""
    cases = {"sales_ivr": IVR, "system_down": SUBFLOW, "webchat": WEBCHAT}
    values = {name: references(project / "flows" / f"{name}.py") for name in cases}
    result = subprocess.run([sys.executable, "-c", script, json.dumps(values)], cwd=project, capture_output=True,
                            text=True, timeout=120, check=False, env={"PYTHONPATH": str(project)})
    assert result.returncode == 0, result.stderr
    rebuilt = [json.loads(line) for line in result.stdout.splitlines()]
    assert rebuilt == [export(path) for path in cases.values()]


def test_an_imported_flow_bound_in_local_renders_with_its_subflow_and_workflows(project: Path) -> None:
    result = flexctl("render", "local", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    out = project / "build" / "local"
    ivr = json.loads((out / "sales_ivr.json").read_text())
    sends = [state["properties"] for state in ivr["states"] if state["type"] == "send-to-flex"]
    assert {send["workflow"] for send in sends} == {"${SALES_WORKFLOW_SID}", "${SUPPORT_WORKFLOW_SID}",
                                                    "${ALL_WORKFLOW_SID}"}
    webchat = json.dumps(json.loads((out / "webchat.json").read_text()))
    assert "${SYSTEM_DOWN_STUDIO_SUBFLOW_SID}" in webchat  # the subflow's SID, filled at deploy time
    assert (out / "system_down.json").is_file()
    assert "listed under flows in Pulumi.local.yaml" in (out / "index.html").read_text()


def test_an_imported_name_that_exists_is_refused(project: Path) -> None:
    result = flexctl("import", str(IVR), "--as", "sales_ivr", cwd=project)
    assert result.returncode == 2
    assert "exists; pick another --as name, or pass --force" in result.stderr


def _run_function_export(function_sid: str) -> dict[str, Any]:
    return {"description": "x", "initial_state": "Trigger", "flags": {"allow_concurrent_calls": True}, "states": [
        {"name": "Trigger", "type": "trigger", "properties": {"offset": {"x": 0, "y": 0}},
         "transitions": [{"event": "incomingCall", "next": "lookup"}]},
        {"name": "lookup", "type": "run-function", "transitions": [{"event": "success", "next": "to_flex"}],
         "properties": {"function_sid": function_sid, "url": "https://x-1234.twil.io/lookup",
                        "offset": {"x": 0, "y": 200}}},
        {"name": "to_flex", "type": "send-to-flex", "transitions": [],
         "properties": {"workflow": "WW0123456789abcdef0123456789abcdef", "offset": {"x": 0, "y": 400},
                        "channel": "TC0123456789abcdef0123456789abcdef", "attributes": "{}"}}]}


def test_a_parameter_declared_elsewhere_with_the_same_source_keeps_its_name() -> None:
    from flows.registry import Source

    names, declarations = parameterize(_run_function_export("ZH0123456789abcdef0123456789abcdef"), Naming(),
                                       {"VOICE_CHANNEL_SID": Source("task_channel", "voice")})
    assert names["TC0123456789abcdef0123456789abcdef"] == "VOICE_CHANNEL_SID"  # was VOICE_CHANNEL_SID_2
    assert declarations["VOICE_CHANNEL_SID"][0] == 'registry.task_channel_sid("voice", parameter="VOICE_CHANNEL_SID")'
    names, _ = parameterize(_run_function_export("ZH0123456789abcdef0123456789abcdef"), Naming(),
                            {"VOICE_CHANNEL_SID": Source("task_channel", "chat")})
    assert names["TC0123456789abcdef0123456789abcdef"] == "VOICE_CHANNEL_SID_2"  # another channel: its own name


def test_a_flow_parameter_another_flow_reads_gets_the_flows_name_not_the_same_key() -> None:
    export_ = _run_function_export("ZH0123456789abcdef0123456789abcdef")
    names, declarations = parameterize(export_, Naming(), {}, flow_name="order_lookup", used={"FUNCTION_SID"})
    assert names["ZH0123456789abcdef0123456789abcdef"] == "ORDER_LOOKUP_FUNCTION_SID"
    assert "flowParameters.ORDER_LOOKUP_FUNCTION_SID" in declarations["ORDER_LOOKUP_FUNCTION_SID"][1]
    names, _ = parameterize(export_, Naming(), {}, flow_name="order_lookup", used=set())
    assert names["ZH0123456789abcdef0123456789abcdef"] == "FUNCTION_SID"


def test_two_imported_flows_with_a_function_each_get_two_flow_parameters(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project", program=None)
    for name, sid in (("sales_ivr", "ZH0123456789abcdef0123456789abcdef"),
                      ("order_lookup", "ZHfedcba9876543210fedcba9876543210")):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(_run_function_export(sid)))
        result = flexctl("import", str(path), "--as", name, cwd=root)
        assert result.returncode == 0, result.stderr
    assert 'FUNCTION_SID = Parameter("FUNCTION_SID")' in (root / "flows" / "sales_ivr.py").read_text()
    second = (root / "flows" / "order_lookup.py").read_text()
    assert 'ORDER_LOOKUP_FUNCTION_SID = Parameter("ORDER_LOOKUP_FUNCTION_SID")' in second
    assert 'VOICE_CHANNEL_SID = registry.task_channel_sid("voice", parameter="VOICE_CHANNEL_SID")' in second


def test_an_export_studio_would_reject_is_imported_and_its_errors_are_named(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project", program=None)
    broken = _run_function_export("ZH0123456789abcdef0123456789abcdef")
    broken["states"][1]["transitions"][0]["next"] = "to_flx"  # a typo made in the Console's JSON editor
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = flexctl("import", str(path), "--as", "broken", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "flows" / "broken.py").is_file()
    assert result.stderr.startswith(f"{path}: the export has 1 error Studio would reject, imported as it is; fix it "
                                    "in broken.py (`flexctl render` refuses the flow until then):\n  - error [graph] "
                                    "widget 'lookup' at #/states/1/transitions/0/next: transition 'success' leads to "
                                    "'to_flx', which is not a widget of this flow: did you mean 'to_flex'?")
    assert "Traceback" not in result.stderr


def test_a_plain_import_of_an_export_studio_would_reject_names_its_errors_too(tmp_path: Path) -> None:
    broken = _run_function_export("ZH0123456789abcdef0123456789abcdef")
    broken["states"][1]["transitions"][0]["next"] = "to_flx"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = flexctl("import", str(path), "-o", str(tmp_path / "broken.py"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"{path}: the export has 1 error Studio would reject, imported as it is; fix it "
                                    "in broken.py (Studio refuses its JSON until then):\n  - error [graph] widget "
                                    "'lookup' at #/states/1/transitions/0/next")
    assert flexctl("import", str(tmp_path / "broken.json"), cwd=tmp_path).stdout.startswith('"""Studio flow')


@pytest.fixture
def stacks_only(tmp_path: Path) -> Path:
    """A project folder with the real stack files and an empty flows/ (the routing is this checkout's)."""
    for name in ("Pulumi.yaml", "Pulumi.local.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "flows").mkdir()
    return tmp_path


@pytest.mark.parametrize(("option", "given", "said"), [
    ("--workflow", "Pre-agent Routing", "--workflow 'Pre-agent Routing': the routing (the @routing function under "
     "flows/) has no workflow of that name in any stack (did you mean 'Pre-agent routing'?); it has "
     "'Pre-agent routing', 'Assign to Anyone'. Name one of them, or add the workflow to the routing first"),
    ("--workflow", "WW0123456789abcdef0123456789abcdef=Sales", "--workflow 'Sales': the routing"),
    ("--channel", "vioce", "--channel 'vioce': the routing (the @routing function under flows/) has no task channel "
     "of that name in any stack (did you mean 'voice'?)"),
])
def test_a_workflow_or_channel_the_routing_does_not_have_is_refused_naming_the_near_miss_and_what_exists(
        stacks_only: Path, capsys: pytest.CaptureFixture[str], option: str, given: str, said: str) -> None:
    """It was accepted silently: the flow then named a workflow nothing deploys, found only when a stack bound it."""
    path = stacks_only / "export.json"
    path.write_text(json.dumps(_run_function_export("ZH0123456789abcdef0123456789abcdef")))
    assert main(["import", str(path), "--as", "lookup", option, given, "--project", str(stacks_only)]) == 2
    assert f"{path}: {said}" in capsys.readouterr().err
    assert not (stacks_only / "flows" / "lookup.py").exists()


def test_a_workflow_the_routing_has_is_taken(stacks_only: Path) -> None:
    path = stacks_only / "export.json"
    path.write_text(json.dumps(_run_function_export("ZH0123456789abcdef0123456789abcdef")))
    assert main(["import", str(path), "--as", "lookup", "--workflow", "Pre-agent routing", "--channel", "voice",
                 "--project", str(stacks_only)]) == 0
    assert 'registry.workflow_sid("Pre-agent routing"' in (stacks_only / "flows" / "lookup.py").read_text()


def test_a_flow_fetched_from_the_api_keeps_its_friendly_name_not_its_description(stacks_only: Path) -> None:
    """A Console flow fetched whole (sid, friendly_name, definition...) was registered under its description."""
    path = stacks_only / "fetched.json"
    definition = {**_run_function_export("ZH0123456789abcdef0123456789abcdef"), "description": "An old note"}
    path.write_text(json.dumps({"sid": "FW0123456789abcdef0123456789abcdef", "friendly_name": "Order lookup",
                                "status": "published", "revision": 7, "definition": definition}))
    assert main(["import", str(path), "--as", "lookup", "--workflow", "Pre-agent routing",
                 "--project", str(stacks_only)]) == 0
    assert '@registry.flow("lookup", friendly_name="Order lookup")' in (stacks_only / "flows" / "lookup.py").read_text()
