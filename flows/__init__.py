"""This contact center's flows and routing, written with the studio and taskrouter toolkits.

Pure: imports only the toolkits. ``contact_center(languages=..., vip_trait=...)`` builds everything a
stack deploys; per-environment values are the ``Parameter``s of :mod:`flows.parameters`.
"""

from flows.contact_center import ContactCenter, FlowSpec, contact_center, definition_hash

__all__ = ["ContactCenter", "FlowSpec", "contact_center", "definition_hash"]
