"""`flexctl demo` with a team's Conversations addresses: the embedded emulator owns what `make emulator` owns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components import settings as settings_module
from components.settings import parse_stack_settings, read_stack_file
from tests.program.support import ROOT


def test_a_whatsapp_address_in_the_local_stack_is_no_number_the_emulator_must_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from flexctl import engine, render_commands
    from flexctl.cli import main
    from twilio_emulator import server

    local = read_stack_file(ROOT, "local").model_dump(by_alias=True, mode="json")
    whatsapp = {"address": "whatsapp:+15005550011", "type": "whatsapp", "flow": "conversations"}
    local["conversationsAddresses"] = [*local["conversationsAddresses"], whatsapp]
    team = parse_stack_settings(local, "local")
    monkeypatch.setattr(settings_module, "read_stack_file", lambda root, stack: team)
    monkeypatch.setattr(render_commands, "render_stack", lambda stack, out, root: out)
    owned: list[tuple[str, ...]] = []

    class Recorded:
        def __init__(self, **options: Any) -> None:
            owned.append(tuple(options["phone_numbers"]))

        def start(self) -> str:
            return "http://127.0.0.1:1"

        def stop(self) -> None:
            pass

    class Stopped:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def preview(self, **options: object) -> engine.Outcome:
            raise engine.EngineError("stopped here: only the emulator's numbers are looked at")

    monkeypatch.setattr(server, "Emulator", Recorded)
    monkeypatch.setattr(engine, "Engine", Stopped)
    assert main(["demo", "--state", str(tmp_path / "state")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err  # it was: ValueError: phone number 'whatsapp:+15005550011' is not in E.164 form
    assert owned == [team.owned_numbers]
    assert "whatsapp:+15005550011" not in owned[0]
