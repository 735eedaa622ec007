"""Progress of a long import: a live bar on a terminal, silence elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

Advance = Callable[[int], None]


@contextmanager
def commit_progress(total: int) -> Iterator[Advance]:
    """Yield a function that reports how many more commits were stored."""
    console = Console(stderr=True)
    if not console.is_terminal:
        # Logs and pipes get the one summary line the command prints after.
        yield lambda _: None
        return
    columns = (
        TextColumn("commits"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("commits", total=total)
        yield lambda done: progress.advance(task, done)
