"""The resource classes under Pulumi mocks: type tokens, plain provider blobs, typed outputs."""

from typing import Any

import pulumi
import pytest

from components.resources import (
    PhoneNumberBinding,
    PhoneNumberBindingArgs,
    StudioFlow,
    TaskQueue,
    TaskRouterWorkflow,
)


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered[args.name] = args
        return f"{args.name}-id", {**args.inputs, "sid": "FW" + "a" * 32, "webhook_url": "https://hook"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture
def recorder() -> Recorder:
    mocks = Recorder()
    pulumi.runtime.set_mocks(mocks, project="flex-pre-agent", stack="local", preview=False)
    return mocks


@pulumi.runtime.test
def test_resources_use_dynamic_twilio_type_tokens_and_plain_blobs(recorder: Recorder) -> pulumi.Output[Any]:
    flow = StudioFlow("ivr", friendly_name="IVR", definition='{"states": []}')
    queue = TaskQueue("vip", workspace_sid="WS1", friendly_name="VIP", max_reserved_workers=2)

    def check(_: Any) -> None:
        assert recorder.registered["ivr"].typ == "pulumi-python:dynamic/twilio:StudioFlow"
        assert recorder.registered["vip"].typ == "pulumi-python:dynamic/twilio:TaskQueue"
        blob = recorder.registered["ivr"].inputs["__provider"]
        assert isinstance(blob, str)  # not secret-wrapped: pickled by reference, it holds no secret
        assert recorder.registered["ivr"].inputs["status"] == "published"

    return pulumi.Output.all(flow.sid, queue.sid).apply(check)


@pulumi.runtime.test
def test_a_binding_takes_the_flow_webhook_from_the_flow_output(recorder: Recorder) -> pulumi.Output[Any]:
    flow = StudioFlow("ivr", friendly_name="IVR", definition='{"states": []}')
    binding = PhoneNumberBinding("main", phone_number="+15005550006", webhook_url=flow.webhook_url)

    def check(_: Any) -> None:
        inputs = recorder.registered["main"].inputs
        assert inputs["webhook_url"] == "https://hook"
        assert (inputs["voice"], inputs["messaging"]) == (True, False)

    return binding.sid.apply(check)


@pulumi.runtime.test
def test_a_resource_registers_exactly_its_declared_args_with_their_defaults(recorder: Recorder) -> pulumi.Output[Any]:
    binding = PhoneNumberBinding("main", phone_number="+15005550006", webhook_url="https://hook")
    workflow = TaskRouterWorkflow("wf", workspace_sid="WS1", friendly_name="Support", configuration="{}")

    def check(_: Any) -> None:
        inputs = recorder.registered["main"].inputs
        assert set(inputs) - {"__provider"} == set(PhoneNumberBindingArgs.__annotations__)
        assert (inputs["voice"], inputs["messaging"]) == (True, False)
        assert recorder.registered["wf"].typ == "pulumi-python:dynamic/twilio:Workflow"

    return pulumi.Output.all(binding.sid, workflow.sid).apply(check)
