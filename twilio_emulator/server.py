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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from twilio_emulator import conversations, executions, studio, sync, taskrouter
from twilio_emulator import phone_numbers as incoming_numbers
from twilio_emulator.errors import ApiError, authenticate, bad_request
from twilio_emulator.faults import NEXT_EXAMPLE, RULE_EXAMPLE, Fault, FaultPlan, FaultSpecError, configure
from twilio_emulator.journal import StateStore, recording
from twilio_emulator.latency import Latency
from twilio_emulator.params import Params, is_sid
from twilio_emulator.records import new_sid
from twilio_emulator.routing import Call, Router
from twilio_emulator.seed import fresh_flex_account, own_numbers
from twilio_emulator.state import State, comparable_state, dump_state

ADMIN_PREFIX = "/__emulator/"
_MUTATING = ("POST", "DELETE")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_FAULT_NAMES = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass(frozen=True)
class Answer:
    """A finished HTTP answer: status, JSON body (None: empty) and extra headers; or a dropped connection."""

    status: int
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()
    dropped: bool = False


def _fault_answer(fault: Fault) -> Answer:
    """What the client gets for an injected fault: a Twilio error body, or nothing at all."""
    if fault.status is None:
        return Answer(0, dropped=True)
    cause = "after applying the request" if fault.applied_first else "by the fault rules"
    error = ApiError(
        status=fault.status,
        code=20000 + fault.status,
        message=f"{_FAULT_NAMES.get(fault.status, 'Injected fault')} (injected by the emulator {cause})",
    )
    headers = () if fault.retry_after is None else (("Retry-After", fault.retry_after),)
    return Answer(fault.status, error.body(), headers)


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


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """(username, password) of a Basic Authorization header, or None."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return username, password


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
        faults: FaultPlan | None = None,
        latency: Latency | None = None,
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
        self._store = StateStore(state_file) if state_file is not None else None
        loaded = self._store.load() if self._store is not None else None
        self.state: State = loaded if loaded is not None else fresh_flex_account(numbers)
        if loaded is not None:
            own_numbers(self.state, numbers)  # a number listed since the account was saved (the snapshot gets it)
        self._router = Router([*studio.ROUTES, *executions.ROUTES, *taskrouter.ROUTES, *incoming_numbers.ROUTES,
                              *conversations.ROUTES, *sync.ROUTES])
        self._lock = threading.Lock()  # the store: the provider process sends up to 4 requests at once
        self._log_lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self.faults = faults if faults is not None else FaultPlan()
        self.latency = latency if latency is not None else Latency()
        self.stopping = threading.Event()  # set by Emulator.stop(): pending latency waits end at once
        if self._store is not None:
            self._store.start(self.state)  # the snapshot, journal folded in (journal.py)

    # ---------------------------------------------------------------------------------- API requests

    def handle(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Answer:
        """Apply one API request, or inject its fault, and record both in the request log.

        The caller sends the answer after `wait_before_answer()`: apply, then wait, then answer (latency.py).
        """
        split = urlsplit(target)
        fault = self.faults.decide(method, unquote(split.path), query=split.query, body=body)
        handled: Answer | None = None
        if fault is None or fault.applied_first:
            handled = answer = self._answer(method, target, body, headers)
        if fault is not None:
            answer = _fault_answer(fault)
        entry = {
            "method": method,
            "path": target,
            "status": None if answer.dropped else answer.status,
            "fault": None if fault is None else fault.kind,
            "handled_status": None if handled is None else handled.status,
            "user": (_basic_credentials(headers.get("authorization", "")) or ("",))[0],  # which client sent it
        }
        with self._log_lock:
            self._log.append(entry)
        return answer

    def _answer(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Answer:
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
                if method in _MUTATING and self._store is not None:
                    with recording() as changes:
                        try:
                            reply = handler(call)
                        finally:  # journaled (and flushed) before the request is answered
                            self._store.append(self.state, changes)
                else:
                    reply = handler(call)
            return Answer(reply.status, reply.body)
        except ApiError as error:
            return Answer(error.status, error.body(), tuple(error.headers.items()))
        except Exception:
            traceback.print_exc(file=sys.stderr)
            failure = ApiError(status=500, code=20500, message="Internal Server Error: the emulator failed; see stderr")
            return Answer(500, failure.body())

    def close(self) -> None:
        """Close the state file's journal (the data is already saved)."""
        if self._store is not None:
            with self._lock:
                self._store.close()

    def wait_before_answer(self) -> None:
        """The request's latency (see latency.py): called after `handle` applied it, before the answer is sent."""
        delay = self.latency.next_delay()
        if delay > 0:
            self.stopping.wait(delay)

    def _authorized(self, header: str) -> bool:
        return _basic_credentials(header) in self._logins

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
        """The API requests served since the last reset: `{method, path, status, fault, handled_status, user}`."""
        with self._log_lock:
            return [dict(entry) for entry in self._log]

    def reset_log(self) -> None:
        """Forget the request log (the data stays)."""
        with self._log_lock:
            self._log.clear()

    def state_data(self, *, comparable: bool = False) -> dict[str, Any]:
        """The whole account as data: the state file's format, or SIDs as names and no timestamps."""
        with self._lock:
            return comparable_state(self.state) if comparable else dump_state(self.state)

    def admin(self, method: str, path: str, body: bytes) -> Answer:
        """The emulator's own endpoints under `/__emulator/` (not logged, no auth, never faulted)."""
        endpoint = _ADMIN.get((method, path))
        if endpoint is None:
            known = ", ".join(f"{m} {p}" for m, p in _ADMIN)
            return Answer(404, {"message": f"unknown emulator endpoint {method} {path}; known: {known}"})
        return endpoint(self, body)

    def _get_requests(self, body: bytes) -> Answer:
        return Answer(200, {"requests": self.requests()})

    def _reset(self, body: bytes) -> Answer:
        self.reset_log()
        return Answer(204)

    def _get_faults(self, body: bytes) -> Answer:
        return Answer(200, self.faults.to_json())

    def _set_faults(self, body: bytes) -> Answer:
        try:
            configure(self.faults, json.loads(body or b"{}"))
        except (ValueError, FaultSpecError) as error:  # json.JSONDecodeError is a ValueError
            return Answer(400, {"message": f"invalid fault: {error}; e.g. {RULE_EXAMPLE} or {NEXT_EXAMPLE}"})
        return Answer(200, self.faults.to_json())

    def _clear_faults(self, body: bytes) -> Answer:
        self.faults.clear()
        return Answer(204)

    def _get_state(self, body: bytes) -> Answer:
        return Answer(200, self.state_data())

    def _get_comparable_state(self, body: bytes) -> Answer:
        return Answer(200, self.state_data(comparable=True))


_ADMIN: dict[tuple[str, str], Callable[[Api, bytes], Answer]] = {
    ("GET", "/__emulator/requests"): Api._get_requests,
    ("POST", "/__emulator/reset"): Api._reset,
    ("GET", "/__emulator/faults"): Api._get_faults,
    ("POST", "/__emulator/faults"): Api._set_faults,
    ("DELETE", "/__emulator/faults"): Api._clear_faults,
    ("GET", "/__emulator/state"): Api._get_state,
    ("GET", "/__emulator/state/comparable"): Api._get_comparable_state,
}


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
            answer = api.handle(method, self.path, body, headers)  # applied (and logged) here
            api.wait_before_answer()  # then the latency: a client gone meanwhile never learns of the write
        if answer.dropped:
            self.close_connection = True  # hang up without a status line: the client sees a connection error
            return
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

    `latency` and `latency_jitter` (seconds) delay every API answer by `latency` plus or minus up to
    `latency_jitter`, drawn with `latency_seed`; the request is applied before the wait (latency.py).
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
        faults: FaultPlan | None = None,
        latency: float = 0.0,
        latency_jitter: float = 0.0,
        latency_seed: int = 0,
    ) -> None:
        self.api = Api(
            account_sid=account_sid, auth_token=auth_token, phone_numbers=phone_numbers,
            api_key=api_key, api_secret=api_secret, state_file=state_file, faults=faults,
            latency=Latency(latency, latency_jitter, latency_seed),
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
        self.api.stopping.clear()
        self._thread.start()
        serving.wait()
        return self.base_url

    def stop(self) -> None:
        """Stop serving, hang up on open connections and release the port."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self.api.stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()
        self.api.close()
        self._server = self._thread = None

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
