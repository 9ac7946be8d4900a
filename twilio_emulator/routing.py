"""Requests, replies and the route table that maps `<method> /<product>/<path>` to a handler."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from twilio_emulator.errors import method_not_allowed, no_product, not_found
from twilio_emulator.params import Params
from twilio_emulator.state import State

# The real hosts, used in `url`, `links` and pagination fields (the client rewrites them).
HOSTS = {
    "studio": "https://studio.twilio.com",
    "taskrouter": "https://taskrouter.twilio.com",
    "api": "https://api.twilio.com",
    "conversations": "https://conversations.twilio.com",
    "sync": "https://sync.twilio.com",
}


@dataclass(frozen=True, kw_only=True)
class Call:
    """One API request as a handler sees it."""

    method: str
    path: str
    query: Params
    form: Params
    args: Mapping[str, str]
    state: State
    account_sid: str

    @property
    def product(self) -> str:
        """The first path segment: studio, taskrouter, api or conversations."""
        return self.path.split("/", 2)[1]

    def twilio_url(self, path: str) -> str:
        """The absolute Twilio URL of `path` (a path without the product prefix) on this call's host."""
        return HOSTS[self.product] + path


@dataclass(frozen=True)
class Reply:
    """What a handler answers: a status and a JSON body (None for 204)."""

    status: int
    body: Any = None


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    """`method` + a path template such as `/studio/v2/Flows/{Sid}`."""

    method: str
    template: str
    handler: Handler

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = re.split(r"\{(\w+)\}", self.template)
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)" for index, part in enumerate(parts)
        )
        return re.compile(regex)


class Router:
    """Finds the handler of a request; unknown paths are 404, known paths with another method 405."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [(route, route.pattern) for route in routes]

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]]:
        """The handler and path arguments for a request, or the ApiError to answer."""
        allowed: list[str] = []
        for route, pattern in self._routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            if route.method == method:
                return route.handler, match.groupdict()
            allowed.append(route.method)
        if allowed:
            raise method_not_allowed(method, path, allowed)
        if (path.split("/")[1] if "/" in path else "") not in HOSTS:
            raise no_product(path, list(HOSTS))  # Twilio's wording would name only its end: "/FW... not found"
        raise not_found(path)
