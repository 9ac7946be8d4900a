"""The Pulumi program: reads the stack config and builds the pre-agent workflow.

The full program (flows, routing and PreAgentWorkflow) arrives with its own issue; until then this
validates the stack settings so that `pulumi preview` fails early on bad config.
"""

import pulumi

from components.settings import load_stack_settings

settings = load_stack_settings()
pulumi.export("accountSid", settings.account_sid)
