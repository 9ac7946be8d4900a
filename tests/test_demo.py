"""`make demo` renders every stack, deploys `local` to the embedded emulator with the real engine, twice."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_demo_renders_deploys_and_shows_that_a_second_up_changes_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flexctl", "demo", "--state", str(tmp_path / "state")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    for stack in ("local", "dev", "prod"):
        assert f"{stack}: {ROOT / 'build' / stack / 'index.html'}" in result.stdout
    first, second = result.stdout.split("4. Run `up` again")
    assert re.search(r"pulumi up: \d+ to create\n", first)
    assert "Workspace 'Flex Task Assignment'" in first
    assert "Phone number +15005550006 voice_url='https://webhooks.twilio.com/v1/Accounts/" in first
    assert "pulumi up: no changes; writes to Twilio: 0" in second


def test_a_failed_deploy_is_the_clis_own_message_and_exit_1_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second `up` finding changes (a file edited while the demo ran): what the CLI said, then what to do."""
    from flexctl import engine
    from flexctl.cli import main

    class SecondUpChanges:
        def __init__(self, *args: object, **kwargs: object) -> None:
            self.ups = 0

        def preview(self, **options: object) -> engine.Outcome:
            return engine.Outcome()

        def up(self, **options: object) -> engine.Outcome:
            self.ups += 1
            if self.ups == 2:
                raise engine.EngineError("error: no changes were expected for update but changes were proposed")
            return engine.Outcome()

    monkeypatch.setattr(engine, "Engine", SecondUpChanges)
    assert main(["demo", "--state", str(tmp_path / "state")]) == 1
    err = capsys.readouterr().err
    assert "error: no changes were expected for update but changes were proposed" in err
    assert err.rstrip().endswith("flexctl demo: 4. the second `up`, which must change nothing, failed: the Pulumi "
                                 "CLI's output above says why. If you edited a flow or a stack file while the demo "
                                 "ran, run it again.")
    assert "Traceback" not in err
