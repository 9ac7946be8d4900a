"""Read a stack's config the way the Pulumi CLI hands it to a program, without the CLI.

The CLI merges the project defaults of ``Pulumi.yaml`` with ``Pulumi.<stack>.yaml`` and passes
every value as a string (structured values as JSON). Encrypted (``secure:``) values can only be
decrypted by the CLI, so they are refused here with a hint to use the environment instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

PROJECT_FILE = "Pulumi.yaml"


class StackConfigError(ValueError):
    """A stack file is missing or holds something this loader cannot use."""


def project_name(root: Path) -> str:
    """The ``name`` of the Pulumi project in ``root``."""
    name = _read_yaml(root / PROJECT_FILE).get("name")
    if not isinstance(name, str) or not name:
        raise StackConfigError(f"{root / PROJECT_FILE}: the project has no `name`")
    return name


def load_stack_config(root: Path, stack: str) -> dict[str, str]:
    """Fully qualified key -> string value, as ``pulumi.runtime.set_all_config`` expects."""
    project_file = root / PROJECT_FILE
    project = project_name(root)
    values: dict[str, Any] = {}
    for key, spec in (_read_yaml(project_file).get("config") or {}).items():
        if isinstance(spec, dict) and spec.get("default") not in (None, ""):
            values[_qualify(project, key)] = spec["default"]
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise StackConfigError(f"{stack_file} does not exist: create the stack with `pulumi stack init {stack}`")
    for key, value in (_read_yaml(stack_file).get("config") or {}).items():
        if isinstance(value, dict) and "secure" in value:
            raise StackConfigError(
                f"{stack_file}: {key} is encrypted and only the Pulumi CLI can decrypt it; "
                f"export the value through the environment (e.g. TWILIO_AUTH_TOKEN) instead"
            )
        values[_qualify(project, key)] = value
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}


def _qualify(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise StackConfigError(f"{path} does not exist") from None
    except yaml.YAMLError as error:
        raise StackConfigError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise StackConfigError(f"{path} must be a YAML mapping")
    return data
