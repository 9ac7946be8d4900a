"""Read a stack's config the way the Pulumi CLI hands it to a program, without the CLI.

The CLI merges the project defaults of ``Pulumi.yaml`` with ``Pulumi.<stack>.yaml`` and passes every
value as a string (structured values as JSON). Files are read and validated by the one settings model
(``components.settings``); credentials are never read from them (only the CLI can decrypt them): they
come from the environment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from components.settings import (
    PROJECT_FILE,
    StackSettingsError,
    parse_stack_settings,
    project_name,
    read_stack_values,
    read_yaml,
)

StackConfigError = StackSettingsError
__all__ = ["StackConfigError", "load_stack_config", "project_name"]


def load_stack_config(root: Path, stack: str) -> dict[str, str]:
    """Fully qualified key -> string value, as ``pulumi.runtime.set_all_config`` expects; validated."""
    project = project_name(root)
    values: dict[str, Any] = {}
    for key, spec in (read_yaml(root / PROJECT_FILE).get("config") or {}).items():
        if isinstance(spec, dict) and "default" in spec and ":" not in key:
            values[key] = spec["default"]
    values.update(read_stack_values(root, stack))
    parse_stack_settings(values, stack, project=project)
    return {f"{project}:{key}": value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}
