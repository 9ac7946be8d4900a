"""This contact center's flows and routing, written with the studio and taskrouter toolkits.

Pure: imports only the toolkits. Every module here is imported by :func:`flows.registry.all_flows`; a
module registers its flows with ``@flow(...)`` and the routing with ``@routing`` (see
:mod:`flows.registry`). The three reference flows (voice, messaging, conversations) and the VIP/language
routing are examples of that mechanism, with nothing reserved to them.
"""
