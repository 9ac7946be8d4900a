"""Checks a response body against the response schema Twilio's OpenAPI specs give for its operation.

OpenAPI 3.0 is not JSON Schema: `nullable: true` becomes `type: [..., "null"]` here. The check is
strict on purpose: every property a resource schema lists must be present and no other may appear
(Twilio sends every field), so a missing, misspelled or extra field fails.
"""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]  # no stubs pinned

from tests.shared_data import OPENAPI

SPEC_DIR = OPENAPI
SPEC_FILES = {
    "studio.twilio.com": "twilio_studio_v2.json",
    "taskrouter.twilio.com": "twilio_taskrouter_v1.json",
    "api.twilio.com": "twilio_api_v2010.json",
    "conversations.twilio.com": "twilio_conversations_v1.json",
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "more_info", "status"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "integer"},
        "message": {"type": "string", "minLength": 1},
        "more_info": {"type": "string", "pattern": r"^https://www\.twilio\.com/docs/errors/\d+$"},
        "status": {"type": "integer"},
        "details": {"type": "object"},
    },
}

def _iso_8601(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value) is not None


def _rfc_2822(value: object) -> bool:
    return not isinstance(value, str) or parsedate_to_datetime(value).tzinfo is not None


def _uri(value: object) -> bool:
    # Twilio itself sends "" for unset URLs (e.g. `sms_url` of a fresh number).
    if not isinstance(value, str) or value == "":
        return True
    parts = urlsplit(value)
    return (parts.scheme in ("http", "https") and bool(parts.netloc)) or value.startswith("/2010-04-01/")


def _uri_map(value: object) -> bool:
    return not isinstance(value, dict) or all(link is None or _uri(link) for link in value.values())


def _e164(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"\+[1-9]\d{1,14}", value) is not None


_FORMATS = FormatChecker()
_FORMATS.checks("date-time")(_iso_8601)
_FORMATS.checks("date-time-rfc-2822", raises=(TypeError, ValueError))(_rfc_2822)
_FORMATS.checks("uri")(_uri)
_FORMATS.checks("uri-map")(_uri_map)
_FORMATS.checks("phone-number")(_e164)


class SchemaMismatch(AssertionError):
    """A response does not match what the OpenAPI spec says the operation answers."""


def _to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema 2020-12 (nullable), requiring every listed property, no others."""
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: ({name: _to_json_schema(schema) for name, schema in value.items()}
              if key == "properties" and isinstance(value, dict) else _to_json_schema(value))
        for key, value in node.items()
        if key not in ("nullable", "example", "examples")
    }
    if isinstance(converted.get("properties"), dict):
        converted["required"] = list(converted["properties"])
        converted["additionalProperties"] = False
    if node.get("nullable") is True:
        if "$ref" in converted:
            return {"anyOf": [converted, {"type": "null"}]}
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
    return converted


@cache
def _spec(file_name: str) -> dict[str, Any]:
    path = SPEC_DIR / file_name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the response checks need Twilio's OpenAPI specs (TWILIO_OAI_DIR)")
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    spec["components"]["schemas"] = _to_json_schema(spec["components"]["schemas"])
    return spec


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


@cache
def _validator(file_name: str, template: str, method: str, status: int) -> Draft202012Validator | None:
    spec = _spec(file_name)
    responses = spec["paths"][template][method.lower()]["responses"]
    if str(status) not in responses:
        raise SchemaMismatch(f"{method} {template}: the spec lists {sorted(responses)} responses, not {status}")
    content = responses[str(status)].get("content", {}).get("application/json")
    if content is None:
        return None
    schema = _to_json_schema(content["schema"])
    schema["components"] = spec["components"]  # so `#/components/schemas/...` references resolve
    return Draft202012Validator(schema, format_checker=_FORMATS)


def operation(url: str, method: str) -> tuple[str, str]:
    """The spec file and path template of a Twilio URL, e.g. `/v2/Flows/{Sid}` (literal paths win)."""
    parts = urlsplit(url)
    file_name = SPEC_FILES.get(parts.hostname or "")
    if file_name is None:
        raise SchemaMismatch(f"{url}: not a host of the specs checked here ({', '.join(SPEC_FILES)})")
    candidates = [
        template
        for template, item in _spec(file_name)["paths"].items()
        if method.lower() in item and _template_regex(template).fullmatch(parts.path)
    ]
    if not candidates:
        raise SchemaMismatch(f"{method} {url}: no operation in {file_name} matches")
    return file_name, min(candidates, key=lambda template: template.count("{"))


def check_response(method: str, url: str, status: int, text: str) -> None:
    """Raise SchemaMismatch unless `text` is what the spec says `method url` answers with `status`."""
    if status == 204:
        if text.strip():
            raise SchemaMismatch(f"{method} {url}: 204 with a body {text[:200]!r}")
        return
    body: Any = json.loads(text) if text else None
    if status >= 400:
        _raise_errors(Draft202012Validator(ERROR_SCHEMA), body, f"{method} {url} -> {status} (Twilio error body)")
        if body["status"] != status:
            raise SchemaMismatch(f"{method} {url}: HTTP {status} but the body says status {body['status']}")
        return
    validator = _validator(*operation(url, method), method, status)
    if validator is not None:
        _raise_errors(validator, body, f"{method} {url} -> {status}")


def _raise_errors(validator: Draft202012Validator, body: Any, where: str) -> None:
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
    if errors:
        lines = [f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:10]]
        raise SchemaMismatch(f"{where} does not match the OpenAPI response schema:\n" + "\n".join(lines))
