"""Secrets stay out of what a stack writes: a token in a base URL, a setting set with --secret, a setting holding
the stack's own token are each refused with a message that does not repeat the secret (an obviously fake one)."""

from __future__ import annotations

import pytest

from components.providers.twilio_api import (
    ACCOUNT_SID_KEY,
    API_BASE_URL_KEY,
    AUTH_TOKEN_KEY,
    TwilioSetupError,
    resolve_connection,
)
from components.settings import StackSettingsError, parse_stack_settings, secret_leak

ACCOUNT = "AC" + "5a" * 16
TOKEN = "fake-token-0123456789abcdef"
SETTINGS = {"accountSid": ACCOUNT, "timeZone": "UTC"}


@pytest.mark.parametrize("url", [f"http://{ACCOUNT}:{TOKEN}@127.0.0.1:8787", f"https://{TOKEN}@127.0.0.1:8787/"])
def test_an_api_base_url_with_credentials_is_refused_without_showing_them(url: str) -> None:
    with pytest.raises(StackSettingsError) as error:
        parse_stack_settings({**SETTINGS, "apiBaseUrl": url}, "local")

    message = str(error.value)
    assert TOKEN not in message
    assert "apiBaseUrl carries credentials" in message
    assert "pulumi config set apiBaseUrl http" in message
    assert "--secret authToken" in message


@pytest.mark.parametrize("where", ["environment", "config"])
def test_a_provider_refuses_a_base_url_with_credentials_without_showing_them(where: str) -> None:
    url = f"http://{ACCOUNT}:{TOKEN}@127.0.0.1:8787"
    config = {ACCOUNT_SID_KEY: ACCOUNT, AUTH_TOKEN_KEY: "another-fake-token"}
    environ = {"TWILIO_API_BASE_URL": url} if where == "environment" else {}
    if where == "config":
        config[API_BASE_URL_KEY] = url

    with pytest.raises(TwilioSetupError, match="carries credentials before its host") as error:
        resolve_connection(config, environ)

    assert TOKEN not in str(error.value)


def _config(**values: str) -> dict[str, str]:
    return {f"flex-pre-agent:{key}": value for key, value in values.items()}


def test_a_setting_set_as_a_secret_is_refused_as_it_would_be_deployed_in_clear() -> None:
    config = _config(accountSid=ACCOUNT, flowParameters='{"API_KEY": "not-shown"}')

    problem = secret_leak(config, "flex-pre-agent", "dev", lambda key: key.endswith(":flowParameters"), {})

    assert problem is not None
    assert "flex-pre-agent:flowParameters is set as a secret" in problem
    assert "state in clear" in problem
    assert "pulumi config rm flowParameters --stack dev" in problem
    assert "not-shown" not in problem


@pytest.mark.parametrize("source", ["authToken", "TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET"])
def test_a_setting_holding_the_stacks_own_credential_is_refused_without_showing_it(source: str) -> None:
    config = _config(accountSid=ACCOUNT, selfServiceUrl=f"https://example.com/self?key={TOKEN}")
    environ: dict[str, str] = {}
    if source == "authToken":
        config["flex-pre-agent:authToken"] = TOKEN
    else:
        environ[source] = TOKEN

    problem = secret_leak(config, "flex-pre-agent", "dev", lambda key: key.endswith(":authToken"), environ)

    assert problem is not None
    assert "flex-pre-agent:selfServiceUrl holds the Twilio credential" in problem
    assert TOKEN not in problem


def test_settings_without_secrets_pass() -> None:
    config = _config(accountSid=ACCOUNT, authToken=TOKEN, apiBaseUrl="http://127.0.0.1:8787")

    assert secret_leak(config, "flex-pre-agent", "dev", lambda key: key.endswith(":authToken"),
                       {"TWILIO_AUTH_TOKEN": TOKEN}) is None
