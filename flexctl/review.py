"""What a change does to each stack, as a value: compared, checked against safety thresholds, then drawn.

A :class:`Plan` holds, for every stack, the semantic change between two snapshots (``flexctl.snapshot``):
config values (numbers by number, addresses by address: :func:`keyed_config`); per flow the widgets added,
removed and changed property by property and the transitions (``studio.diff``, matched by event and
condition); per workflow its filters, expressions, targets and queue
order; queues, activities, task channels and the numbers and addresses that start flows. Renderers draw
the same value as terminal text, as Markdown for a pull-request comment (kept under GitHub's limit, with a
digest when the full text is longer) and as HTML. :meth:`Plan.unsafe` lists what the safety thresholds
refuse without an explicit override: a number or address no longer starting a flow it started, an adopted
Flex object removed, or more than a set share of a stack's objects removed or replaced.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.diff import ABSENT, FlowDiff, ValueChange, code_cell, diff_flows, value_cell, value_changes
from taskrouter.keyed import keyed_configuration

COMMENT_LIMIT = 65_536
"""GitHub refuses a comment longer than this many characters."""
MARKER = "<!-- flex-pre-agent:pr-summary -->"
"""Our hidden marker: the pull-request comment that carries it is ours, found again and edited in place."""


@dataclass(frozen=True)
class Thresholds:
    """octoDNS-style guard rails: how much change a plan may carry without an explicit override."""

    max_replaced_share: float = 0.3
    """Refuse when more than this share of a stack's objects is removed or replaced ..."""
    min_existing: int = 5
    """... once the stack has at least this many objects (a tiny stack changes wholesale by nature)."""


@dataclass(frozen=True)
class Change:
    """An object (workflow, queue, activity, channel, trigger) added, removed or changed, value by value."""

    kind: str  # "workflow", "queue", "activity", "channel", "trigger"
    name: str
    status: str  # "added", "removed", "changed"
    changes: tuple[ValueChange, ...] = ()
    replaced: bool = False
    """Twilio cannot change it in place (an activity's availability, a channel's unique name)."""


@dataclass(frozen=True)
class FlowChange:
    """A flow added, removed or changed; ``diff`` says widget by widget how."""

    name: str
    status: str
    diff: FlowDiff


@dataclass(frozen=True)
class StackChange:
    """What one stack would deploy differently."""

    stack: str
    status: str  # "changed", "added", "removed" (the stack file itself), or "same"
    config: tuple[ValueChange, ...] = ()
    flows: tuple[FlowChange, ...] = ()
    objects: tuple[Change, ...] = ()
    existing: int = 0
    """How many objects the stack had before (flows, workflows, queues, activities, channels, triggers)."""
    problems: tuple[str, ...] = ()
    """What is wrong with the new version (it would not deploy)."""
    adopted: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.config or self.flows or self.objects or self.problems) and self.status == "same"

    def unsafe(self, thresholds: Thresholds) -> list[str]:
        """What the thresholds refuse in this stack, each in words."""
        found = [f"stack {self.stack}: {change.name} no longer starts flow {value_text(change.changes[0].old)}"
                 for change in self.objects if change.kind == "trigger" and change.status != "added"
                 and change.changes and change.changes[0].old is not ABSENT]
        found += [f"stack {self.stack}: removes {change.kind} {change.name!r}, an adopted Flex object"
                  for change in self.objects if change.status == "removed" and change.name in self.adopted]
        gone = [f for f in self.flows if f.status == "removed"]
        gone_objects = [c for c in self.objects if c.kind != "trigger" and (c.status == "removed" or c.replaced)]
        count = len(gone) + len(gone_objects)
        if self.existing >= thresholds.min_existing and count > thresholds.max_replaced_share * self.existing:
            found.append(f"stack {self.stack}: removes or replaces {count} of its {self.existing} objects "
                         f"(more than {thresholds.max_replaced_share:.0%})")
        return found


@dataclass(frozen=True)
class Plan:
    """Every stack's change between ``base`` and ``head``; render it with ``to_text``, ``to_markdown``, ``to_html``."""

    base: str
    head: str
    stacks: tuple[StackChange, ...]
    thresholds: Thresholds | None = Thresholds()
    """None: nothing is refused (a comparison of two stacks rather than a change to deploy)."""

    @property
    def is_empty(self) -> bool:
        return all(stack.is_empty for stack in self.stacks)

    def unsafe(self) -> list[str]:
        """Everything the safety thresholds refuse (empty when the plan is safe)."""
        thresholds = self.thresholds
        return [] if thresholds is None else [reason for stack in self.stacks for reason in stack.unsafe(thresholds)]

    def changed(self) -> list[StackChange]:
        return [stack for stack in self.stacks if not stack.is_empty]

    # ---- renderers ------------------------------------------------------------------------------------------

    def to_text(self) -> str:
        """For a terminal: one line per change."""
        return "\n".join(_text(self)) + "\n"

    def to_markdown(self, limit: int = COMMENT_LIMIT) -> str:
        """For a pull-request comment: the full summary, or a digest when the full one would pass ``limit``."""
        full = "\n".join(_markdown(self, digest=False)) + "\n"
        if len(full) <= limit:
            return full
        digest = "\n".join(_markdown(self, digest=True)) + "\n"
        return digest if len(digest) <= limit else digest[: limit - 200] + "\n\n…(cut: see the build artifact)\n"

    def to_html(self) -> str:
        """A page for ``build/``: the same summary, Mermaid diagrams drawn in the browser."""
        return _html(self)


# ---- comparing snapshots ------------------------------------------------------------------------------------


def compare(base: Mapping[str, Any], head: Mapping[str, Any], *, base_name: str, head_name: str,
            thresholds: Thresholds | None = Thresholds()) -> Plan:
    """The plan between two snapshots (``flexctl.snapshot.tree_snapshot``), stack by stack."""
    stacks = [compare_stack(name, base.get(name), head.get(name)) for name in sorted({*base, *head})]
    return Plan(base_name, head_name, tuple(stacks), thresholds)


def compare_stack(stack: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> StackChange:
    """One stack's change; ``old`` or ``new`` is None when the stack file is added or removed."""
    status = "added" if old is None else "removed" if new is None else "changed"
    before, after = old or {}, new or {}
    renamed = renames(before.get("flows", {}), after.get("flows", {}))
    flows = list(_flows(before.get("flows", {}), after.get("flows", {}), renamed))
    objects = [
        *_objects("workflow", before.get("workflows", {}), after.get("workflows", {}), keyed_configuration),
        *_objects("queue", before.get("queues", {}), after.get("queues", {})),
        *_objects("activity", before.get("activities", {}), after.get("activities", {}), replace=("available",)),
        *_objects("channel", before.get("channels", {}), after.get("channels", {})),
        *_triggers(before.get("triggers", {}), after.get("triggers", {}), renamed),
    ]
    config = value_changes(keyed_config(before.get("config", {})), keyed_config(after.get("config", {})))
    existing = sum(len(before.get(key, {})) for key in ("flows", "workflows", "queues", "activities", "channels",
                                                         "triggers"))
    change = StackChange(stack, status, config, tuple(flows), tuple(objects), existing,
                         tuple(after.get("problems", [])), frozenset(before.get("flex_defaults", [])))
    if status == "changed" and not (config or flows or objects or change.problems):
        return StackChange(stack, "same", existing=existing)
    return change


KEYED_LISTS = {"phoneNumbers": "number", "conversationsAddresses": "address"}
"""Config lists of entries with a natural key: compared entry by entry under that key, never by position."""
SET_LISTS = ("flows", "canaryTestUsers")
"""Config lists whose order means nothing: compared item by item, present or not."""


def keyed_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Stack config with its lists of numbers, addresses, flows and test users keyed by what names each entry.

    Removing the first of three numbers is then one number removed (``phoneNumbers/+15005550010``), not
    every later number re-bound; a changed binding is one value of one number (``.../messaging``). Unset
    values (null) are left out. A list whose entries cannot be keyed (one listed twice) stays a list.
    """
    keyed = dict(config)
    for name, key in KEYED_LISTS.items():
        entries = config.get(name)
        if isinstance(entries, list) and all(isinstance(entry, Mapping) for entry in entries):
            names = [entry.get(key) for entry in entries]
            if all(isinstance(item, str) for item in names) and len(set(names)) == len(names):
                keyed[name] = {entry[key]: {field: value for field, value in entry.items()
                                            if field != key and value is not None} for entry in entries}
    for name in SET_LISTS:
        items = config.get(name)
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            keyed[name] = dict.fromkeys(items, "listed")
    return keyed


def renames(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, str]:
    """Flows renamed with ``formerly=`` between two snapshots' flows: old name -> new name (the same Studio flow)."""
    return {former: name for name, spec in new.items() if name not in old
            for former in spec.get("formerly", ()) if former in old and former not in new}


def _flows(old: Mapping[str, Any], new: Mapping[str, Any], renamed: Mapping[str, str]) -> Iterator[FlowChange]:
    former = {name: previous for previous, name in renamed.items()}
    for name in sorted({*old, *new} - set(renamed)):
        before = old.get(former.get(name, name), {}).get("definition", {"states": []})
        after = new.get(name, {}).get("definition", {"states": []})
        diff = diff_flows(before, after)
        if name in former:  # one Studio flow, updated under its new name
            yield FlowChange(f"{name} (renamed from {former[name]})", "changed", diff)
            continue
        status = "added" if name not in old else "removed" if name not in new else "changed"
        if status != "changed" or not diff.only_moves:
            yield FlowChange(name, status, diff)


def _objects(kind: str, old: Mapping[str, Any], new: Mapping[str, Any], shape: Any = None,
             replace: tuple[str, ...] = ()) -> Iterator[Change]:
    for name in sorted({*old, *new}):
        if name not in new:
            yield Change(kind, name, "removed")
        elif name not in old:
            yield Change(kind, name, "added", tuple(_leaves("", new[name] if shape is None else shape(new[name]))))
        else:
            before, after = (old[name], new[name]) if shape is None else (shape(old[name]), shape(new[name]))
            changes = value_changes(before, after)
            if changes:
                replaced = any(change.path.lstrip("/").split("/")[0] in replace for change in changes)
                yield Change(kind, name, "changed", changes, replaced)


def _leaves(path: str, value: object) -> Iterator[ValueChange]:
    """Every value of an added object, leaf by leaf: a review shows what it deploys (a workflow's filters and
    targets, a queue's workers), not only its name."""
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _leaves(f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}", item)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(f"{path}/{index}", item)
    elif value is not None:  # a setting left unset says nothing
        yield ValueChange(path, ABSENT, value)


def _triggers(old: Mapping[str, str], new: Mapping[str, str], renamed: Mapping[str, str]) -> Iterator[Change]:
    for name in sorted({*old, *new}):
        before, after = old.get(name, ABSENT), new.get(name, ABSENT)
        if (renamed.get(before, before) if isinstance(before, str) else before) != after:  # a rename starts the same
            status = "added" if before is ABSENT else "removed" if after is ABSENT else "changed"
            yield Change("trigger", name, status, (ValueChange("", before, after),))


def value_text(value: object) -> str:
    return "(none)" if value is ABSENT else json.dumps(value, ensure_ascii=False, sort_keys=True)


# ---- text ---------------------------------------------------------------------------------------------------

_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _text(plan: Plan) -> Iterator[str]:
    yield f"Changes from {plan.base} to {plan.head}"
    if plan.is_empty:
        yield "No changes."
    for stack in plan.changed():
        yield ""
        yield f"stack {stack.stack}" + ("" if stack.status == "changed" else f" ({stack.status})")
        for setting in stack.config:
            yield f"  ~ config {setting.path.lstrip('/')}: {value_text(setting.old)} -> {value_text(setting.new)}"
        for flow in stack.flows:
            yield f"  {_SIGN[flow.status]} flow {flow.name}"
            diff = flow.diff
            if flow.status != "changed":
                continue
            yield from (f"      + widget {w.name} ({w.type})" for w in diff.added)
            yield from (f"      - widget {w.name} ({w.type})" for w in diff.removed)
            for widget in diff.changed:
                yield f"      ~ widget {widget.name}" + (f" ({widget.old_type} -> {widget.new_type})"
                                                         if widget.type_changed else "")
                yield from (f"          {c.path}: {value_text(c.old)} -> {value_text(c.new)}" for c in widget.changes)
            yield from (f"      + {e.source} --{e.event}{_detail(e.detail)}--> {e.target}" for e in diff.edges_added)
            yield from (f"      - {e.source} --{e.event}{_detail(e.detail)}--> {e.target}" for e in diff.edges_removed)
            yield from (f"      ~ flow {c.path}: {value_text(c.old)} -> {value_text(c.new)}" for c in diff.flow_changes)
        for change in stack.objects:
            yield f"  {_SIGN[change.status]} {change.kind} {change.name}" + (" (replaced)" if change.replaced else "")
            yield from (f"      {c.path or 'flow'}: {value_text(c.old)} -> {value_text(c.new)}" for c in change.changes)
        yield from (f"  ! {problem}" for problem in stack.problems)
    unsafe = plan.unsafe()
    if unsafe:
        yield ""
        yield "Refused by the safety thresholds (override with --allow-unsafe):"
        yield from (f"  - {reason}" for reason in unsafe)


def _detail(detail: str) -> str:
    return f" {detail}" if detail else ""


# ---- Markdown -----------------------------------------------------------------------------------------------


def _markdown(plan: Plan, *, digest: bool) -> Iterator[str]:
    yield "## flex-pre-agent: what this change deploys"
    yield ""
    yield f"Compared with `{plan.base}`, without the engine or Twilio (`python -m flexctl pr-summary`)."
    if plan.is_empty:
        yield ""
        yield "No changes."
    unsafe = plan.unsafe()
    if unsafe:
        yield ""
        yield "> [!CAUTION]"
        yield "> Refused by the safety thresholds until overridden (label `unsafe-change-approved`):"
        yield from (f"> - {reason}" for reason in unsafe)
    if digest:
        yield ""
        yield ("The full summary is longer than a comment may be: this is its digest; the whole one is the "
               "`pr-summary` build artifact.")
    for stack in plan.changed():
        yield ""
        yield f"### Stack `{stack.stack}`" + ("" if stack.status == "changed" else f" ({stack.status})")
        if stack.problems:
            yield ""
            yield from (f"- :x: {problem}" for problem in stack.problems)
        if stack.config:
            yield from _table("Config", ["key", "old", "new"],
                              [[code_cell(c.path.lstrip("/")), value_cell(c.old), value_cell(c.new)]
                               for c in stack.config])
        for flow in stack.flows:
            yield ""
            yield f"#### Flow `{flow.name}` ({flow.status})"
            if digest:
                diff = flow.diff
                yield ""
                yield (f"{len(diff.added)} widgets added, {len(diff.removed)} removed, {len(diff.changed)} changed; "
                       f"{len(diff.edges_added)} transitions added, {len(diff.edges_removed)} removed.")
            else:
                yield from flow.diff.to_markdown(show_moves=False).splitlines()[1:]  # its own heading is ours
        if stack.objects:
            rows = [[change.status + (" (replaced)" if change.replaced else ""), change.kind, code_cell(change.name),
                     "<br>".join(f"{code_cell(c.path or '/')}: {value_cell(c.old)} → {value_cell(c.new)}"
                                 for c in change.changes[: 3 if digest else None])]
                    for change in stack.objects]
            yield from _table("Routing and triggers", ["", "kind", "name", "changes"], rows)


def _table(title: str, header: list[str], rows: list[list[str]]) -> Iterator[str]:
    yield ""
    yield f"#### {title}"
    yield ""
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    yield from ("| " + " | ".join(row) + " |" for row in rows)


# ---- HTML ---------------------------------------------------------------------------------------------------


def _html(plan: Plan) -> str:
    """The Markdown summary as a self-contained page (no script, nothing fetched): tables, and Mermaid sources."""
    body: list[str] = []
    block: str | None = None  # "mermaid" or "table" while inside one
    for line in _markdown(plan, digest=False):
        if block == "table" and not line.startswith("|"):
            body.append("</table>")
            block = None
        if line == "```mermaid":
            block = "mermaid"
            body.append('<pre class="mermaid">')
        elif line == "```" and block == "mermaid":
            block = None
            body.append("</pre>")
        elif block == "mermaid":
            body.append(html.escape(line))
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("|"):
            if block != "table":
                block = "table"
                body.append("<table>")
            if not set(line) <= set("|-"):
                cells = [cell.strip() for cell in line.strip("|").split(" | ")]
                body.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>")
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    if block == "table":
        body.append("</table>")
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>flex-pre-agent review</title>'
            "</head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n")
