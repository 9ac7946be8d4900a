"""How providers reach Twilio: credentials, the account guard and the API base URL (the HTTP client and its
retries are in :mod:`components.providers.twilio_http`, loaded on the first call).

Nothing here is kept on a provider instance, so nothing here is ever pickled into Pulumi state.
Credentials are resolved when a call is made, from the stack config handed to ``configure()`` or
from the environment.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioException, TwilioRestException

if TYPE_CHECKING:
    from twilio.rest import Client

PROJECT = "flex-pre-agent"
ACCOUNT_SID_KEY = f"{PROJECT}:accountSid"
AUTH_TOKEN_KEY = f"{PROJECT}:authToken"
API_KEY_KEY = f"{PROJECT}:apiKey"
API_SECRET_KEY = f"{PROJECT}:apiSecret"
API_BASE_URL_KEY = f"{PROJECT}:apiBaseUrl"
BASE_URL_ENV = "TWILIO_API_BASE_URL"

ACCOUNT_SID_PATTERN = re.compile(r"^AC[0-9a-fA-F]{32}$")
_TWILIO_HOST = re.compile(r"^(?P<product>[a-z0-9-]+)\.twilio\.com$")


class TwilioSetupError(RuntimeError):
    """The stack config or environment does not let a provider act on the right account."""


@dataclass(frozen=True)
class Connection:
    """Everything needed for one call to Twilio. Built per call; never stored on a provider."""

    account_sid: str
    username: str
    password: str
    base_url: str | None

    def client(self) -> Client:
        """A twilio Client for this connection (one per thread, reused across calls)."""
        from components.providers.twilio_http import client_for  # the SDK's HTTP stack loads on the first call

        return client_for(self)

    def pause_before_retry(self, attempt: int) -> bool:
        """Wait before retry number ``attempt`` + 1 of a lost write; False when the attempts are spent."""
        http = self.client().http_client
        if attempt >= http.policy.attempts:
            return False
        http.pause(attempt)
        return True


def resolve_connection(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Connection:
    """Resolve the account, credentials and base URL for a call, or explain what is missing.

    Stack config wins over the environment for credentials; ``TWILIO_API_BASE_URL`` wins over the
    stack's ``apiBaseUrl`` so a test or a user can point any stack at an emulator on another port.
    """
    env = os.environ if environ is None else environ
    account_sid = str(config.get(ACCOUNT_SID_KEY) or "")
    if not ACCOUNT_SID_PATTERN.match(account_sid):
        raise TwilioSetupError(
            f"stack config {ACCOUNT_SID_KEY} is {account_sid or 'not set'}; every stack must name the Twilio "
            f"account it manages (AC followed by 32 hex digits): pulumi config set accountSid AC..."
        )
    username, password = _credentials(config, env, account_sid)
    base_url = env.get(BASE_URL_ENV) or str(config.get(API_BASE_URL_KEY) or "") or None
    where = BASE_URL_ENV if env.get(BASE_URL_ENV) else f"stack config {API_BASE_URL_KEY}"
    if base_url and "@" in base_url.partition("?")[0].partition("#")[0]:
        # Never shown: whatever precedes the host may be a token, and every error names the URL it called.
        host = base_url.rpartition("@")[2]
        raise TwilioSetupError(
            f"{where} carries credentials before its host (...@{host}), which would appear in every error and log "
            f"line naming a URL; give only the scheme, host and port, and the token as the authToken stack "
            f"secret or TWILIO_AUTH_TOKEN (rotate it if it was a real one)"
        )
    if base_url and urlsplit(base_url).path.strip("/"):
        raise TwilioSetupError(
            f"{where} is {base_url!r}, which has a path; Twilio calls go to <base>/<product>/<path>, so give only "
            f"the scheme, host and port"
        )
    return Connection(account_sid, username, password, base_url.rstrip("/") if base_url else None)


def _credentials(config: Mapping[str, Any], env: Mapping[str, str], account_sid: str) -> tuple[str, str]:
    token = str(config.get(AUTH_TOKEN_KEY) or "")
    if token:
        return account_sid, token
    key, secret = str(config.get(API_KEY_KEY) or ""), str(config.get(API_SECRET_KEY) or "")
    if key and secret:
        return key, secret
    if env.get("TWILIO_API_KEY") and env.get("TWILIO_API_SECRET"):
        return env["TWILIO_API_KEY"], env["TWILIO_API_SECRET"]
    env_sid, env_token = env.get("TWILIO_ACCOUNT_SID", ""), env.get("TWILIO_AUTH_TOKEN", "")
    if env_token:
        if env_sid and env_sid != account_sid:
            raise TwilioSetupError(
                f"TWILIO_ACCOUNT_SID is {env_sid} but this stack manages {account_sid}; refusing to act on "
                f"another account. Export the credentials of {account_sid}, "
                f"or select the stack for {env_sid}."
            )
        return account_sid, env_token
    raise TwilioSetupError(
        f"no Twilio credentials for {account_sid}: set the stack secret authToken "
        f"(pulumi config set --secret authToken ...), or export TWILIO_AUTH_TOKEN, "
        f"or TWILIO_API_KEY with TWILIO_API_SECRET"
    )


def check_account(resource: str, expected: str, actual: object) -> None:
    """Refuse to go on when Twilio says an object lives in another account than the stack's."""
    if actual and actual != expected:
        raise TwilioSetupError(
            f"{resource} belongs to account {actual}, but this stack manages {expected}; refusing to act "
            f"on another account. Check the stack's accountSid and the credentials in use."
        )


_proven: set[Connection] = set()
_proven_lock = threading.Lock()


def prove_key_account(connection: Connection) -> None:
    """Before the first write with an API key, prove the key acts on the stack's account.

    An auth token's username is the account SID itself, but an API key (``SK...``) does not name its
    account: TaskRouter, Studio and Conversations URLs carry no account SID, so a key of another
    account would write there. Listing the stack account's numbers (an ``/Accounts/{sid}/`` URL)
    only succeeds when the key may act on that account. Done once per provider process and key.
    """
    if not connection.username.startswith("SK"):
        return
    with _proven_lock:
        if connection in _proven:
            return
    numbers = connection.client().api.v2010.accounts(connection.account_sid).incoming_phone_numbers
    try:
        numbers.page(page_size=1)
    except TwilioException as error:
        status = error_parts(error)[0]
        if status == 401:
            reason = "Twilio refused the key and secret (HTTP 401): check apiKey and apiSecret"
        else:
            reason = (
                f"Twilio answered HTTP {status} for this account's numbers, so the key belongs to another "
                f"account; refusing to write anywhere. Use an API key created in {connection.account_sid} "
                f"(or its auth token), or select the stack of the key's account"
            )
        raise TwilioSetupError(
            f"API key {connection.username} cannot act on account {connection.account_sid}: {reason}."
        ) from None
    with _proven_lock:
        _proven.add(connection)


def error_parts(error: TwilioException) -> tuple[Any, int | None, str, Any]:
    """(HTTP status, Twilio code, message, details) of either kind of SDK error.

    Single-record calls raise TwilioRestException; list pages raise a bare TwilioException that
    carries the HTTP response.
    """
    if isinstance(error, TwilioRestException):
        return error.status, error.code, error.msg, error.details
    response = error.args[1] if len(error.args) > 1 else None
    try:
        body = json.loads(response.text) if response is not None else {}
    except (ValueError, AttributeError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    status = getattr(response, "status_code", None)
    return status, body.get("code"), str(body.get("message") or error.args[0]), body.get("details")


def rewrite_url(url: str, base_url: str | None) -> str:
    """Map ``https://<product>.twilio.com/<path>`` to ``<base>/<product>/<path>`` when a base is set."""
    if not base_url:
        return url
    parts = urlsplit(url)
    match = _TWILIO_HOST.match(parts.hostname or "")
    if not match:
        return url
    query = f"?{parts.query}" if parts.query else ""
    return f"{base_url}/{match['product']}{parts.path}{query}"


class AnswerLost(RuntimeError):
    """A write (POST or DELETE) got no usable answer: the connection dropped, it timed out, or 5xx.

    Twilio may or may not have applied it, so it is never sent again blindly: the provider either
    looks for what the write would have made (a create) or knows that sending it again is harmless
    (an update, a delete).
    """

    def __init__(self, method: str, url: str, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(f"{method} {url}: {reason}")
        self.method = method
        self.url = url
        self.reason = reason
        self.unreachable = unreachable  # no connection could be opened (refused, no such host): nothing was sent
