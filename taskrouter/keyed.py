"""A workflow configuration with its filters keyed by name, and back.

TaskRouter takes ``task_routing.filters`` as a list; a review of a change wants one path per filter
(``task_routing.filters.VIP.expression``), so the Pulumi resource carries this keyed form and the
provider sends TaskRouter's. Filters are tried in order, so the order is kept beside them as
``task_routing.filter_order`` (the names, first tried first). Filters without a name, or two of one
name, cannot be keyed: such a configuration is returned as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NAME = "filter_friendly_name"
ORDER = "filter_order"


def keyed_configuration(configuration: Any) -> Any:
    """``filters: [{filter_friendly_name: VIP, ...}]`` -> ``filters: {VIP: {...}}, filter_order: [VIP]``."""
    routing = configuration.get("task_routing") if isinstance(configuration, Mapping) else None
    filters = routing.get("filters") if isinstance(routing, Mapping) else None
    if not isinstance(routing, Mapping) or not isinstance(filters, list):
        return configuration
    names = [item.get(NAME) if isinstance(item, Mapping) else None for item in filters]
    if any(not isinstance(name, str) for name in names) or len(set(names)) != len(names) or ORDER in routing:
        return configuration
    keyed = {str(item[NAME]): {k: v for k, v in item.items() if k != NAME} for item in filters}
    return {**configuration, "task_routing": {**routing, "filters": keyed, ORDER: names}}


def taskrouter_configuration(configuration: Any) -> Any:
    """The keyed form back as TaskRouter takes it, filters in ``filter_order``; a list form as is."""
    routing = configuration.get("task_routing") if isinstance(configuration, Mapping) else None
    filters = routing.get("filters") if isinstance(routing, Mapping) else None
    if not isinstance(routing, Mapping) or not isinstance(filters, Mapping):
        return configuration
    order = routing.get(ORDER)
    names = [name for name in order if isinstance(name, str) and name in filters] if isinstance(order, list) else []
    names += sorted((name for name in filters if name not in names), key=str)
    # A filter that is no object is passed on as it is, for the configuration check to name at its path.
    listed = [{NAME: name, **filters[name]} if isinstance(filters[name], Mapping) else filters[name]
              for name in names]
    rest = {key: value for key, value in routing.items() if key not in ("filters", ORDER)}
    return {**configuration, "task_routing": {"filters": listed, **rest}}
