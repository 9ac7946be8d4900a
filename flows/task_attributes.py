"""The task attributes the flows set and the workflows read, defined once for both sides.

Send to Flex writes :class:`TaskAttributes` as its ``attributes`` JSON; the routing reads the same
names (:data:`VIP`, :data:`LANGUAGE`) and is linted against the same types (:func:`task_types`), so
a flow cannot send ``"vip": "true"`` where routing expects ``true``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr

from studio import Unquoted
from studio.jsontext import json_text
from taskrouter import json_types
from taskrouter.lint import JsonType


@dataclass(frozen=True)
class LiquidCondition:
    """A JSON boolean decided by Studio at run time: ``{% if condition %}true{% else %}false{% endif %}``."""

    condition: str

    def render(self) -> str:
        """The Liquid that prints a bare ``true`` or ``false`` (never a quoted string)."""
        return f"{{% if {self.condition} %}}true{{% else %}}false{{% endif %}}"


class TaskAttributes(BaseModel):
    """What a task carries to TaskRouter and the agent (strings may hold Liquid such as ``{{trigger.call.From}}``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    type: StrictStr = "inbound"
    name: StrictStr
    """What Flex shows for the customer: the caller's number or address."""
    customer_name: StrictStr = ""
    language: StrictStr
    vip: StrictBool | LiquidCondition
    profile_sid: StrictStr = ""

    def to_mapping(self) -> dict[str, Any]:
        """Send to Flex ``attributes``; a :class:`LiquidCondition` is written unquoted, so it stays a boolean."""
        return {
            key: Unquoted(value.render()) if isinstance(value, LiquidCondition) else value
            for key, value in ((key, getattr(self, key)) for key in type(self).model_fields)
        }


VIP = "vip"
LANGUAGE = "language"
assert {VIP, LANGUAGE} <= set(TaskAttributes.model_fields)


def sample_task(*, vip: bool = False, language: str = "en") -> dict[str, Any]:
    """A task's attributes as TaskRouter receives them (Liquid already filled in)."""
    example = TaskAttributes(name="+15005550006", customer_name="Ada", language=language, vip=vip, profile_sid="PF0")
    decoded: dict[str, Any] = json.loads(json_text(example.to_mapping()))
    return decoded


def task_types() -> dict[str, JsonType]:
    """Attribute name -> JSON type, for ``taskrouter.lint(task_types=...)``."""
    return json_types(sample_task())
