"""Subcommands (placeholder: filled in by the issue that owns them)."""

from flexctl.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    """Add this module's subcommands."""
