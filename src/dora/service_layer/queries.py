"""The parameters of a metrics question, parsed and checked."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from dora.domain.errors import InvalidParameter
from dora.domain.metrics import LeadTimeFrom
from dora.domain.model import DEFAULT_ENVIRONMENT, Scope
from dora.domain.validation import check_environment
from dora.domain.window import Granularity, Window, parse_granularity

KNOWN = {
    "scope",
    "id",
    "from",
    "to",
    "granularity",
    "environment",
    "tz",
    "lead_time_from",
    "compare",
}


@dataclass(frozen=True)
class MetricsQuery:
    scope: Scope
    window: Window
    granularity: Granularity
    environment: str
    lead_time_from: LeadTimeFrom
    # "previous" asks for the window of equal length just before, too.
    compare: str | None = None

    @classmethod
    def parse(cls, params: Mapping[str, object]) -> MetricsQuery:
        """Build a query from request parameters, naming any bad one."""
        _check_names(params)
        scope = Scope.parse(_required(params, "scope"), _required(params, "id"))
        window = Window.parse(
            _required(params, "from"),
            _required(params, "to"),
            _optional(params, "tz", "UTC"),
        )
        return cls(
            scope=scope,
            window=window,
            granularity=parse_granularity(_optional(params, "granularity", "week")),
            environment=check_environment(
                _optional(params, "environment", DEFAULT_ENVIRONMENT)
            ),
            lead_time_from=LeadTimeFrom.parse(
                _optional(params, "lead_time_from", "committed")
            ),
            compare=_compare(_optional(params, "compare", "")),
        )

    def previous(self) -> MetricsQuery:
        """Return the same question about the window just before."""
        return dataclasses.replace(self, window=self.window.previous(), compare=None)

    @property
    def tz_name(self) -> str:
        return str(self.window.tz.key)


def _check_names(params: Mapping[str, object]) -> None:
    """Refuse a name the question does not have, or one given twice.

    A misspelt `enviroment` would otherwise be answered, wrongly, for
    production.
    """
    for name in params:
        if name not in KNOWN:
            known = ", ".join(sorted(KNOWN))
            raise InvalidParameter(f"{name}: not a parameter of the question ({known})")
    # Query strings can repeat a name; which value was meant is unclear.
    values_of = getattr(params, "getall", None)
    if values_of is None:
        return
    for name in KNOWN:
        if len(values_of(name, ())) > 1:
            raise InvalidParameter(f"{name}: given more than once")


def _compare(text: str) -> str | None:
    if text in ("", "none"):
        return None
    if text != "previous":
        raise InvalidParameter(f"compare: {text!r} is not one of previous, none")
    return text


def _required(params: Mapping[str, object], name: str) -> str:
    if name not in params or params[name] in (None, ""):
        raise InvalidParameter(f"{name}: the parameter is required")
    return _text(params, name)


def _optional(params: Mapping[str, object], name: str, default: str) -> str:
    if name not in params or params[name] is None:
        return default
    return _text(params, name)


def _text(params: Mapping[str, object], name: str) -> str:
    value = params[name]
    if not isinstance(value, str):
        raise InvalidParameter(f"{name}: {value!r} is not a string")
    return value
