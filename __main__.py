"""The Pulumi program: the stack's settings, the flows and routing they deploy, one PreAgentWorkflow.

Run it with ``pulumi up --stack <local|dev|prod>`` from this directory. Bad config, a flow or routing
mistake, or an account the stack cannot use stops it before any resource is registered, with a message
naming the file, key or flow and the fix (``components.errors.clean_errors``), never a traceback.
"""

import pulumi
from pulumi.runtime.config import CONFIG

from components.drift import warn_console_edits
from components.errors import clean_errors, quiet_when_cancelled
from components.plan import plan_stack
from components.pre_agent import PreAgentWorkflow, PreAgentWorkflowArgs
from components.preflight import check_account
from components.promotion import promotion_gate, routing_hashes
from components.settings import load_stack_settings

quiet_when_cancelled()
with clean_errors():
    settings = load_stack_settings()
    plan = plan_stack(settings, pulumi.get_stack())  # the same check as `flexctl render`
    plan.raise_if_problems()
    gate = promotion_gate(plan)  # with promoteFrom: deploy only flows and routing that ran there (it writes nothing)
    check_account(settings, CONFIG.get(), pulumi.get_stack())  # during `up`, before any write
    options = pulumi.ResourceOptions(transformations=[gate.transformation]) if gate is not None else None
    workflow = PreAgentWorkflow("pre-agent", PreAgentWorkflowArgs(plan=plan), options)
    warn_console_edits({name: flow.sid for name, flow in workflow.flows.items()}, CONFIG.get())

pulumi.export("accountSid", settings.account_sid)
for key, value in workflow.outputs().items():
    pulumi.export(key, value)
pulumi.export("routingHashes", routing_hashes(plan.workspace))
if gate is not None:
    pulumi.export("promotion", gate.outputs())
