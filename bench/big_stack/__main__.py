"""The big stack's Pulumi program: a large contact center's pre-agent setup, generated, about 2,000 resources.

Copied as a project's ``__main__.py`` by ``bench/big_stack.py`` (never run from here). Its sizes come from the
``bench:`` config: ``queues`` (1,500), ``workflows`` (300, each routing to five queues), ``flows`` (60, of 30 to
80 widgets), ``numbers`` (the E.164 numbers bound to flows, one per flow in turn) and ``addresses`` (SMS
addresses, each starting a flow); ``changedFlow`` makes the first flow one segment longer (the one-flow
change). Flex's workspace and voice channel are adopted; everything else is created.
"""

import json

import pulumi

from bench.studio_flow import SEGMENT_WIDGETS, build_flow
from components.resources import (
    ConversationsAddress,
    PhoneNumberBinding,
    StudioFlow,
    TaskChannel,
    TaskQueue,
    TaskRouterWorkflow,
    Workspace,
)

config = pulumi.Config("bench")
queue_count = config.require_int("queues")
workflow_count = config.require_int("workflows")
flow_count = config.require_int("flows")
numbers: list[str] = config.require_object("numbers")
addresses: list[str] = config.require_object("addresses")
changed = config.get_bool("changedFlow") or False

workspace = Workspace("workspace", friendly_name="Flex Task Assignment")
voice = TaskChannel("voice", workspace_sid=workspace.id, unique_name="voice", friendly_name="Voice")
queues = [
    TaskQueue(f"queue-{n:04d}", workspace_sid=workspace.id, friendly_name=f"Queue {n:04d}",
              target_workers=f"routing.skills HAS 'skill_{n}'", max_reserved_workers=1 + n % 3)
    for n in range(queue_count)
]


def configuration(sids: list[str]) -> str:
    filters = [{"filter_friendly_name": f"Tier {tier}", "expression": f"tier == {tier}",
                "targets": [{"queue": sid, "timeout": 60}]} for tier, sid in enumerate(sids[1:])]
    return json.dumps({"task_routing": {"filters": filters, "default_filter": {"queue": sids[0]}}}, sort_keys=True)


workflows = []
for n in range(workflow_count):
    routed = [queues[(5 * n + k) % queue_count].id for k in range(5)]
    workflows.append(TaskRouterWorkflow(
        f"workflow-{n:03d}", workspace_sid=workspace.id, friendly_name=f"Routing {n:03d}",
        configuration=pulumi.Output.all(*routed).apply(configuration),
    ))

flows = []
for n in range(flow_count):
    widgets = 30 + (17 * n) % 51  # 30 to 80
    if changed and n == 0:
        widgets += SEGMENT_WIDGETS
    flows.append(StudioFlow(f"flow-{n:02d}", friendly_name=f"IVR {n:02d}",
                            definition=build_flow(widgets).to_json()))

for n, number in enumerate(numbers):
    PhoneNumberBinding(f"number-{n:03d}", phone_number=number, webhook_url=flows[n % flow_count].webhook_url)
for n, address in enumerate(addresses):
    ConversationsAddress(f"address-{n:03d}", address=address, flow_sid=flows[n % flow_count].id)

pulumi.export("resources", 2 + queue_count + workflow_count + flow_count + len(numbers) + len(addresses))
