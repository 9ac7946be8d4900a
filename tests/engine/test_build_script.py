"""tools/pulumi/build.sh: Pulumi's own CLI and Python plugins, or one line saying what to install."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from flexctl.engine import BUILD_SCRIPT, engine_bin

PLUGINS = ("pulumi", "pulumi-language-python", "pulumi-language-python-exec", "pulumi-resource-pulumi-python")


def _build(tmp_path: Path, path: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"HOME": str(tmp_path), "FLEX_PRE_AGENT_CACHE": str(tmp_path / "cache"), "PATH": path, **env}
    return subprocess.run(["bash", str(BUILD_SCRIPT)], env=environment, capture_output=True, text=True, check=False)


def test_the_engine_is_pulumis_cli_with_pulumis_python_plugins_beside_it() -> None:
    bin_dir = engine_bin()

    assert all((bin_dir / name).is_file() for name in PLUGINS)
    runner = (bin_dir / "pulumi-language-python-exec").read_text()
    assert "Pulumi Corporation" in runner  # Pulumi's own script, as released
    plugin = (bin_dir / "pulumi-resource-pulumi-python").read_text()
    assert "-m pulumi.dynamic" in plugin


def test_without_go_or_a_cli_it_says_what_to_install(tmp_path: Path) -> None:
    done = _build(tmp_path, "/usr/bin:/bin")

    assert done.returncode == 1
    assert "Go >= 1.26 is not installed" in done.stderr
    assert "Install Pulumi v" in done.stderr
    assert done.stdout == ""


def test_without_the_language_hosts_source_it_says_what_to_install(tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "pulumi" / f"v{_pin()}"
    cache.mkdir(parents=True)
    (cache / "pulumi").write_text("#!/bin/sh\n")  # a CLI already built: only the host is missing
    (cache / "pulumi").chmod(0o755)
    go = shutil.which("go")
    assert go is not None, "this machine builds the engine, so it has Go"

    done = _build(tmp_path, f"{Path(go).parent}:/usr/bin:/bin", FLEX_PRE_AGENT_HOST_SOURCE=str(tmp_path / "no-shared"))

    assert done.returncode == 1
    assert "Python language host source is not at" in done.stderr
    assert "no-shared" in done.stderr


def _pin() -> str:
    requirements = (BUILD_SCRIPT.parents[2] / "requirements.txt").read_text().splitlines()
    return next(line.split("==")[1] for line in requirements if line.startswith("pulumi=="))


def test_a_pulumi_on_path_at_the_pin_is_used_as_it_is_with_its_own_plugins(tmp_path: Path) -> None:
    installed = tmp_path / "pulumi-install"
    installed.mkdir()
    (installed / "pulumi").write_text(f"#!/bin/sh\necho v{_pin()}\n")  # a user's install of the pinned version
    (installed / "pulumi").chmod(0o755)

    done = _build(tmp_path, f"{installed}:/usr/bin:/bin")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(installed)
    assert not (tmp_path / "cache").exists()  # nothing built, nothing copied
