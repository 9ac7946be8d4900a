"""Stack config is read like the CLI does and validated in one place."""

import json
from pathlib import Path

import pytest

from components.settings import parse_stack_settings
from flexctl.stack_config import StackConfigError, load_stack_config

ROOT = Path(__file__).resolve().parents[2]


def test_local_stack_config_is_read_with_structured_values_as_json() -> None:
    config = load_stack_config(ROOT, "local")
    assert config["flex-pre-agent:accountSid"].startswith("AC")
    assert json.loads(config["flex-pre-agent:phoneNumbers"]) == ["+15005550006", "+15005550007"]


@pytest.mark.parametrize("stack", ["local", "dev", "prod"])
def test_every_committed_stack_has_valid_settings(stack: str) -> None:
    config = load_stack_config(ROOT, stack)
    raw = {key.split(":", 1)[1]: value for key, value in config.items()}
    raw["phoneNumbers"] = json.loads(raw.get("phoneNumbers", "[]"))
    assert parse_stack_settings(raw, stack).account_sid.startswith("AC")


def test_encrypted_values_are_refused_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  demo:authToken:\n    secure: v1:abc\n")
    with pytest.raises(StackConfigError, match="only the Pulumi CLI can decrypt"):
        load_stack_config(tmp_path, "dev")


def test_a_missing_stack_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\n")
    with pytest.raises(StackConfigError, match=r"Pulumi\.qa\.yaml does not exist"):
        load_stack_config(tmp_path, "qa")


def test_bad_settings_name_the_stack_file_and_key() -> None:
    with pytest.raises(ValueError, match=r"Pulumi\.dev\.yaml has invalid config(.|\n)*accountSid"):
        parse_stack_settings({"accountSid": "AC123"}, "dev")
    with pytest.raises(ValueError, match=r"phoneNumbers\.0"):
        parse_stack_settings({"accountSid": "AC" + "0" * 32, "phoneNumbers": ["555"]}, "dev")
