"""Every stack of a source tree, rendered without the engine or Twilio: the input of reviews and promote-diff.

:func:`tree_snapshot` is the one place that knows how a tree becomes "what each stack would deploy". It runs
this file as a script in a separate Python process with ``tree`` first on ``sys.path``, so the flows, routing
and settings code *of that tree* are used (a base commit checked out elsewhere, or the working tree), through
its :func:`components.plan.read_stack_plan`, the same check ``pulumi preview`` and ``flexctl render`` run.
The answer is JSON: per stack its config values (validated; credentials never read), each flow's definition (config
values filled, SIDs of deployed objects as ``${NAME}``), its environment-independent template (every
parameter as ``${NAME}``) and that template's hash, each workflow's configuration (queues as
``${queue key}``), queues, activities, task channels, the numbers and addresses that start flows, the Flex
defaults it adopts, and the problems found.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

Snapshot = dict[str, Any]
"""Stack name -> what it deploys (see the module docstring)."""


class SnapshotError(RuntimeError):
    """A tree whose stacks cannot be rendered at all (its code does not import); the message says why."""


def tree_snapshot(tree: Path) -> Snapshot:
    """What every ``Pulumi.<stack>.yaml`` of ``tree`` deploys, rendered by ``tree``'s own code."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(tree.resolve())], cwd=tree, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SnapshotError(f"the stacks of {tree} cannot be rendered: {last}")
    data: Snapshot = json.loads(done.stdout)
    return data


def _render(tree: Path) -> Snapshot:
    """In this process, with ``tree``'s code importable: every stack of it."""
    from components.plan import read_stack_plan
    from components.settings import StackSettingsError, stack_names

    stacks: Snapshot = {}
    for stack in stack_names(tree):
        try:
            plan = read_stack_plan(tree, stack)
        except StackSettingsError as error:
            stacks[stack] = {"config": {}, "problems": [str(error)], "flows": {}, "workflows": {}, "queues": {},
                             "activities": {}, "channels": {}, "triggers": {}, "flex_defaults": []}
            continue
        workspace = plan.workspace
        stacks[stack] = {
            "config": plan.settings.model_dump(mode="json", by_alias=True),  # validated: "true" and true alike
            "problems": list(plan.problems),
            "flows": {flow.name: {"friendly_name": flow.friendly_name, "definition": flow.definition(),
                                  "template": flow.flow.to_definition(placeholders=True),
                                  "hash": flow.definition_hash, "formerly": list(flow.entry.formerly)}
                      for flow in plan.flows},
            "workflows": {name: json.loads(text) for name, text in plan.workflow_configurations().items()},
            "queues": {queue.friendly_name: queue.model_dump(mode="json", exclude={"key"})
                       for queue in workspace.task_queues},
            "activities": {activity.friendly_name: activity.model_dump(mode="json")
                           for activity in workspace.activities},
            "channels": {channel.unique_name: channel.model_dump(mode="json") for channel in workspace.task_channels},
            "triggers": _triggers(plan.settings),
            "flex_defaults": _flex_defaults(),
        }
    return stacks


def _triggers(settings: Any) -> dict[str, str]:
    """``"+1555... voice"`` / ``"sms:+1555..."`` -> the flow it starts."""
    triggers = {f"{entry.number} {channel}": flow for entry in settings.phone_numbers
                for flow, channels in entry.bindings.items() for channel in channels}
    triggers.update({entry.label: entry.flow for entry in settings.conversations_addresses})
    return triggers


def _flex_defaults() -> list[str]:
    """Names of the objects a Flex account already has, which a stack adopts rather than creates."""
    import taskrouter
    from taskrouter.models import FLEX_WORKSPACE_NAME

    everyone = taskrouter.everyone_queue()
    return sorted({FLEX_WORKSPACE_NAME, everyone.friendly_name, taskrouter.default_route(everyone).friendly_name,
                   *(activity.friendly_name for activity in taskrouter.FLEX_ACTIVITIES),
                   *(channel.unique_name for channel in taskrouter.FLEX_TASK_CHANNELS)})


if __name__ == "__main__":
    root = Path(sys.argv[1])
    sys.path[0] = str(root)  # the tree's own code, not this file's folder
    print(json.dumps(_render(root), sort_keys=True, ensure_ascii=False))
