"""Stack config is read like the CLI reads it and validated by one model, with errors a person can act on."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.settings import (
    SECRET_KEYS,
    StackSettingsError,
    config_keys,
    decode_engine_config,
    parse_stack_settings,
    read_stack_file,
    read_yaml,
)
from flexctl.stack_config import StackConfigError, load_stack_config
from twilio_emulator.config import StackFileError, read_stack_defaults

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("local", "dev", "prod")
VALID: dict[str, Any] = {
    "accountSid": "AC" + "0" * 32,
    "holdMusicUrl": "https://example.com/hold.mp3",
    "selfServiceUrl": "https://example.com/help",
    "timeZone": "Europe/Paris",
}


def test_local_stack_config_is_read_with_structured_values_as_json() -> None:
    config = load_stack_config(ROOT, "local")
    assert config["flex-pre-agent:accountSid"].startswith("AC")
    numbers = json.loads(config["flex-pre-agent:phoneNumbers"])
    assert [entry["number"] for entry in numbers] == ["+15005550006", "+15005550007"]
    assert json.loads(config["flex-pre-agent:languages"]) == ["en", "es"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_committed_stack_has_valid_settings(stack: str) -> None:
    settings = read_stack_file(ROOT, stack)
    assert settings.account_sid.startswith("AC")
    assert settings.phone_numbers


@pytest.mark.parametrize("stack", STACKS)
def test_engine_config_and_stack_file_give_the_same_settings(stack: str) -> None:
    from_engine = parse_stack_settings(decode_engine_config(load_stack_config(ROOT, stack), "flex-pre-agent"), stack)
    assert from_engine == read_stack_file(ROOT, stack)


def test_only_prod_is_protected() -> None:
    assert [read_stack_file(ROOT, stack).protect for stack in STACKS] == [False, False, True]


def test_no_stack_file_holds_a_credential_in_plain_text() -> None:
    for stack in STACKS:
        config = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
        for key in SECRET_KEYS:
            assert not isinstance(config.get(f"flex-pre-agent:{key}"), str), (stack, key)


def test_pulumi_yaml_declares_every_setting_and_no_secret() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert set(declared) == set(config_keys())
    assert not any(spec.get("secret") for spec in declared.values())
    required = {key for key, field in config_keys().items() if field.is_required()}
    assert {key for key, spec in declared.items() if "default" not in spec} == required


def test_pulumi_yaml_defaults_are_the_models_defaults() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    required = {key: VALID[key] for key, field in config_keys().items() if field.is_required()}
    defaults = parse_stack_settings(required, "dev").model_dump(by_alias=True, mode="json")
    for key, spec in declared.items():
        if "default" in spec:
            assert spec["default"] == defaults[key], key


def test_an_encrypted_credential_is_skipped_and_a_plain_one_refused(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    stack = {f"demo:{key}": value for key, value in VALID.items()}
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": {**stack, "demo:authToken": {"secure": "v1"}}}))
    assert load_stack_config(tmp_path, "dev")["demo:accountSid"] == VALID["accountSid"]
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": {**stack, "demo:authToken": "plain"}}))
    with pytest.raises(StackConfigError, match=r"demo:authToken is a credential in plain text(.|\n)*--secret"):
        load_stack_config(tmp_path, "dev")


def test_a_missing_stack_file_is_named_with_the_stacks_there_are(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\n")
    with pytest.raises(StackConfigError, match=r"Pulumi\.qa\.yaml does not exist; a new stack: `pulumi stack init qa`"):
        load_stack_config(tmp_path, "qa")
    for stack in ("dev", "prod"):
        (tmp_path / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    with pytest.raises(StackConfigError, match=r"Pulumi\.prd\.yaml does not exist; the stacks here are dev, prod "
                                               r"\(did you mean prod\?\); a new stack: `pulumi stack init prd`$"):
        load_stack_config(tmp_path, "prd")


BAD_VALUES = [
    ({"accountSid": "AC123"}, r"flex-pre-agent:accountSid is 'AC123'.*AC followed by 32 hex digits"),
    ({"phonenumbers": ["+15005550006"]}, r"flex-pre-agent:phonenumbers: unknown key.*phoneNumbers.*pulumi config rm"),
    ({"phoneNumbers": [{"number": "555", "voice": "voice"}]},
     r"phoneNumbers\[0\]\.number is '555': not an E\.164 number; add \+ and the country code, e\.g\. \+1 for the US: "
     r"\"\+15005550006\"$"),
    ({"phoneNumbers": [{"number": "+15005550006", "voice": "IVR"}]}, r"phoneNumbers\[0\]\.voice is 'IVR'"),
    ({"phoneNumbers": [{"number": "+15005550006"}]}, r"\+15005550006 starts no flow"),
    ({"phoneNumbers": [{"number": "+15005550006", "voice": "voice"}] * 2}, r"\+15005550006 is listed twice"),
    ({"phoneNumbers": [{"number": "+15005550006", "voce": "voice"}]},
     r"phoneNumbers\[0\]\.voce: unknown key.*did you mean voice\?"),
    ({"conversationsAddresses": [{"address": "+15005550008", "type": "fax"}]}, r"conversationsAddresses\[0\]\.type"),
    ({"holdMusicUrl": "http://example.com/hold.mp3"}, r"holdMusicUrl is 'http://example\.com/hold\.mp3'.*https://"),
    ({"selfServiceUrl": "example.com/help"}, r"selfServiceUrl is 'example\.com/help'.*https://"),
    ({"timeZone": "America/New_Yrok"}, r"timeZone is 'America/New_Yrok'.*did you mean America/New_York"),
    ({"businessHours": {"open": "08:00", "close": "08:00"}}, r"open and close are both 08:00"),
    ({"businesHours": {}}, r"businesHours: unknown key \(value \{\}\); did you mean businessHours\?"),
    ({"businessHours": {"open": "25:00"}}, r"businessHours\.open is '25:00'"),
    ({"businessHours": {"days": ["Monday"]}}, r"businessHours\.days\[0\] is 'Monday'.*'Mon'"),
    ({"languages": ["en", "de"]}, r"languages is \[\"en\", \"de\"\]: de is not a language the flows speak"),
    ({"languages": []}, r"languages is \[\]"),
    ({"vipTrait": "is vip"}, r"vipTrait is 'is vip'"),
    ({"protect": "yes please"}, r"protect is 'yes please'.*true .* or false"),
    ({"holdMusicUrl": None, "timeZone": None}, r"flex-pre-agent:holdMusicUrl is null(.|\n)*timeZone is null"),
    ({"phoneNumbers": [{"number": "+15005550006", "voice": "voice"}, {"number": "+15005550006", "voice": "voice"}]},
     r"phoneNumbers\[1\]: \+15005550006 is listed twice \(entries 0 and 1\) and both start a flow for voice"),
    ({"phoneNumbers": [{"number": "+15005550006", "voice": "voice"},
                       {"number": "+15005550006", "messaging": "messaging"}]},
     r"phoneNumbers\[1\]: \+15005550006 is listed twice.*with voice: and messaging: in one entry"),
    ({"phoneNumbers": [{"number": "+15005550007", "messaging": "messaging"}],
      "conversationsAddresses": [{"address": "+15005550007", "type": "sms"}]},
     r"conversationsAddresses\[0\]: \+15005550007 is also phoneNumbers\[0\], bound for messaging: two flows"),
    ({"conversationsAddresses": [{"address": "+15005550008"}] * 2},
     r"conversationsAddresses\[1\]: sms address .* twice"),
    ({"apiBaseUrl": "http://127.0.0.1:8787/2010-04-01"},
     r"apiBaseUrl is 'http://127\.0\.0\.1:8787/2010-04-01': it has a path \(/2010-04-01\).*only the scheme, host and "
     r"port \(http://127\.0\.0\.1:8787\)"),
    ({"holdMusicUrl": "https://example.com/" + "x" * 10_000_000},
     r"flex-pre-agent:holdMusicUrl is 9\.5 MiB; a config value may be at most 64 KiB"),
]


PHONE_NUMBERS = [
    # unquoted in YAML: an integer, the + gone (the engine's config shows no more than that)
    (15005550009, r"is 15005550009, a number: YAML reads a phone number written without quotes as a number \(any \+ "
                  r"is lost\): it must be a quoted E\.164 string, e\.g\. number: \"\+15005550009\"$"),
    (5005550009, r"is 5005550009, .*: it must be a quoted E\.164 string; add \+ and the country code, e\.g\. \+1 for "
                 r"the US: \"\+15005550009\"$"),
    # spaces and punctuation, full-width digits: the number without them
    ("+1 500 555 0009", r"is '\+1 500 555 0009': E\.164 has no spaces or punctuation, only \+ and ASCII digits: "
                        r"\"\+15005550009\"$"),
    ("+1 (500) 555-0009", r"is '\+1 \(500\) 555-0009': E\.164 has no spaces .*: \"\+15005550009\"$"),
    ("+１５００５５５０００９", r"E\.164 has no spaces or punctuation, only \+ and ASCII digits: \"\+15005550009\"$"),
    # no +: the country code only where it plausibly is
    ("15005550009", r"is '15005550009': E\.164 starts with \+ and the country code: \"\+15005550009\"$"),
    ("1-500-555-0009", r"E\.164 starts with \+ and the country code: \"\+15005550009\"$"),
    ("00442071234567", r"E\.164 starts with \+ and the country code: \"\+442071234567\"$"),
    ("5005550009", r"is '5005550009': not an E\.164 number; add \+ and the country code, e\.g\. \+1 for the US: "
                   r"\"\+15005550009\"$"),
    ("02071234567", r"add \+ and the country code in place of the leading 0, e\.g\. \+44 for the UK: "
                    r"\"\+442071234567\"$"),
    ("+1-800-FLOWERS", r"is '\+1-800-FLOWERS': not an E\.164 number; use \+ then the country code and the number, "
                       r"ASCII digits only, e\.g\. \"\+15005550006\"$"),
]


@pytest.mark.parametrize(("number", "message"), PHONE_NUMBERS, ids=[repr(case[0]) for case in PHONE_NUMBERS])
def test_a_badly_written_phone_number_says_how_to_write_it(number: object, message: str) -> None:
    change = {"phoneNumbers": [{"number": "+15005550006", "voice": "voice"}, {"number": number, "voice": "voice"}]}
    with pytest.raises(StackSettingsError) as raised:
        parse_stack_settings({**VALID, **change}, "dev")

    lines = str(raised.value).splitlines()
    assert lines[0] == "Pulumi.dev.yaml has invalid config:"
    assert lines[1].startswith("  - flex-pre-agent:phoneNumbers[1].number ")
    assert len(lines) == 2
    assert re.search(message, lines[1]), lines[1]
    assert "pattern" not in lines[1]
    assert "valid string" not in lines[1]


@pytest.mark.parametrize("written", ["+15005550009", "15005550009"])
def test_an_unquoted_number_is_shown_as_written_in_the_stack_file(tmp_path: Path, written: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: flex-pre-agent\n")
    stack = {f"flex-pre-agent:{key}": value for key, value in VALID.items()}
    text = yaml.safe_dump({"config": stack}) + f"  flex-pre-agent:conversationsAddresses:\n  - address: {written}\n"
    (tmp_path / "Pulumi.dev.yaml").write_text(text)

    with pytest.raises(StackSettingsError) as raised:
        read_stack_file(tmp_path, "dev")

    assert str(raised.value).splitlines()[1] == (
        f"  - flex-pre-agent:conversationsAddresses[0].address is {written} unquoted, which YAML reads as a number: "
        f'it must be a quoted E.164 string, e.g. address: "+15005550009"'
    )


def test_an_unquoted_canary_test_user_is_shown_as_written_with_the_list_to_write(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: flex-pre-agent\n")
    stack = {f"flex-pre-agent:{key}": value for key, value in VALID.items()}
    listed = '  flex-pre-agent:canaryTestUsers:\n  - "+15005550008"\n  - +15005550009\n'
    text = yaml.safe_dump({"config": stack}) + listed
    (tmp_path / "Pulumi.dev.yaml").write_text(text)

    with pytest.raises(StackSettingsError) as raised:
        read_stack_file(tmp_path, "dev")

    assert str(raised.value).splitlines()[1:] == [
        "  - flex-pre-agent:canaryTestUsers[1] is +15005550009 unquoted, which YAML reads as a number: "
        'it must be a quoted E.164 string, e.g. canaryTestUsers: ["+15005550009"]'
    ]


@pytest.mark.parametrize(("change", "message"), BAD_VALUES, ids=[str(index) for index in range(len(BAD_VALUES))])
def test_a_bad_value_names_the_stack_file_key_value_and_fix(change: dict[str, Any], message: str) -> None:
    with pytest.raises(StackSettingsError, match=r"Pulumi\.dev\.yaml has invalid config") as raised:
        parse_stack_settings({**VALID, **change}, "dev")
    assert raised.match(message)


def test_a_missing_required_key_says_how_to_set_it() -> None:
    with pytest.raises(StackSettingsError, match=r"timeZone: missing; set it to an IANA time zone.*pulumi config set"):
        parse_stack_settings({key: value for key, value in VALID.items() if key != "timeZone"}, "prod")


def test_credentials_are_accepted_but_never_kept() -> None:
    settings = parse_stack_settings({**VALID, "authToken": "secret-value"}, "dev")
    assert "secret-value" not in settings.model_dump_json()


def test_engine_config_of_other_namespaces_is_ignored() -> None:
    raw = decode_engine_config({"flex-pre-agent:protect": "true", "pulumi:tags": "{}"}, "flex-pre-agent")
    assert raw == {"protect": True}


def test_a_number_may_start_one_flow_for_calls_and_another_for_messages() -> None:
    entry = {"number": "+15005550006", "voice": "voice", "messaging": "messaging"}
    settings = parse_stack_settings({**VALID, "phoneNumbers": [entry]}, "dev")

    assert settings.phone_numbers[0].bindings == {"voice": ("voice",), "messaging": ("messaging",)}


def test_an_sms_address_may_be_a_number_bound_for_voice_only() -> None:
    change = {"phoneNumbers": [{"number": "+15005550006", "voice": "voice"}],
              "conversationsAddresses": [{"address": "+15005550006", "type": "sms"}]}
    assert parse_stack_settings({**VALID, **change}, "dev").conversations_addresses


@pytest.mark.parametrize(("address", "kind", "label"), [
    ("+15005550006", "sms", "sms:+15005550006"),
    ("whatsapp:+15005550006", "whatsapp", "whatsapp:+15005550006"),  # as Twilio's API takes a WhatsApp address
])
def test_an_address_is_labelled_with_its_type_once(address: str, kind: str, label: str) -> None:
    change = {"conversationsAddresses": [{"address": address, "type": kind}]}
    assert parse_stack_settings({**VALID, **change}, "dev").conversations_addresses[0].label == label


def _alias_bomb(levels: int) -> str:
    lines = ["config:", "  demo:l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  demo:l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


YAML_BOMBS = [
    ("an alias bomb", _alias_bomb(9), r"expand to more than 100,000 values"),
    ("a recursive alias", "config: &a\n  demo:x: *a\n", r"expand to more than 100,000 values"),
    ("a 10 MB value", "config:\n  demo:holdMusicUrl: " + "x" * 10_000_000 + "\n",
     r"Pulumi\.dev\.yaml is 9\.5 MiB; demo:holdMusicUrl takes 9\.5 MiB of it: a YAML file here may be at most "
     r"1\.0 MiB"),
    ("deep nesting", "config:\n  demo:x: " + "[" * 100_000 + "]" * 100_000 + "\n", r"not valid YAML"),
]


@pytest.mark.parametrize(("case", "text", "message"), YAML_BOMBS, ids=[case[0] for case in YAML_BOMBS])
def test_every_yaml_reader_refuses_bombs_and_oversized_files_by_name(
    tmp_path: Path, case: str, text: str, message: str
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: demo\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(text)

    # flexctl's reader and the emulator's (its --stack-file): both are components.settings.read_yaml
    with pytest.raises(StackSettingsError, match=message):
        load_stack_config(tmp_path, "dev")
    with pytest.raises(StackFileError, match=message):
        read_stack_defaults(tmp_path / "Pulumi.dev.yaml")


def test_a_small_alias_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("config:\n  a: &x [1, 2]\n  b: *x\n")
    assert read_yaml(tmp_path / "f.yaml") == {"config": {"a": [1, 2], "b": [1, 2]}}


@pytest.mark.parametrize(
    ("key", "text", "fix"),
    [
        ("languages", "[en, es, pt]", "pulumi config set --path 'languages[0]' ... --stack dev"),
        ("businessHours", "open 8", "pulumi config set --path 'businessHours.KEY' ... --stack dev"),
    ],
)
def test_a_list_or_mapping_set_as_text_says_how_to_set_it_as_one(key: str, text: str, fix: str) -> None:
    # `pulumi config set languages '[en, es, pt]'` stores the text (not JSON, so it stays a string).
    config = {**load_stack_config(ROOT, "dev"), f"flex-pre-agent:{key}": text}
    with pytest.raises(StackSettingsError) as raised:
        parse_stack_settings(decode_engine_config(config, "flex-pre-agent"), "dev")
    line = next(line for line in str(raised.value).splitlines() if f":{key} is" in line)
    assert "stores text" in line
    assert "write it as YAML in Pulumi.dev.yaml" in line
    assert fix in line
