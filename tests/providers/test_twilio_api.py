"""Credentials, the account guard, base-URL rewriting and retries."""

import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from components.providers.twilio_api import (
    ACCOUNT_SID_KEY,
    API_BASE_URL_KEY,
    AUTH_TOKEN_KEY,
    AnswerLost,
    TwilioSetupError,
    check_account,
    resolve_connection,
    rewrite_url,
)
from components.providers.twilio_http import RetryingHttpClient, RetryPolicy

ACCOUNT = "AC" + "1" * 32
OTHER = "AC" + "2" * 32


def test_rewrite_sends_each_product_host_under_the_base_url() -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B1500"
    assert rewrite_url(url, "http://127.0.0.1:8787") == (
        "http://127.0.0.1:8787/api/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B1500"
    )
    assert rewrite_url("https://studio.twilio.com/v2/Flows", "http://h:1") == "http://h:1/studio/v2/Flows"


def test_rewrite_leaves_urls_alone_without_a_base_or_for_other_hosts() -> None:
    assert rewrite_url("https://studio.twilio.com/v2/Flows", None) == "https://studio.twilio.com/v2/Flows"
    assert rewrite_url("https://example.com/x", "http://h:1") == "https://example.com/x"


def test_connection_needs_the_stack_account() -> None:
    with pytest.raises(TwilioSetupError, match="accountSid"):
        resolve_connection({}, {})


def test_connection_prefers_the_stack_token_then_the_environment() -> None:
    conn = resolve_connection({ACCOUNT_SID_KEY: ACCOUNT, AUTH_TOKEN_KEY: "from-config"}, {"TWILIO_AUTH_TOKEN": "env"})
    assert (conn.username, conn.password) == (ACCOUNT, "from-config")
    conn = resolve_connection({ACCOUNT_SID_KEY: ACCOUNT}, {"TWILIO_API_KEY": "SKk", "TWILIO_API_SECRET": "s"})
    assert (conn.username, conn.password) == ("SKk", "s")


def test_connection_refuses_credentials_of_another_account() -> None:
    env = {"TWILIO_ACCOUNT_SID": OTHER, "TWILIO_AUTH_TOKEN": "t"}
    with pytest.raises(TwilioSetupError, match=f"TWILIO_ACCOUNT_SID is {OTHER} but this stack manages {ACCOUNT}"):
        resolve_connection({ACCOUNT_SID_KEY: ACCOUNT}, env)


def test_connection_without_credentials_says_how_to_provide_them() -> None:
    with pytest.raises(TwilioSetupError, match="TWILIO_AUTH_TOKEN"):
        resolve_connection({ACCOUNT_SID_KEY: ACCOUNT}, {})


def test_environment_base_url_wins_over_the_stack_config() -> None:
    config = {ACCOUNT_SID_KEY: ACCOUNT, AUTH_TOKEN_KEY: "t", API_BASE_URL_KEY: "http://127.0.0.1:8787"}
    assert resolve_connection(config, {}).base_url == "http://127.0.0.1:8787"
    assert resolve_connection(config, {"TWILIO_API_BASE_URL": "http://127.0.0.1:9/"}).base_url == "http://127.0.0.1:9"


def test_account_guard_refuses_objects_of_another_account() -> None:
    check_account("StudioFlow 'x'", ACCOUNT, ACCOUNT)
    with pytest.raises(TwilioSetupError, match=f"belongs to account {OTHER}"):
        check_account("StudioFlow 'x'", ACCOUNT, OTHER)


def test_retry_after_wins_and_backoff_is_bounded() -> None:
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=4.0)
    assert policy.delay(1, "2") == 2.0
    assert policy.delay(1, "999") == 4.0
    assert 2.0 <= policy.delay(3, None) <= 4.0
    assert policy.delay(10, None) <= 4.0


class _Flaky(BaseHTTPRequestHandler):
    """Answers the statuses in ``answers`` one by one (429 with Retry-After), then 200."""

    answers: ClassVar[list[int]] = []
    served: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.served.append(self.command)
        status = self.answers.pop(0) if self.answers else 200
        body = b'{"code": 20429, "message": "Too Many Requests", "status": 429}' if status != 200 else b"{}"
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "3")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_read_is_retried_on_429_and_5xx_honouring_retry_after(flaky_server: str) -> None:
    _Flaky.answers = [429, 503]
    waits: list[float] = []
    client = RetryingHttpClient(flaky_server, RetryPolicy(attempts=4, base_delay=0.25), sleep=waits.append)
    response = client.request("GET", "https://studio.twilio.com/v2/Flows")
    assert response.status_code == 200
    assert waits[0] == 3.0
    assert len(waits) == 2


def test_client_gives_up_after_its_attempts(flaky_server: str) -> None:
    _Flaky.answers = [503, 503, 503, 503]
    waits: list[float] = []
    client = RetryingHttpClient(flaky_server, RetryPolicy(attempts=3, base_delay=0.01), sleep=waits.append)
    assert client.request("GET", "https://studio.twilio.com/v2/Flows").status_code == 503
    assert len(waits) == 2


def test_a_write_is_retried_as_it_is_only_on_429(flaky_server: str) -> None:
    _Flaky.answers, _Flaky.served = [429], []
    waits: list[float] = []
    client = RetryingHttpClient(flaky_server, RetryPolicy(attempts=4, base_delay=0.01), sleep=waits.append)
    assert client.request("POST", "https://taskrouter.twilio.com/v1/Workspaces", data={"A": "1"}).status_code == 200
    assert _Flaky.served == ["POST", "POST"]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_write_answered_5xx_is_never_sent_again_blindly(flaky_server: str, status: int) -> None:
    _Flaky.answers, _Flaky.served = [status], []
    client = RetryingHttpClient(flaky_server, RetryPolicy(attempts=4, base_delay=0.01), sleep=lambda _: None)
    with pytest.raises(AnswerLost, match=f"HTTP {status}"):
        client.request("POST", "https://taskrouter.twilio.com/v1/Workspaces", data={"A": "1"})
    assert _Flaky.served == ["POST"]


def test_a_write_without_any_answer_is_lost_not_resent() -> None:
    with socket.socket() as listener:  # accepts nothing: the connection is refused once closed
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    client = RetryingHttpClient(f"http://127.0.0.1:{port}", RetryPolicy(attempts=4), sleep=lambda _: None)
    with pytest.raises(AnswerLost, match=r"no connection \(nothing answers there\)"):
        client.request("DELETE", "https://studio.twilio.com/v2/Flows/FW1")


def test_a_read_where_nothing_listens_is_tried_twice_and_names_the_url_it_was_sent_to() -> None:
    """Not six tries over a minute (a stopped emulator made `pulumi preview` take 62 s), and not Twilio's URL."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    waits: list[float] = []
    client = RetryingHttpClient(f"http://127.0.0.1:{port}", RetryPolicy(attempts=6), sleep=waits.append)
    with pytest.raises(AnswerLost) as lost:
        client.request("GET", "https://studio.twilio.com/v2/Flows/FW1")
    assert len(waits) == 1
    assert str(lost.value).startswith(f"GET http://127.0.0.1:{port}/studio/v2/Flows/FW1: no connection")


@pytest.mark.parametrize("call", ["diff", "read", "delete"])
def test_an_object_of_another_account_is_refused_by_every_call_with_its_message_not_a_traceback(call: str) -> None:
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    from components.providers.base import TwilioProviderError
    from components.providers.taskrouter import TaskQueueProvider

    provider = TaskQueueProvider()
    provider.configure(ConfigureRequest(Config({ACCOUNT_SID_KEY: ACCOUNT, AUTH_TOKEN_KEY: "t"}, "flex-pre-agent")))
    olds = {"workspace_sid": "WS" + "0" * 32, "friendly_name": "Support", "account_sid": OTHER}
    calls: dict[str, Callable[[], object]] = {"diff": lambda: provider.diff("WQ" + "0" * 32, olds, olds),
             "read": lambda: provider.read("WQ" + "0" * 32, olds),
             "delete": lambda: provider.delete("WQ" + "0" * 32, olds)}
    # TwilioProviderError reaches the engine as its message (plain_errors_in_provider_server), once a resource
    with pytest.raises(TwilioProviderError, match=f"TaskQueue 'Support' belongs to account {OTHER}"):
        calls[call]()


def test_nothing_answering_at_the_base_url_is_said_by_the_first_resource_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stopped emulator or a wrong port: one message with where and the fix, not the same one per resource
    (a `pulumi refresh` said it 27 times), as a refused token already is."""
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    from components.providers import twilio_http
    from components.providers.base import TwilioProviderError
    from components.providers.taskrouter import TaskQueueProvider

    monkeypatch.delenv("TWILIO_API_BASE_URL", raising=False)
    monkeypatch.setattr(twilio_http, "DEFAULT_POLICY", RetryPolicy(unreachable_attempts=1))  # no wait between tries
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    provider = TaskQueueProvider()
    provider.configure(ConfigureRequest(Config({ACCOUNT_SID_KEY: ACCOUNT, AUTH_TOKEN_KEY: "t", API_BASE_URL_KEY: base},
                                               "flex-pre-agent")))
    queue = {"workspace_sid": "WS" + "0" * 32, "friendly_name": "Support", "account_sid": ACCOUNT}
    vip = {**queue, "friendly_name": "VIP"}

    with pytest.raises(TwilioProviderError) as first:
        provider.read("WQ" + "0" * 32, queue)
    assert str(first.value).startswith(f"TaskQueue 'Support': cannot read: nothing answers at {base} (GET {base}/")
    assert str(first.value).endswith("nothing was sent. Fix: start what should answer there (`make emulator` for the "
                                     "local stack), or correct TWILIO_API_BASE_URL or the stack's apiBaseUrl")

    kept = provider.read("WQ" + "1" * 32, vip)  # the command fails with the first message; this state stays as it was
    assert (kept.id, kept.outs) == ("WQ" + "1" * 32, vip)
    with pytest.raises(TwilioProviderError, match=rf"^not done: nothing answers at {base} \(see the first error\)$"):
        provider.delete("WQ" + "1" * 32, vip)
