"""Presets for the routing this contact center exists for: VIP, language, and a default route.

They read task attributes that the Studio flow's Send to Flex widget sets:

* ``vip`` (JSON boolean): the Unified Profiles lookup's VIP trait. It must be ``true``, not the
  text ``"true"``; ``vip == true`` never matches a string.
* ``language`` (string such as ``"es"``): the caller's IVR choice.
* ``preferred_language`` (string): the profile's preferred-language trait, used when given as
  ``fallback_attribute`` and the caller made no IVR choice.

Attribute names are parameters; the defaults above are what the flows in ``flows/`` set.
"""

from __future__ import annotations

from collections.abc import Mapping

from taskrouter.expression import Comparison, ExpressionError, Reference, format_constant, parse
from taskrouter.models import Filter, Target, TaskQueue, Workflow


def everyone_queue(key: str = "everyone") -> TaskQueue:
    """Flex's default queue: every worker, FIFO, one reservation at a time."""
    return TaskQueue(key=key, friendly_name="Everyone", target_workers="1==1")


def _attribute(name: str) -> str:
    # Reuse the parser so that an attribute name follows exactly the rules of a key.
    problem = f"{name!r} is not a task attribute path; write it like vip or profile.vip"
    try:
        expression = parse(f"{name} == null", "filter")
    except ExpressionError as error:
        raise ValueError(f"{problem} ({error.message})") from None
    condition = expression.condition
    if expression.warnings or not isinstance(condition, Comparison) or not isinstance(condition.left, Reference) \
            or condition.left.name != name:
        raise ValueError(problem)
    return name


def _targets(queue: TaskQueue, fallback: TaskQueue, priority: int | None, overflow_after: int | None
             ) -> tuple[Target, ...]:
    if overflow_after is None:
        return (Target(queue=queue, priority=priority),)
    return (Target(queue=queue, priority=priority, timeout=overflow_after), Target(queue=fallback))


def vip_filter(vip_queue: TaskQueue, *, attribute: str = "vip", priority: int | None = None,
               overflow_queue: TaskQueue | None = None, overflow_after: int | None = None) -> Filter:
    """Tasks whose ``attribute`` is ``true`` go to ``vip_queue`` (then ``overflow_queue`` after a timeout)."""
    if overflow_after is not None and overflow_queue is None:
        raise ValueError("overflow_after needs an overflow_queue to move VIP tasks to")
    return Filter(name="VIP", expression=f"{_attribute(attribute)} == true",
                  targets=_targets(vip_queue, overflow_queue or vip_queue, priority, overflow_after))


def language_filters(queues: Mapping[str, TaskQueue], *, attribute: str = "language",
                     fallback_attribute: str | None = None, priority: int | None = None,
                     overflow_queue: TaskQueue | None = None, overflow_after: int | None = None
                     ) -> tuple[Filter, ...]:
    """One filter per language code: ``attribute == code`` (or, when ``attribute`` is unset, the fallback)."""
    if overflow_after is not None and overflow_queue is None:
        raise ValueError("overflow_after needs an overflow_queue to move tasks to")
    filters = []
    for code, queue in queues.items():
        if not code or "-" in code:
            raise ValueError(f"language code {code!r} must be non-empty and have no hyphen (TaskRouter does not "
                             f"support hyphens in values); use {code.replace('-', '_')!r} or {code.split('-')[0]!r}")
        value = format_constant(code)
        expression = f"{_attribute(attribute)} == {value}"
        if fallback_attribute is not None:
            expression += f" OR ({attribute} == null AND {_attribute(fallback_attribute)} == {value})"
        filters.append(Filter(name=f"Language {code}", expression=expression,
                              targets=_targets(queue, overflow_queue or queue, priority, overflow_after)))
    return tuple(filters)


def default_route(everyone: TaskQueue, *, friendly_name: str = "Assign to Anyone") -> Workflow:
    """Flex's default workflow: no filters, every task to ``everyone``."""
    return Workflow(friendly_name=friendly_name, default_filter=Target(queue=everyone))


def vip_routing(vip_queue: TaskQueue, default_queue: TaskQueue, *, attribute: str = "vip",
                priority: int | None = None, overflow_after: int | None = None,
                friendly_name: str = "VIP routing") -> Workflow:
    """VIP tasks to ``vip_queue``; everything else to ``default_queue``."""
    return pre_agent_routing(everyone=default_queue, vip_queue=vip_queue, vip_attribute=attribute,
                             vip_priority=priority, overflow_after=overflow_after, friendly_name=friendly_name)


def language_routing(queues: Mapping[str, TaskQueue], default_queue: TaskQueue, *, attribute: str = "language",
                     fallback_attribute: str | None = None, overflow_after: int | None = None,
                     friendly_name: str = "Language routing") -> Workflow:
    """Each language to its queue (``{"es": spanish_queue}``); everything else to ``default_queue``."""
    return pre_agent_routing(everyone=default_queue, language_queues=queues, language_attribute=attribute,
                             fallback_language_attribute=fallback_attribute, overflow_after=overflow_after,
                             friendly_name=friendly_name)


def pre_agent_routing(*, everyone: TaskQueue, vip_queue: TaskQueue | None = None,
                      language_queues: Mapping[str, TaskQueue] | None = None, vip_attribute: str = "vip",
                      vip_priority: int | None = None, language_attribute: str = "language",
                      fallback_language_attribute: str | None = None, overflow_after: int | None = None,
                      friendly_name: str = "Pre-agent routing") -> Workflow:
    """VIP first, then language, then ``everyone`` (also the overflow after ``overflow_after`` seconds)."""
    filters: list[Filter] = []
    overflow = everyone if overflow_after is not None else None
    if vip_queue is not None:
        filters.append(vip_filter(vip_queue, attribute=vip_attribute, priority=vip_priority,
                                  overflow_queue=overflow, overflow_after=overflow_after))
    filters += language_filters(language_queues or {}, attribute=language_attribute,
                                fallback_attribute=fallback_language_attribute, overflow_queue=overflow,
                                overflow_after=overflow_after)
    return Workflow(friendly_name=friendly_name, filters=tuple(filters), default_filter=Target(queue=everyone))
