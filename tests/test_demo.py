"""`make demo` renders every stack, deploys `local` to the embedded emulator with the real engine, twice."""

import re
import subprocess
import sys
from pathlib import Path

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
