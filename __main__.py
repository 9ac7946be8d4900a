"""The Pulumi program: the stack's settings, the contact center built from them, one PreAgentWorkflow.

Run it with ``pulumi up --stack <local|dev|prod>`` from this directory. Bad config stops it before any
resource is registered, naming the stack file, the key, the value and the fix.
"""

import pulumi
from pulumi.runtime.config import CONFIG

from components.pre_agent import PreAgentWorkflow, PreAgentWorkflowArgs
from components.preflight import check_account
from components.settings import load_stack_settings
from flows import contact_center

settings = load_stack_settings()
check_account(settings, CONFIG.get(), pulumi.get_stack())  # during `up`, before any write
center = contact_center(languages=settings.languages, vip_trait=settings.vip_trait)
workflow = PreAgentWorkflow("pre-agent", PreAgentWorkflowArgs(settings=settings, contact_center=center))

pulumi.export("accountSid", settings.account_sid)
for key, value in workflow.outputs().items():
    pulumi.export(key, value)
