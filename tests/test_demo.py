"""`make demo` runs the main job on the embedded emulator and shows what it holds."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_deploys_the_local_stack_and_prints_the_emulated_account() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flexctl", "demo"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "pulumi up --stack local" in result.stdout
    assert "Workspace 'Flex Task Assignment'" in result.stdout
    assert "Phone number +15005550006" in result.stdout
