"""A Studio flow: its widgets, its envelope and its canonical JSON."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import Token
from types import TracebackType
from typing import TYPE_CHECKING, Any

from studio.jsontext import canonical_json
from studio.model import AUTO, CURRENT_WIDGETS, DuplicateWidgetNameError, Members, Widget
from studio.params import Filler, MissingParameterError, _Missing

if TYPE_CHECKING:
    from studio.validate import Problem


class Flow:
    """A Studio flow. Widgets created inside ``with Flow(...) as flow:`` belong to it, in creation order.

    Widgets reached through transitions from the flow's widgets belong to it too (after them), so a
    flow can also be assembled with ``flow.add(trigger)``.

    Args:
        description: the flow's description.
        allow_concurrent_calls: the ``flags.allow_concurrent_calls`` value; None writes no flags.
        initial_state: the state execution starts from; by default the trigger's name.
        extra: top-level keys written as they are (for definitions this library does not model).
        unique_names: refuse a widget whose name another widget of the flow has (the default; the
            importer turns it off only to reproduce a definition that repeats a name).
    """

    def __init__(
        self,
        description: str | None = None,
        *,
        allow_concurrent_calls: bool | None = True,
        initial_state: str | None = None,
        extra: Mapping[str, Any] | None = None,
        unique_names: bool = True,
    ) -> None:
        self.description = description
        self.allow_concurrent_calls = allow_concurrent_calls
        self.initial_state = initial_state
        self.extra: dict[str, Any] = dict(extra or {})
        self._members = Members(unique_names=unique_names)
        self._tokens: list[Token[Members | None]] = []

    def __enter__(self) -> Flow:
        self._tokens.append(CURRENT_WIDGETS.set(self._members))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        CURRENT_WIDGETS.reset(self._tokens.pop())

    def __repr__(self) -> str:
        return f"Flow({self.description!r}, widgets={len(self._members.widgets)})"

    def add(self, *widgets: Widget) -> Flow:
        """Add widgets made outside the ``with`` block (in this order); returns the flow."""
        for widget in widgets:
            if not isinstance(widget, Widget):
                raise TypeError(f"Flow.add takes widgets, not {widget!r}")
            self._members.add(widget)
        return self

    @property
    def widgets(self) -> list[Widget]:
        """Every widget of the flow: its own in order, then those reached from them, depth first."""
        members = self._members
        seen = set(members.ids)
        ordered = list(members.widgets)
        pending = list(reversed(ordered))
        names = dict(members.by_name)
        while pending:
            widget = pending.pop()
            found = [t for t in widget._next.values() if isinstance(t, Widget) and id(t) not in seen]
            for target in found:
                other = names.setdefault(target.name, target)
                if other is not target and members.unique_names:
                    raise DuplicateWidgetNameError(
                        f"widget name {target.name!r} is used by a {other.widget_type} and a "
                        f"{target.widget_type} widget of this flow; widget names are unique in a flow: rename one"
                    )
                seen.add(id(target))
                ordered.append(target)
            pending.extend(reversed(found))
        return ordered

    def widget(self, name: str) -> Widget:
        """The widget called ``name``."""
        for widget in self.widgets:
            if widget.name == name:
                return widget
        raise KeyError(f"flow has no widget {name!r}")

    def parameter_names(self) -> list[str]:
        """The names of the parameters (``${NAME}`` placeholders) the flow uses, sorted."""
        filler = Filler(keep_placeholders=True)
        for widget in self.widgets:
            widget.render(filler)
        self._envelope(filler)
        return sorted(filler.seen)

    def to_definition(self, values: Mapping[str, str] | None = None, *, placeholders: bool = False) -> dict[str, Any]:
        """The flow definition as a dict, laid out and with its parameters filled.

        Args:
            values: the value of each parameter (extra names are ignored).
            placeholders: write parameters without a value as ``${NAME}`` instead of failing.

        Raises:
            MissingParameterError: a parameter has no value (and ``placeholders`` is False).
        """
        filler = Filler(values, keep_placeholders=placeholders)
        widgets = self.widgets
        states = []
        for widget in widgets:
            try:
                states.append(widget.render(filler))
            except _Missing:
                missing = sorted(set(self.parameter_names()) - set(filler.values))
                raise MissingParameterError(missing, f"widget {widget.name!r}") from None
        initial_state = self._initial_state(widgets)
        auto = [index for index, widget in enumerate(widgets) if widget.offset is AUTO]
        if auto:
            from studio.layout import compute_offsets

            fixed = {w.name: w.offset for w in widgets if isinstance(w.offset, tuple)}
            offsets = compute_offsets(states, initial_state, fixed)
            for index in auto:
                x, y = offsets[widgets[index].name]
                states[index]["properties"]["offset"] = {"x": x, "y": y}
        try:
            definition = self._envelope(filler)
        except _Missing:
            missing = sorted(set(self.parameter_names()) - set(filler.values))
            raise MissingParameterError(missing, "the flow description") from None
        definition["states"] = states
        definition["initial_state"] = initial_state
        return definition

    def to_json(self, values: Mapping[str, str] | None = None, *, placeholders: bool = False) -> str:
        """The canonical JSON of :meth:`to_definition` (see :func:`canonical_json`)."""
        return canonical_json(self.to_definition(values, placeholders=placeholders))

    def validate(self, values: Mapping[str, str] | None = None) -> list[Problem]:
        """Every problem of the flow (parameters without a value are left as placeholders)."""
        from studio.validate import validate_definition

        return validate_definition(self.to_definition(values, placeholders=True))

    def _initial_state(self, widgets: list[Widget]) -> str:
        if self.initial_state is not None:
            return self.initial_state
        for widget in widgets:
            if widget.widget_type == "trigger":
                return widget.name
        return ""

    def _envelope(self, filler: Filler) -> dict[str, Any]:
        definition: dict[str, Any] = {}
        if self.description is not None:
            definition["description"] = filler.text(self.description)
        if self.allow_concurrent_calls is not None:
            definition["flags"] = {"allow_concurrent_calls": self.allow_concurrent_calls}
        if self.extra:
            definition.update(filler.deep(self.extra))
        return definition
