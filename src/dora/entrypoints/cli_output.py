"""What `dora import` shows: live progress on a terminal, then one summary line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
    repo: str, counts: tuple[int, int, int], new: tuple[int, int], seconds: float
) -> str:
    commits, deployments, incidents = counts
    new_commits, new_deployments = new
    # An export without incidents.csv is the usual case: say nothing of it.
    extra = f", {incidents} incidents" if incidents else ""
    return (
        f"imported {repo}: {commits} commits ({new_commits} new), "
        f"{deployments} deployments ({new_deployments} new){extra} in {seconds:.1f} s"
    )
