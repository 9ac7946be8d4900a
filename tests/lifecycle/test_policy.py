"""The policy pack (`policy/`) on the real engine: each rule fires with the resource, the rule and the fix."""

from __future__ import annotations

import json

import pytest

from flexctl.engine import EngineError
from tests.lifecycle.conftest import Stack


def _policy(stack: Stack, config: dict[str, object] | None = None) -> dict[str, object]:
    options: dict[str, object] = {"policy_packs": [str(stack.engine.project_dir / "policy")]}
    if config is not None:
        path = stack.engine.project_dir / "policy-config.json"
        path.write_text(json.dumps(config))
        options["policy_pack_configs"] = [str(path)]
    return options


def test_each_rule_names_the_resource_the_rule_and_the_fix_and_a_removal_needs_a_logged_override(
    stack: Stack,
) -> None:
    stack.engine.up()  # every SID known: the flow's definition can be judged in the preview
    writes = len(stack.writes())
    stack.set(startAtGreeting="true", literalWorkspaceSid="WS" + "1" * 32)

    with pytest.raises(EngineError) as refused:
        stack.engine.preview(**_policy(stack, {"protected-stack": {"stacks": ["local"]}}))

    text = str(refused.value)
    assert "protected-stack" in text
    assert "TaskQueue 'support' is not protected in stack 'local'" in text
    assert "valid-studio-flow" in text
    assert "StudioFlow 'ivr'" in text
    assert "initial_state" in text
    assert "no-sid-literals" in text
    assert f"TaskQueue 'literal-queue': workspace_sid is the literal 'WS{'1' * 32}'" in text
    assert "workspace_sid=workspace.id" in text
    assert "KeyboardInterrupt" not in text  # the program, cancelled by the engine, leaves quietly
    assert len(stack.writes()) == writes

    # Unbinding a number needs an override, which the log keeps.
    number = stack.outputs("main-number")["phone_number"]
    stack.set(startAtGreeting="false", literalWorkspaceSid="", unbindMainNumber="true")

    with pytest.raises(EngineError) as refused:
        stack.engine.preview(**_policy(stack))

    text = str(refused.value)
    assert "[mandatory]  allow-removals" in text
    assert f"This update removes the binding of {number}" in text
    assert "--policy-pack-config" in text
    assert "no-sid-literals" not in text  # outputs such as account_sid are no inputs to judge

    allowed = stack.engine.preview(**_policy(stack, {"allow-removals": {"allowed": [number]}}))

    log = "".join(allowed.output)
    assert "removals-logged" in log
    assert f"This update removes the binding of {number}" in log
    assert allowed.changed() == {"main-number": "delete"}
