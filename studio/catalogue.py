"""The catalogue: every modelled widget type, by JSON type string.

This is the one table the builder, the validator and the importer share. It is derived from the
widget classes of :mod:`studio.widgets`, where each class is one row (properties, events, rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from studio.model import Widget
from studio.spec import PROFILE_WIDGET_TYPES, WidgetSpec
from studio.widgets import WIDGET_CLASSES

WIDGET_CLASS_BY_TYPE: Mapping[str, type[Widget]] = MappingProxyType({cls.TYPE: cls for cls in WIDGET_CLASSES})
"""The widget class of each modelled type string."""

CATALOGUE: Mapping[str, WidgetSpec] = MappingProxyType({cls.TYPE: cls.spec for cls in WIDGET_CLASSES})
"""The spec of each modelled type string."""

__all__ = ["CATALOGUE", "PROFILE_WIDGET_TYPES", "WIDGET_CLASS_BY_TYPE"]
