"""Resource options every child of a component gets."""

from __future__ import annotations

import pulumi


def child_options(parent: pulumi.Resource, name: str, **options: object) -> pulumi.ResourceOptions:
    """``parent=parent``, plus an alias to the same name at the stack root, so a resource a program
    created before components existed moves under ``parent`` without being replaced."""
    return pulumi.ResourceOptions(
        parent=parent,
        aliases=[pulumi.Alias(name=name, parent=pulumi.ROOT_STACK_RESOURCE)],
        **options,  # type: ignore[arg-type]
    )
