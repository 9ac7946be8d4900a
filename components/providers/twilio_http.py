"""The ``twilio`` SDK's HTTP client as providers use it: sent to an emulator's base URL, retrying what is safe.

Kept apart from :mod:`components.providers.twilio_api` because it loads ``requests`` and the SDK's REST
client (a twentieth of a second): the Pulumi program imports the providers to register resources but
calls Twilio only during ``up`` (the account check), and the provider server on its first call.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
import urllib3
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from components.providers.twilio_api import AnswerLost, Connection, rewrite_url


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: for reads, for 429 answers and for resending an idempotent write."""

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    unreachable_attempts: int = 2  # a connection that cannot even be opened: tried once more, then reported

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based); Retry-After wins when given."""
        if retry_after is not None:
            try:
                return min(max(float(retry_after), 0.0), self.max_delay)
            except ValueError:
                pass
        backoff: float = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return backoff * (0.5 + random.random() / 2)  # jitter: spread out concurrent retries


DEFAULT_POLICY = RetryPolicy()


_SAFE_METHODS = ("GET", "HEAD")
_NO_ANSWER = (requests.ConnectionError, requests.Timeout)


class RetryingHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The SDK's HTTP client, sent to ``base_url`` when set, retrying only what is safe to retry.

    * Reads are retried on 429, 5xx and lost connections, with backoff.
    * Writes are retried as they are only on 429: Twilio did not process them. Any other lost answer
      (5xx, dropped connection, timeout) raises ``AnswerLost`` for the provider to reconcile.
    """

    def __init__(
        self,
        base_url: str | None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(timeout=60)
        self.base_url = base_url
        self.policy = policy or DEFAULT_POLICY
        self._sleep = sleep

    def pause(self, attempt: int, retry_after: str | None = None) -> None:
        """Wait before retry number ``attempt`` (1-based) under this client's policy."""
        self._sleep(self.policy.delay(attempt, retry_after))

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
        safe = method.upper() in _SAFE_METHODS
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self.policy.attempts
            try:
                response: Response = super().request(
                    method, target, params, data, headers, auth, timeout, allow_redirects
                )
            except _NO_ANSWER as error:
                unreachable = _unreachable(error)
                if safe and not last and not (unreachable and attempt >= self.policy.unreachable_attempts):
                    self.pause(attempt)
                    continue
                reason = "no connection (nothing answers there)" if unreachable else "no answer"
                raise AnswerLost(method.upper(), target, f"{reason} ({type(error).__name__})",
                                 unreachable=unreachable) from error
            status = response.status_code
            if status == 429 and not last:
                self.pause(attempt, (response.headers or {}).get("Retry-After"))
                continue
            if status >= 500 and not safe:
                raise AnswerLost(method.upper(), target, f"HTTP {status} {_message(response)}".rstrip())
            if status >= 500 and not last:
                self.pause(attempt)
                continue
            return response


def _unreachable(error: Exception) -> bool:
    """The connection could not be opened (refused, or no such host): nothing was sent, and retrying for a minute
    (as for a lost answer) only delays saying so."""
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _message(response: Response) -> str:
    try:
        body = json.loads(response.text or "{}")
    except ValueError:
        return ""
    return str(body.get("message") or "") if isinstance(body, dict) else ""


def make_client(account_sid: str, username: str, password: str, base_url: str | None) -> Client:
    """A twilio Client for one account, sent to ``base_url`` (an emulator) when it is set."""
    return Client(username, password, account_sid=account_sid, http_client=RetryingHttpClient(base_url))


_local = threading.local()


def client_for(connection: Connection) -> Client:
    # requests sessions are not guaranteed thread-safe; one client per thread keeps connection reuse
    # without sharing a session between the provider server's four worker threads.
    cache: dict[Connection, Client] = _local.__dict__.setdefault("clients", {})
    client = cache.get(connection)
    if client is None:
        client = make_client(connection.account_sid, connection.username, connection.password, connection.base_url)
        cache[connection] = client
    return client
