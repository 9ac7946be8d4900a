"""What a real preview sends (unknowns) and how replacements are ordered: offline, no credentials."""

from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown
from pulumi.runtime.mocks import MockMonitor

from components.providers.base import CHANGED, TwilioProvider
from components.providers.studio import StudioFlowProvider
from components.providers.taskrouter import (
    ActivityProvider,
    TaskChannelProvider,
    TaskQueueProvider,
    WorkflowProvider,
    WorkspaceProvider,
)
from components.providers.triggers import ConversationsAddressProvider, PhoneNumberBindingProvider
from components.resources import (
    Activity,
    ConversationsAddress,
    PhoneNumberBinding,
    StudioFlow,
    TaskChannel,
    TaskQueue,
    TaskRouterWorkflow,
    Workspace,
)
from tests.providers.test_offline_contract import ACCOUNT, DEFINITION, configured

UNKNOWN = Unknown()  # type: ignore[no-untyped-call]
WS = "WS" + "a" * 32
FW = "FW" + "b" * 32
# One known, valid state per provider (inputs plus the outputs diff reads).
STATES: list[tuple[TwilioProvider, dict[str, Any]]] = [
    (StudioFlowProvider(), {"friendly_name": "IVR", "status": "published", "definition": DEFINITION}),
    (WorkspaceProvider(), {"friendly_name": "Flex Task Assignment"}),
    (ActivityProvider(), {"workspace_sid": WS, "friendly_name": "Lunch", "available": False}),
    (TaskChannelProvider(), {"workspace_sid": WS, "unique_name": "callback", "friendly_name": "Callback"}),
    (TaskQueueProvider(), {"workspace_sid": WS, "friendly_name": "Support", "target_workers": "1==1"}),
    (WorkflowProvider(), {"workspace_sid": WS, "friendly_name": "Support routing",
                          "configuration": {"task_routing": {"default_filter": {"queue": "WQ" + "c" * 32}}}}),
    (PhoneNumberBindingProvider(), {"phone_number": "+15005550006", "webhook_url": "https://hook",
                                    "voice": True, "messaging": False}),
    (ConversationsAddressProvider(), {"address": "+15005550007", "address_type": "sms", "flow_sid": FW}),
]
IDS = [type(provider).__name__ for provider, _ in STATES]


def _fields(provider: TwilioProvider, **where: bool) -> list[str]:
    return [key for key, f in provider.fields.items() if all(getattr(f, k) == v for k, v in where.items())]


@pytest.mark.parametrize(("provider", "state"), STATES, ids=IDS)
def test_check_skips_unknown_inputs_and_never_calls_them_missing(
    provider: TwilioProvider, state: dict[str, Any]
) -> None:
    news = {**state, **dict.fromkeys(state, UNKNOWN)}
    assert configured(provider).check({}, news).failures == []


@pytest.mark.parametrize(("provider", "state"), STATES, ids=IDS)
def test_a_known_state_passes_check(provider: TwilioProvider, state: dict[str, Any]) -> None:
    assert configured(provider).check({}, state).failures == []


@pytest.mark.parametrize(("provider", "state"), STATES, ids=IDS)
def test_an_unknown_input_previews_as_an_update_never_a_replacement(
    provider: TwilioProvider, state: dict[str, Any]
) -> None:
    provider = configured(provider)
    olds = {**state, "sid": "XX1", "account_sid": ACCOUNT}
    for key in _fields(provider, compare=True):
        result = provider.diff("XX1", olds, {**state, key: UNKNOWN})
        assert (key, result.changes, result.replaces) == (key, CHANGED, [])


@pytest.mark.parametrize(("provider", "state"), STATES, ids=IDS)
def test_every_replacement_deletes_the_old_object_first(provider: TwilioProvider, state: dict[str, Any]) -> None:
    provider = configured(provider)
    olds = {**state, "sid": "XX1", "account_sid": ACCOUNT}
    for key in _fields(provider, replace=True):
        changed = {**state, key: "+15005550009" if key in ("phone_number", "address") else not state[key]
                   if isinstance(state[key], bool) else state[key][:-1] + "f"}
        result = provider.diff("XX1", olds, changed)
        assert (result.replaces, result.delete_before_replace) == ([key], True)


def test_a_workspace_change_seen_through_its_id_is_a_known_replacement() -> None:
    provider = configured(TaskQueueProvider())
    olds = {"workspace_sid": WS, "friendly_name": "Support", "account_sid": ACCOUNT}
    result = provider.diff("WQ1", olds, {**olds, "workspace_sid": "WS" + "f" * 32})
    assert (result.changes, result.replaces, result.delete_before_replace) == (CHANGED, ["workspace_sid"], True)


class _Spy(MockMonitor):
    """The mock monitor, keeping each RegisterResource request (resource options are not in the mocks)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.requests: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.requests[request.name] = request
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]


class _Echo(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def spy() -> _Spy:
    mocks = _Echo()
    monitor = _Spy(mocks)
    pulumi.runtime.set_mocks(mocks, project="flex-pre-agent", stack="local", preview=False, monitor=monitor)
    return monitor


@pulumi.runtime.test
def test_resources_that_adopt_or_have_unique_names_delete_before_replace_keeping_the_programs_options(
    spy: _Spy,
) -> pulumi.Output[Any]:
    protect = pulumi.ResourceOptions(protect=True)
    resources = [
        Workspace("ws", friendly_name="Flex Task Assignment", opts=protect),
        Activity("act", workspace_sid=WS, friendly_name="Lunch", available=False),
        TaskChannel("ch", workspace_sid=WS, unique_name="callback", friendly_name="Callback"),
        TaskQueue("q", workspace_sid=WS, friendly_name="Support"),
        TaskRouterWorkflow("wf", workspace_sid=WS, friendly_name="W", configuration="{}"),
        PhoneNumberBinding("pn", phone_number="+15005550006", webhook_url="https://hook"),
        ConversationsAddress("addr", address="+15005550007", flow_sid=FW),
        StudioFlow("flow", friendly_name="IVR", definition=DEFINITION),
        TaskQueue("everyone", workspace_sid=WS, friendly_name="Everyone"),
        TaskRouterWorkflow("adopted", workspace_sid=WS, friendly_name="Mine", configuration="{}", adopt_sid="WW1"),
        TaskQueue("mine", workspace_sid=WS, friendly_name="Everyone",
                  opts=pulumi.ResourceOptions(delete_before_replace=False)),
    ]

    def check(_: Any) -> None:
        first = {name for name, request in spy.requests.items() if request.deleteBeforeReplace}
        # Queues and workflows the program creates are replaced create-first: a workflow's queue
        # cannot be deleted while the workflow routes to it, and a new one is never mistaken for it.
        assert first == {"ws", "act", "ch", "pn", "addr", "everyone", "adopted"}
        assert spy.requests["ws"].protect
        assert spy.requests["wf"].type == "pulumi-python:dynamic/twilio:Workflow"

    return pulumi.Output.all(*[resource.urn for resource in resources]).apply(check)


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        (lambda o: TaskQueue("q", workspace_sid=WS, friendly_name="Support", opts=o), "adopt_sid"),
        (lambda o: PhoneNumberBinding("pn", phone_number="+15005550006", webhook_url="https://h", opts=o),
         "finds its number by phone_number"),
    ],
)
def test_import_is_refused_at_construction_with_the_way_to_adopt(make: Any, hint: str, spy: _Spy) -> None:
    with pytest.raises(ValueError, match=f"import_ option cannot work.*{hint}"):
        make(pulumi.ResourceOptions(import_="WQ" + "1" * 32))


def test_a_misspelt_input_is_refused_naming_the_real_ones(spy: _Spy) -> None:
    misspelt: dict[str, Any] = {"workspace_sid": WS, "frendly_name": "Support"}
    with pytest.raises(TypeError, match=r"TaskQueue 'q' has no input frendly_name; its inputs are .*friendly_name"):
        TaskQueue("q", **misspelt)
