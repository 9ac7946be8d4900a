"""The HTTP side: Basic auth, the route table, the request log, fault injection and `Emulator`."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
import socket
import sys
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from twilio_emulator import conversations, studio, taskrouter
from twilio_emulator import phone_numbers as incoming_numbers
from twilio_emulator.errors import ApiError, authenticate, bad_request
from twilio_emulator.params import Params, is_sid
from twilio_emulator.records import new_sid
from twilio_emulator.routing import Call, Router
from twilio_emulator.seed import fresh_flex_account
from twilio_emulator.state import State, read_state_file, write_state_file

ADMIN_PREFIX = "/__emulator/"
_MUTATING = ("POST", "DELETE")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_FAULT_NAMES = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass(frozen=True)
class Answer:
    """A finished HTTP answer: status, JSON body (None: empty) and extra headers."""

    status: int
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Fault:
    status: int
    remaining: int
    retry_after: str | None

    def answer(self) -> Answer:
        error = ApiError(
            status=self.status,
            code=20000 + self.status,
            message=f"{_FAULT_NAMES.get(self.status, 'Injected fault')} (injected by POST /__emulator/faults)",
        )
        headers = () if self.retry_after is None else (("Retry-After", self.retry_after),)
        return Answer(self.status, error.body(), headers)


def _check_settings(account_sid: str, auth_token: str, phone_numbers: Iterable[str], api_key: str | None) -> None:
    if not is_sid(account_sid, "AC"):
        raise ValueError(f"account SID {account_sid!r} is not AC followed by 32 hexadecimal characters")
    if not auth_token:
        raise ValueError("the auth token is empty; give the emulator a token for clients to authenticate with")
    for number in phone_numbers:
        if not _E164.fullmatch(number):
            raise ValueError(f"phone number {number!r} is not in E.164 form, e.g. +15005550006")
    if api_key is not None and not is_sid(api_key, "SK"):
        raise ValueError(f"API key {api_key!r} is not SK followed by 32 hexadecimal characters")


class Api:
    """Everything behind the socket: credentials, state (under one lock), routes, log and faults."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        phone_numbers: Iterable[str] = (),
        api_key: str | None = None,
        api_secret: str | None = None,
        state_file: Path | None = None,
    ) -> None:
        numbers = list(phone_numbers)
        _check_settings(account_sid, auth_token, numbers, api_key)
        self.account_sid = account_sid
        self._logins = {(account_sid, auth_token)}
        if api_key is not None:
            if not api_secret:
                raise ValueError("an API key needs its secret: pass --api-secret with --api-key")
            self._logins.add((api_key, api_secret))
        self.state_file = state_file
        loaded = read_state_file(state_file) if state_file is not None else None
        self.state: State = loaded if loaded is not None else fresh_flex_account(numbers)
        self._router = Router([*studio.ROUTES, *taskrouter.ROUTES, *incoming_numbers.ROUTES, *conversations.ROUTES])
        self._lock = threading.Lock()  # the store: the provider process sends up to 4 requests at once
        self._log_lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self._fault: _Fault | None = None
        if state_file is not None and loaded is None:
            write_state_file(state_file, self.state)

    # ---------------------------------------------------------------------------------- API requests

    def handle(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Answer:
        """Answer one API request and record it in the request log."""
        answer = self._answer(method, target, body, headers)
        with self._log_lock:
            self._log.append({"method": method, "path": target, "status": answer.status})
        return answer

    def _answer(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Answer:
        fault = self._take_fault()
        if fault is not None:
            return fault
        try:
            if not self._authorized(headers.get("authorization", "")):
                raise authenticate(self.account_sid)
            split = urlsplit(target)
            path = unquote(split.path)
            handler, args = self._router.resolve(method, path)
            form = self._form(method, body, headers.get("content-type", ""))
            with self._lock:
                call = Call(
                    method=method, path=path, query=Params.parse(split.query, where="query string"), form=form,
                    args=args, state=self.state, account_sid=self.account_sid,
                )
                reply = handler(call)
                if method in _MUTATING and self.state_file is not None:
                    write_state_file(self.state_file, self.state)
            return Answer(reply.status, reply.body)
        except ApiError as error:
            return Answer(error.status, error.body(), tuple(error.headers.items()))
        except Exception:
            traceback.print_exc(file=sys.stderr)
            failure = ApiError(status=500, code=20500, message="Internal Server Error: the emulator failed; see stderr")
            return Answer(500, failure.body())

    def _authorized(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return (username, password) in self._logins

    @staticmethod
    def _form(method: str, body: bytes, content_type: str) -> Params:
        if method != "POST" or not body:
            return Params({}, where="post body")
        if content_type and not content_type.lower().startswith("application/x-www-form-urlencoded"):
            raise bad_request(
                f"The post body is {content_type}; Twilio's API takes application/x-www-form-urlencoded "
                "parameters (JSON values go inside a form field)"
            )
        try:
            return Params.parse(body.decode("utf-8"), where="post body")
        except UnicodeDecodeError:
            raise bad_request("The post body is not UTF-8 text; send form-encoded UTF-8 parameters") from None

    # ------------------------------------------------------------------------------ test-facing endpoints

    def requests(self) -> list[dict[str, Any]]:
        """The API requests served since the last reset: `{method, path, status}`."""
        with self._log_lock:
            return [dict(entry) for entry in self._log]

    def reset_log(self) -> None:
        """Forget the request log (the data stays)."""
        with self._log_lock:
            self._log.clear()

    def set_fault(self, status: int, count: int, retry_after: str | None) -> None:
        """Answer the next `count` API requests with `status`, a Twilio error body and `Retry-After`."""
        if not 400 <= status <= 599:
            raise ValueError(f"fault status {status} is not an HTTP error status (400..599)")
        if count < 0:
            raise ValueError(f"fault count {count} is negative")
        with self._log_lock:
            self._fault = _Fault(status, count, retry_after) if count else None

    def _take_fault(self) -> Answer | None:
        with self._log_lock:
            fault = self._fault
            if fault is None:
                return None
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._fault = None
            return fault.answer()

    def admin(self, method: str, path: str, body: bytes) -> Answer:
        """The emulator's own endpoints under `/__emulator/` (not logged, no auth)."""
        if (method, path) == ("GET", "/__emulator/requests"):
            return Answer(200, {"requests": self.requests()})
        if (method, path) == ("POST", "/__emulator/reset"):
            self.reset_log()
            return Answer(204)
        if (method, path) == ("POST", "/__emulator/faults"):
            return self._admin_fault(body)
        return Answer(404, {"message": f"unknown emulator endpoint {method} {path}; see twilio_emulator/README.md"})

    def _admin_fault(self, body: bytes) -> Answer:
        try:
            spec = json.loads(body or b"{}")
            if not isinstance(spec, dict):
                raise ValueError("the body must be a JSON object")
            status = spec.get("status", 429)
            count = spec.get("count", 1)
            retry_after = spec.get("retry_after", "0")
            if not isinstance(status, int) or not isinstance(count, int):
                raise ValueError("status and count must be integers")
            self.set_fault(status, count, None if retry_after is None else str(retry_after))
        except ValueError as error:
            usage = 'e.g. {"status": 429, "count": 2, "retry_after": "0"}'
            return Answer(400, {"message": f"invalid fault: {error}; {usage}"})
        return Answer(200, {"status": status, "count": count, "retry_after": retry_after})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TwilioEmulator"
    timeout = 300  # idle keep-alive connections are closed after this many seconds
    disable_nagle_algorithm = True  # headers and body go out in two writes; don't wait for delayed ACKs
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        method = self.command
        api = self.server.api
        if urlsplit(self.path).path.startswith(ADMIN_PREFIX):
            answer = api.admin(method, urlsplit(self.path).path, body)
        else:
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = api.handle(method, self.path, body, headers)
        payload = b"" if answer.body is None else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        if answer.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Twilio-Request-Id", new_sid("RQ"))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: stdout carries only the readiness line, and the request log is served over HTTP."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], api: Api) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.api = api
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on idle keep-alive clients so their handler threads end."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class Emulator:
    """A local Twilio API on a loopback port, in this process.

    Example:
        with Emulator(account_sid="AC...", auth_token="token", phone_numbers=["+15005550006"], port=0) as em:
            client = make_client(em.account_sid, em.account_sid, "token", em.base_url)
    """

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        phone_numbers: Iterable[str] = (),
        host: str = "127.0.0.1",
        port: int = 8787,
        state_file: Path | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
    ) -> None:
        self.api = Api(
            account_sid=account_sid, auth_token=auth_token, phone_numbers=phone_numbers,
            api_key=api_key, api_secret=api_secret, state_file=state_file,
        )
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def account_sid(self) -> str:
        return self.api.account_sid

    @property
    def base_url(self) -> str:
        """`http://HOST:PORT` with the real port once started (also when asked for port 0)."""
        if self._server is None:
            raise RuntimeError("the emulator is not started; call start() first")
        port = self._server.server_address[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}"

    def start(self) -> str:
        """Bind the socket, serve in a background thread and return the base URL."""
        if self._server is not None:
            raise RuntimeError("the emulator is already started")
        self._server = _Server((self.host, self.port), self.api)
        serving = threading.Event()

        def serve(server: _Server) -> None:
            serving.set()
            server.serve_forever(poll_interval=0.01)  # how soon stop() is noticed

        self._thread = threading.Thread(target=serve, args=(self._server,), name="twilio-emulator", daemon=True)
        self._thread.start()
        serving.wait()
        return self.base_url

    def stop(self) -> None:
        """Stop serving, hang up on open connections and release the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
