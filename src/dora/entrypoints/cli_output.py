"""What the `dora` commands print: import progress and metrics tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich import box
from rich.console import Console
from rich.progress import (
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

STORING = "storing in one transaction"


class RateColumn(ProgressColumn):
    """Rows read per second."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="cyan")


class RowsColumn(ProgressColumn):
    """Rows read so far, for the tasks that read rows."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("rows", True):
            return Text("")
        return Text(f"{task.completed:>10,.0f} rows")


class ImportDisplay:
    """Shows rows read and the storing step live; silent when `progress` is None."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def tick(self, kind: str) -> None:
        if self.progress is not None:
            self.progress.advance(self._task(kind))

    def storing(self) -> None:
        if self.progress is not None:
            self._finish_all()
            self._task(STORING, rows=False)

    def stored(self) -> None:
        if self.progress is not None:
            self._finish_all()

    def _finish_all(self) -> None:
        assert self.progress is not None
        # A total equal to what was done marks a task finished.
        for task in self.progress.tasks:
            self.progress.update(task.id, total=task.completed)

    def _task(self, kind: str, rows: bool = True) -> TaskID:
        assert self.progress is not None
        if kind not in self.tasks:
            self.tasks[kind] = self.progress.add_task(kind, total=None, rows=rows)
        return self.tasks[kind]


@contextmanager
def import_display(console: Console) -> Iterator[ImportDisplay]:
    """Yield a live display on a terminal, a silent one elsewhere."""
    if not console.is_terminal:
        yield ImportDisplay(None)
        return
    columns = (
        SpinnerColumn(finished_text="[green]done"),
        TextColumn("{task.description:<28}"),
        RowsColumn(),
        RateColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        yield ImportDisplay(progress)


def summary_line(
    repo: str, counts: tuple[int, int], new: tuple[int, int], seconds: float
) -> str:
    commits, deployments = counts
    new_commits, new_deployments = new
    return (
        f"imported {repo}: {commits} commits ({new_commits} new), "
        f"{deployments} deployments ({new_deployments} new) in {seconds:.1f} s"
    )


def print_metrics(console: Console, answer: dict[str, Any]) -> None:
    """Print the headline figures, then one row per period."""
    console.print(headline_table(answer))
    console.print(series_table(answer))


def headline_table(answer: dict[str, Any]) -> Table:
    table = Table(
        title=f"{answer['scope']} {answer['id']}", box=box.SIMPLE, show_header=False
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    quality = answer["data_quality"]
    rows = [
        ("window", f"{answer['from']} to {answer['to']} ({answer['tz']})"),
        ("environment", answer["environment"]),
        ("deployment frequency", str(answer["deployment_frequency"])),
        ("deployments per day", _number(answer["deployments_per_day"], 4)),
        ("deployments per week", _number(answer["deployments_per_week"], 4)),
        ("deployment days", str(answer["deployment_days"])),
        ("changes", str(answer["changes"])),
        ("lead time avg (hours)", _number(answer["lead_time_avg_hours"], 4)),
        ("lead time median (hours)", _number(answer["lead_time_median_hours"], 4)),
        ("lead time p90 (hours)", _number(answer["lead_time_p90_hours"], 4)),
        ("deployments of unknown sha", str(quality["deployments_unknown_sha"])),
        ("negative lead times clamped", str(quality["negative_lead_times_clamped"])),
        ("computed at", str(answer["computed_at"])),
    ]
    for figure, value in rows:
        table.add_row(figure, value)
    return table


def series_table(answer: dict[str, Any]) -> Table:
    table = Table(
        title=f"by {answer['granularity']}", box=box.SIMPLE_HEAD, collapse_padding=True
    )
    for name in ("start", "end"):
        table.add_column(name, no_wrap=True, min_width=10)
    for name in ("deploys", "days", "changes", "avg h", "median h", "p90 h"):
        table.add_column(name, justify="right")
    for period in answer["series"]:
        table.add_row(
            period["period_start"],
            period["period_end"],
            str(period["deployment_frequency"]),
            str(period["deployment_days"]),
            str(period["changes"]),
            # One decimal and no separators keep a year of weeks within 80 columns.
            _number(period["lead_time_avg_hours"], 1, ""),
            _number(period["lead_time_median_hours"], 1, ""),
            _number(period["lead_time_p90_hours"], 1, ""),
        )
    return table


def _number(value: float | None, decimals: int, separator: str = ",") -> str:
    return "-" if value is None else f"{value:{separator}.{decimals}f}"
