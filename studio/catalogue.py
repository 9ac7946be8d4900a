"""The catalogue: every modelled widget type, by JSON type string.

This is the one table the builder, the validator and the importer share. Widget classes register
themselves when they are defined (see :mod:`studio.model`): adding a widget type is adding its class to
:mod:`studio.widgets` (or to any module), and nothing else.
"""

from __future__ import annotations

import studio.widgets  # noqa: F401 - defines (and so registers) the built-in widget classes
from studio.model import CATALOGUE, WIDGET_CLASS_BY_TYPE
from studio.spec import PROFILE_WIDGET_TYPES

__all__ = ["CATALOGUE", "PROFILE_WIDGET_TYPES", "WIDGET_CLASS_BY_TYPE"]
