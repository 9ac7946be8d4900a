"""A scenario's contact can carry what the trigger carries (ChannelAttributes...) as `flexctl simulate --trigger`."""

from __future__ import annotations

from flexctl.scenarios import ContactSpec, contact_of


def test_a_scenario_contact_gives_trigger_fields_over_the_defaults() -> None:
    defaults = ContactSpec(trigger={"FromCity": "Toronto"})
    spec = ContactSpec.model_validate({"event": "incomingConversationMessage",
                                       "trigger": {"ChannelAttributes": {"pre_engagement_data": {"language": "fr"}}}})
    contact = contact_of(spec, defaults, "UTC")
    assert contact.trigger == {"ChannelAttributes": {"pre_engagement_data": {"language": "fr"}}}
    assert contact_of(ContactSpec(), defaults, "UTC").trigger == {"FromCity": "Toronto"}


def test_digits_written_unquoted_in_yaml_are_the_keys_pressed() -> None:
    spec = ContactSpec.model_validate({"answers": [1, "2", ""]})
    assert contact_of(spec, ContactSpec(), "UTC").answers == ("1", "2", "")
