"""How providers reach Twilio: credentials, the account guard, the API base URL and retries.

Nothing here is kept on a provider instance, so nothing here is ever pickled into Pulumi state.
Credentials are resolved when a call is made, from the stack config handed to ``configure()`` or
from the environment.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
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
        return _client_for(self)


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


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff for 429 and 5xx answers."""

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based); Retry-After wins when given."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_delay)
            except ValueError:
                pass
        backoff: float = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return backoff * (0.5 + random.random() / 2)  # jitter: spread out concurrent retries


def is_retryable(status: int) -> bool:
    """Twilio asks us to come back later (429) or failed on its side (5xx)."""
    return status == 429 or status >= 500


class RetryingHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The SDK's HTTP client, sent to ``base_url`` when set, retrying 429 and 5xx with backoff."""

    def __init__(
        self,
        base_url: str | None,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(timeout=60)
        self.base_url = base_url
        self.policy = policy
        self._sleep = sleep

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        target = rewrite_url(url, self.base_url)
        attempt = 0
        while True:
            attempt += 1
            response: Response = super().request(method, target, params, data, headers, auth, timeout, allow_redirects)
            if not is_retryable(response.status_code) or attempt >= self.policy.attempts:
                return response
            retry_after = (response.headers or {}).get("Retry-After")
            self._sleep(self.policy.delay(attempt, retry_after))


def make_client(account_sid: str, username: str, password: str, base_url: str | None) -> Client:
    """A twilio Client for one account, sent to ``base_url`` (an emulator) when it is set."""
    return Client(username, password, account_sid=account_sid, http_client=RetryingHttpClient(base_url))


_local = threading.local()


def _client_for(connection: Connection) -> Client:
    # requests sessions are not guaranteed thread-safe; one client per thread keeps connection reuse
    # without sharing a session between the provider server's four worker threads.
    cache: dict[Connection, Client] = _local.__dict__.setdefault("clients", {})
    client = cache.get(connection)
    if client is None:
        client = make_client(connection.account_sid, connection.username, connection.password, connection.base_url)
        cache[connection] = client
    return client
