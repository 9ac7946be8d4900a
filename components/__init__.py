"""Pulumi components and the Twilio dynamic providers under them.

Components (type tokens ``flex-pre-agent:<module>:<Name>``, one keyword-only ``<Name>Args`` each):
``pre_agent.PreAgentWorkflow`` composes ``routing.Routing``, ``flow.FlowDeployment`` and the
``triggers`` (``PhoneNumberTrigger``, ``ConversationsAddressTrigger``) for one stack, from the
stack's ``settings.StackSettings``. Resources are in ``resources``, their providers in ``providers``.
Nothing else is imported here, so the provider process imports only what it needs, except Pulumi's SDK
workarounds (``pulumi_sdk``) in a process that has already imported the SDK: installed before the imports that
follow. Both the program and the provider process leave when the CLI that started them is gone (``lifeline``).
"""

import sys

from components.lifeline import follow_the_cli

follow_the_cli()
if "pulumi" in sys.modules:  # a process running Pulumi's SDK: its workarounds go in before the imports that follow
    from components import pulumi_sdk

    pulumi_sdk.install()
