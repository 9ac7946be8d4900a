"""Looking the customer up in Unified Profiles, and reading what the lookup found."""

from __future__ import annotations

from flows.parameters import PROFILE_CONNECTION
from flows.task_attributes import LiquidCondition
from studio import SearchForProfile

LOOKUP = "lookup_profile"
PROFILE = f"widgets.{LOOKUP}.profile"
"""Liquid path of the profile the lookup found: the one place that says where it is. Unconfirmed: no public flow
exported from the Console reads a Search for a Profile output, and Twilio's Update Profile Traits page gives
``{{widgets.look_up_profile_1.ProfileData.profileConnectSid}}`` as an example value, which suggests a
``ProfileData`` key; before going live, export a flow with this widget from the Console and compare
(``flexctl simulate`` and the scenarios follow this path, whatever it is)."""


def profile_lookup(identifier: str) -> SearchForProfile:
    """Search for a Profile by ``identifier`` (Liquid such as ``{{trigger.call.From}}``)."""
    return SearchForProfile(LOOKUP, profile_connector_instance=PROFILE_CONNECTION, identifier=identifier)


def trait(name: str) -> str:
    """Liquid printing the profile trait ``name``."""
    return f"{{{{{PROFILE}.traits.{name}}}}}"


def customer_name() -> str:
    """Liquid printing the customer's name, empty when the profile has none."""
    return f"{{{{{PROFILE}.traits.name | default: ''}}}}"


def preferred_language(default: str) -> str:
    """Liquid printing the profile's preferred language, ``default`` when it has none."""
    return f"{{{{{PROFILE}.traits.preferred_language | default: '{default}'}}}}"


def vip_condition(vip_trait: str) -> LiquidCondition:
    """Whether the profile's ``vip_trait`` is true, decided by Studio (a JSON boolean in task attributes)."""
    return LiquidCondition(f"{PROFILE}.traits.{vip_trait} == true")


def profile_sid() -> str:
    """Liquid printing the profile's SID, empty when no profile was found."""
    return f"{{{{{PROFILE}.id | default: ''}}}}"
