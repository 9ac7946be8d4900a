"""The emulator's only door to the pure toolkits (`studio`, `taskrouter`).

Why reuse them instead of writing checks here: Studio's and TaskRouter's rules (widget schemas,
transition events, expression grammar, workflow shape) and Flex's defaults live in exactly one place,
the toolkits. The emulator rejects what they reject, so `flexctl validate`, the providers' offline
`check` and the emulated API can never disagree about what Twilio accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.validate import validate_definition
from taskrouter.configuration import check_target_workers, check_workflow_configuration
from taskrouter.models import FLEX_ACTIVITIES, FLEX_TASK_CHANNELS, FLEX_WORKSPACE_NAME, Workflow

# TaskRouter's offline checks are used as the toolkit gives them (plain lines, empty when accepted).
__all__ = ["FLEX_DEFAULTS", "check_flow_definition", "check_target_workers", "check_workflow_configuration",
           "referenced_queue_sids"]


@dataclass(frozen=True)
class FlowReport:
    """Studio's verdict on a definition: `{message, property_path}` items, as in its 81022 details."""

    errors: list[dict[str, str]]
    warnings: list[dict[str, str]]


def check_flow_definition(definition: object) -> FlowReport:
    """What Studio would say about a flow definition.

    Errors are the problems Twilio answers 400/81022 for (`rejected_by_studio`); warnings are other rules
    Studio applies. The toolkit's own advice (reachability, Liquid references...) is not Studio's, so the
    emulator does not report it.
    """
    errors: list[dict[str, str]] = []
    warnings: list[dict[str, str]] = []
    for problem in validate_definition(definition):
        item = {"message": problem.message, "property_path": problem.property_path}
        if problem.rejected_by_studio:
            errors.append(item)
        elif problem.enforced_by_studio:
            warnings.append(item)
    return FlowReport(errors=errors, warnings=warnings)


def referenced_queue_sids(data: object) -> list[str]:
    """The queue SIDs a workflow configuration (already accepted) routes to, each once."""
    workflow = Workflow.from_configuration(data, friendly_name="configuration")
    return [queue.key for queue in workflow.queues()]


@dataclass(frozen=True)
class FlexDefaults:
    """What a fresh Flex account's TaskRouter workspace contains (taskrouter.md §3)."""

    workspace_name: str
    activities: tuple[tuple[str, bool], ...]  # (friendly name, available)
    channels: tuple[tuple[str, str], ...]  # (friendly name, unique name)


FLEX_DEFAULTS = FlexDefaults(
    workspace_name=FLEX_WORKSPACE_NAME,
    activities=tuple((activity.friendly_name, activity.available) for activity in FLEX_ACTIVITIES),
    channels=tuple((channel.friendly_name, channel.unique_name) for channel in FLEX_TASK_CHANNELS),
)
