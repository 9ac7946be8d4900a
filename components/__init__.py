"""Pulumi components and the Twilio dynamic providers under them.

Components (type tokens ``flex-pre-agent:<module>:<Name>``, one keyword-only ``<Name>Args`` each):
``pre_agent.PreAgentWorkflow`` composes ``routing.Routing``, ``flow.FlowDeployment`` and the
``triggers`` (``PhoneNumberTrigger``, ``ConversationsAddressTrigger``) for one stack, from the
stack's ``settings.StackSettings``. Resources are in ``resources``, their providers in ``providers``.
Nothing is imported here, so the provider process imports only what it needs; both the program and the
provider process leave when the CLI that started them is gone (``lifeline``).
"""

from components.lifeline import follow_the_cli

follow_the_cli()
