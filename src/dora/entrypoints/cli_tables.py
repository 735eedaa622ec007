"""The metrics answer as tables: headline figures, then one row per period."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

Format = Callable[[Any], str]


def count(value: Any) -> str:
    return "-" if value is None else str(value)


def hours(value: Any) -> str:
    return "-" if value is None else f"{value:,.4f}"


def ratio(value: Any) -> str:
    return "-" if value is None else f"{value:.4f}"


def percent(value: Any) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


# (label, field of the answer, format, field of `levels` rating it)
HEADLINE: list[tuple[str, str, Format, str | None]] = [
    ("deployment frequency", "deployment_frequency", count, "deployment_frequency"),
    ("deployments per day", "deployments_per_day", ratio, None),
    ("deployments per week", "deployments_per_week", ratio, None),
    ("deployment days", "deployment_days", count, None),
    ("deployment days a week (median)", "deployment_days_per_week_median", ratio, None),
    ("changes", "changes", count, None),
    ("lead time avg (hours)", "lead_time_avg_hours", hours, None),
    ("lead time median (hours)", "lead_time_median_hours", hours, "lead_time"),
    ("lead time p90 (hours)", "lead_time_p90_hours", hours, None),
    ("failed deployments", "failed_deployments", count, None),
    ("change failure rate", "change_failure_rate", percent, "change_failure_rate"),
    (
        "recovery time median (hours)",
        "recovery_time_median_hours", hours, "recovery_time",
    ),
    ("unrecovered failures", "unrecovered_failures", count, None),
    ("rework rate", "deployment_rework_rate", percent, None),
    ("failed attempts", "failed_attempts", count, None),
]  # fmt: skip


def print_metrics(console: Console, answer: dict[str, Any]) -> None:
    """Print the headline figures, then one row per period."""
    console.print(headline_table(answer))
    console.print(series_table(answer))


def headline_table(answer: dict[str, Any]) -> Table:
    previous = answer.get("previous")
    table = Table(title=_title(answer), caption=_caption(answer), box=box.SIMPLE_HEAD)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("level")
    if previous is not None:
        table.add_column("previous", justify="right")

    for label, name, shown, rated in HEADLINE:
        row = [label, shown(answer.get(name)), _level(answer, rated)]
        if previous is not None:
            row.append(shown(previous.get(name)))
        table.add_row(*row)
    return table


def series_table(answer: dict[str, Any]) -> Table:
    table = Table(
        title=f"by {answer['granularity']}", box=box.SIMPLE_HEAD, collapse_padding=True
    )
    for name in ("start", "end"):
        table.add_column(name, no_wrap=True, min_width=10)
    for name in ("deploys", "days", "changes", "avg h", "median h", "failed"):
        table.add_column(name, justify="right")

    for period in answer["series"]:
        table.add_row(
            period["period_start"],
            period["period_end"],
            count(period["deployment_frequency"]),
            count(period["deployment_days"]),
            count(period["changes"]),
            # One decimal, no separators: a year of weeks stays within 80 columns.
            _short_hours(period["lead_time_avg_hours"]),
            _short_hours(period["lead_time_median_hours"]),
            count(period.get("failed_deployments")),
        )
    return table


def _title(answer: dict[str, Any]) -> str:
    return (
        f"{answer['scope']} {answer['id']}, {answer['environment']}, "
        f"{answer['from']} to {answer['to']} ({answer['tz']})"
    )


def _caption(answer: dict[str, Any]) -> str:
    quality = answer["data_quality"]
    levels = answer.get("levels") or {}
    previous = answer.get("previous")
    lines = [
        f"levels: {levels.get('benchmark', '-')}, computed at {answer['computed_at']}",
        f"deployments of unknown sha: {quality['deployments_unknown_sha']}, "
        f"negative lead times clamped: {quality['negative_lead_times_clamped']}",
    ]
    if previous is not None:
        lines.append(f"previous: {previous['from']} to {previous['to']}")
    return "\n".join(lines)


def _level(answer: dict[str, Any], rated: str | None) -> str:
    if rated is None:
        return ""
    return count((answer.get("levels") or {}).get(rated))


def _short_hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
