"""``flexctl render``: every stack drawn and validated into build/<stack>/, and its page seen in Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from components.settings import stack_names
from flexctl.render_commands import RenderError, render_stack
from tests.program.browser import Browser
from tests.program.support import ROOT

FLOWS = ("voice", "messaging", "conversations")
# For each diagram: scrolled into view, its size and whether the point at its centre belongs to it.
VISIBILITY = """JSON.stringify([...document.querySelectorAll('svg[data-flow]')].map(svg => {
  svg.scrollIntoView();
  const box = svg.getBoundingClientRect(), style = getComputedStyle(svg);
  const x = box.left + Math.min(box.width, innerWidth) / 2, y = box.top + Math.min(box.height, innerHeight) / 2;
  const onTop = svg.contains(document.elementFromPoint(x, y));
  return {flow: svg.dataset.flow, width: box.width, height: box.height, boxes: svg.querySelectorAll('rect').length,
          shown: style.visibility === 'visible' && style.display !== 'none' && onTop};
}))"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("build")
    return {stack: render_stack(stack, out / stack) for stack in stack_names(ROOT)}


def test_every_committed_stack_renders_cleanly(rendered: dict[str, Path]) -> None:
    assert set(rendered) == {"local", "dev", "prod"}
    for out in rendered.values():
        names = {path.name for path in out.iterdir()}
        assert {f"{key}.{ext}" for key in FLOWS for ext in ("json", "mmd", "svg")} <= names
        assert {"routing.md", "index.html"} <= names


def test_definitions_carry_config_values_and_leave_sids_as_parameters(rendered: dict[str, Path]) -> None:
    voice = json.loads((rendered["prod"] / "voice.json").read_text())
    text = json.dumps(voice)
    assert "${WORKFLOW_SID}" in text
    assert "${VOICE_CHANNEL_SID}" in text
    assert "America/New_York" in text
    assert "20:00" in text  # prod's closing time
    assert "${TIME_ZONE}" not in text


def test_the_routing_summary_shows_where_the_scenarios_tasks_go(rendered: dict[str, Path]) -> None:
    summary = (rendered["local"] / "routing.md").read_text()
    assert "## Where the scenarios' tasks go through Pre-agent routing" in summary
    assert "| VIP by profile trait (voice) | vip → everyone |" in summary
    assert "| Spanish by menu (messaging) | es → everyone |" in summary
    assert "through Assign to Anyone" not in summary  # no scenario's task goes through it


def test_the_page_shows_every_flow_diagram_without_console_errors(rendered: dict[str, Path]) -> None:
    with Browser() as browser:
        for stack, out in rendered.items():
            report = browser.open(out / "index.html", VISIBILITY)
            assert report.errors == [], stack
            diagrams = json.loads(report.value)
            assert [diagram["flow"] for diagram in diagrams] == list(FLOWS)
            for diagram in diagrams:
                assert diagram["width"] > 100, (stack, diagram)
                assert diagram["height"] > 100, (stack, diagram)
                assert diagram["boxes"] >= 3, (stack, diagram)
                assert diagram["shown"], (stack, diagram)


def test_the_page_fits_a_1400_px_window_and_says_a_warning_shared_by_flows_once(
    rendered: dict[str, Path], tmp_path: Path
) -> None:
    page = rendered["local"] / "index.html"
    with Browser() as browser:
        geometry = browser.screenshot(page, tmp_path / "local.png", width=1400)

    assert geometry["scrollWidth"] <= 1400  # nothing makes the page scroll sideways
    for frame in geometry["frames"]:
        assert frame["scrollWidth"] <= frame["clientWidth"], frame  # each diagram is scaled into its frame
        assert 0 < frame["svgWidth"] <= frame["clientWidth"], frame
    assert (tmp_path / "local.png").read_bytes().startswith(b"\x89PNG")
    listed = re.findall(r"<li[^>]*>(.*?)</li>", page.read_text().split('<section id="flow-')[0])
    shared = [item for item in listed if "search-for-a-profile" in item]
    assert len(shared) == 1
    assert "nothing is wrong now" in shared[0]
    assert "voice (lookup_profile), messaging (lookup_profile), conversations (lookup_profile)" in shared[0]


def test_the_page_check_sees_a_broken_page(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text('<svg data-flow="voice" style="display:none"></svg><script>console.error("boom")</script>')
    with Browser() as browser:
        report = browser.open(page, VISIBILITY)
    assert report.errors == ["boom"]
    assert json.loads(report.value)[0]["shown"] is False


def _project(tmp_path: Path, **changes: object) -> Path:
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    stack = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    stack["config"].update({f"flex-pre-agent:{key}": value for key, value in changes.items()})
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump(stack))
    return tmp_path


def test_a_number_pointed_at_a_flow_that_cannot_answer_it_fails_and_is_shown(tmp_path: Path) -> None:
    root = _project(tmp_path, phoneNumbers=[{"number": "+15005550010", "voice": "messaging"}])
    with pytest.raises(RenderError, match=r"phoneNumbers\[0\].voice \(\+15005550010\) starts flow 'messaging'.*Call"):
        render_stack("dev", tmp_path / "out", root=root)
    assert "incomingCall" in (tmp_path / "out" / "index.html").read_text()


def _flexctl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flexctl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_command_renders_one_stack_into_the_directory_given_from_any_directory(tmp_path: Path) -> None:
    result = _flexctl("render", "local", "--out", str(tmp_path / "site"), cwd=tmp_path)  # needs `pip install -e .`
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert "local:" in result.stdout


def test_the_command_names_the_file_key_and_value_of_bad_config(tmp_path: Path) -> None:
    root = _project(tmp_path, timeZone="Mars/Olympus")
    result = _flexctl("render", "dev", "--project", str(root), cwd=tmp_path)
    assert result.returncode == 2
    assert "Pulumi.dev.yaml has invalid config" in result.stderr
    assert "flex-pre-agent:timeZone is 'Mars/Olympus'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "build").exists()


def _with_scenarios(root: Path) -> Path:
    import shutil

    shutil.copytree(ROOT / "flows" / "scenarios", root / "flows" / "scenarios")
    return root


def test_scenarios_failing_beside_stack_errors_are_one_note_not_a_warning_each(tmp_path: Path) -> None:
    from flexctl.render_commands import render

    root = _with_scenarios(_project(tmp_path, phoneNumbers=[{"number": "+15005550010", "voice": "voice"},
                                                            {"number": "+15005550011", "voice": "messaging"}]))
    scenarios = root / "flows" / "scenarios" / "voice.yaml"
    scenarios.write_text(scenarios.read_text().replace("queue: vip", "queue: en"))
    result = render("dev", tmp_path / "out", root=root)
    assert any("starts flow 'messaging', whose trigger has no incomingCall" in error for error in result.errors)
    assert not [warning for warning in result.warnings if warning.startswith("scenario")]
    assert "2 scenarios of voice fail while the stack has the errors below; fix them first, then `flexctl " \
           "test-flows --stack dev`" in result.notes
    assert "FAIL" in (tmp_path / "out" / "index.html").read_text()  # the details stay on the page


def test_a_routing_that_cannot_be_built_is_said_once_not_as_every_scenario_failing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flexctl.render_commands import render
    from flexctl.scenarios import ScenarioError, run_scenarios
    from flows import registry
    from taskrouter import Workspace

    def broken() -> Workspace:
        raise NameError("name 'GERMAN_QUEUE' is not defined")

    registry.all_flows()
    monkeypatch.setattr(registry._REGISTRY, "routing", [(broken, "flows.routing")])
    root = _with_scenarios(_project(tmp_path))
    result = render("dev", tmp_path / "out", root=root)
    assert [error for error in result.errors if error.startswith("routing cannot be built")]
    assert not [warning for warning in result.warnings if "scenario" in warning]
    with pytest.raises(ScenarioError, match=r"stack 'dev': routing cannot be built: .*name 'GERMAN_QUEUE' is not "
                                            r"defined; fix it first \(`flexctl render dev` lists every problem\)"):
        run_scenarios("dev", root=root)


def test_the_routing_summary_of_a_stack_without_scenarios_has_no_table_of_where_tasks_go() -> None:
    from flexctl.render_commands import routing_summary
    from taskrouter import Workspace, default_route, everyone_queue

    everyone = everyone_queue()
    tables = routing_summary(Workspace(task_queues=(everyone,), workflows=(default_route(everyone),)))
    assert [table.title for table in tables] == ["Queues of Flex Task Assignment", "Workflow Assign to Anyone"]


def test_a_warning_on_several_properties_of_one_widget_names_the_widget_once() -> None:
    from flexctl.render_commands import grouped_warnings
    from studio.validate import Problem

    message = "{{widgets.mnu}} names no widget of this flow, so it renders empty: did you mean 'menu'?"
    found = [("billing", Problem("liquid", message, "choice", path, "warning", "liquid-undefined"))
             for path in ("#/states/2/properties/input", "#/states/2/transitions/1/conditions/0/arguments/0")]
    assert grouped_warnings(found) == [  # it said "flows billing (choice), billing (choice)"
        "flow billing: [liquid] widget 'choice' at #/states/2/properties/input and "
        f"#/states/2/transitions/1/conditions/0/arguments/0: {message}"]
    found.append(("sales", Problem("liquid", message, "choice", "#/states/4/properties/input", "warning",
                                   "liquid-undefined")))
    assert grouped_warnings(found) == [f"flows billing (choice), sales (choice): {message}"]
    assert grouped_warnings(found[:1]) == [
        f"flow billing: [liquid] widget 'choice' at #/states/2/properties/input: {message}"]
