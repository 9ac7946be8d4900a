"""Per-stack settings, read from stack config and validated in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import pulumi
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from components.providers.twilio_api import ACCOUNT_SID_PATTERN, PROJECT

E164 = Annotated[str, Field(pattern=r"^\+[1-9]\d{1,14}$")]


class StackSettings(BaseModel):
    """What a stack's ``Pulumi.<stack>.yaml`` says (credentials are not kept here)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    account_sid: str = Field(alias="accountSid", pattern=ACCOUNT_SID_PATTERN.pattern)
    api_base_url: str = Field(default="", alias="apiBaseUrl")
    phone_numbers: tuple[E164, ...] = Field(default=(), alias="phoneNumbers")


_SECRET_KEYS = {"authToken", "apiKey", "apiSecret"}


def parse_stack_settings(raw: Mapping[str, object], stack: str) -> StackSettings:
    """Validate raw config values (key -> value, without the project prefix) or explain what is wrong."""
    values = {key: value for key, value in raw.items() if key not in _SECRET_KEYS}
    try:
        return StackSettings.model_validate(values)
    except ValidationError as error:
        problems = "\n".join(
            f"  - {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors(include_url=False)
        )
        raise ValueError(
            f"Pulumi.{stack}.yaml has invalid config for project {PROJECT}:\n{problems}\n"
            f"Fix the values with `pulumi config set <key> <value> --stack {stack}`."
        ) from None


def load_stack_settings() -> StackSettings:
    """Read this stack's config through Pulumi and validate it; bad config stops the program cleanly."""
    config = pulumi.Config()
    raw: dict[str, object] = {}
    for key in StackSettings.model_fields.values():
        name = key.alias or ""
        value = config.get_object(name) if name == "phoneNumbers" else config.get(name)
        if value is not None:
            raw[name] = value
    try:
        return parse_stack_settings(raw, pulumi.get_stack())
    except ValueError as error:
        raise pulumi.RunError(str(error)) from None
