"""Twilio's error body and the errors the emulator answers with."""

from __future__ import annotations

from typing import Any

# Twilio's generic codes (https://www.twilio.com/docs/errors/<code>).
BAD_REQUEST = 20001
AUTHENTICATE = 20003
METHOD_NOT_ALLOWED = 20004
NOT_FOUND = 20404
INVALID_PAGE_TOKEN = 21481
FLOW_VALIDATION_FAILED = 81022


class ApiError(Exception):
    """An error answered to the client as Twilio's `{code, message, more_info, status}` body."""

    def __init__(
        self,
        *,
        status: int,
        code: int,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body Twilio sends for this error."""
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def bad_request(message: str, *, code: int = BAD_REQUEST) -> ApiError:
    """400: a parameter is missing or invalid."""
    return ApiError(status=400, code=code, message=message)


def not_found(path: str) -> ApiError:
    """404 in Twilio's words; `path` is the emulator request path."""
    return ApiError(
        status=404, code=NOT_FOUND, message=f"The requested resource {twilio_resource_path(path)} was not found"
    )


def no_product(path: str, products: list[str]) -> ApiError:
    """404 for a path that starts with no product: a call sent to the emulator without ``<product>/`` before it."""
    return ApiError(
        status=404, code=NOT_FOUND,
        message=(f"The requested resource {path} was not found: the emulator serves each Twilio host under its "
                 f"product's name ({', '.join(products)}), https://studio.twilio.com/v2/Flows as /studio/v2/Flows"),
    )


def method_not_allowed(method: str, path: str, allowed: list[str]) -> ApiError:
    """405 for a known resource asked with a method it does not support."""
    return ApiError(
        status=405,
        code=METHOD_NOT_ALLOWED,
        message=(
            f"Method {method} is not allowed on {twilio_resource_path(path)}; "
            f"it accepts {', '.join(sorted(allowed))}"
        ),
        headers={"Allow": ", ".join(sorted(allowed))},
    )


def authenticate(account_sid: str) -> ApiError:
    """401: the Basic credentials are missing or wrong (the message never echoes a secret)."""
    return ApiError(
        status=401,
        code=AUTHENTICATE,
        message=(
            f"Authenticate: use HTTP Basic auth with username {account_sid} and the emulator's auth token "
            "(or an API key SID and secret it was started with)"
        ),
        headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
    )


def twilio_resource_path(path: str) -> str:
    """The path as Twilio names it in messages: no product prefix, no version for v1/v2 APIs.

    `/studio/v2/Flows/FW1` -> `/Flows/FW1`; `/api/2010-04-01/Accounts/AC1/X.json` keeps its version.
    """
    parts = path.split("/", 3)  # "", product, version, rest
    if len(parts) < 3:
        return path
    if parts[1] == "api" or len(parts) == 3:
        return "/" + "/".join(parts[2:])
    return "/" + parts[3]
