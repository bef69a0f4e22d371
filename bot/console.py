"""The command line's terminal output: progress on standard error, tables on standard output.

Progress is drawn only when standard error is a terminal, so cron jobs and pipes get the
summary lines alone. Tables use the same human labels as Slack (`Disposition.label`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from knowledge.models import Disposition
from knowledge.refresh import printable


class TerminalProgress:
    """A rich progress bar per source on standard error (files of a folder, pages of a crawl, requests)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def advance(self, source: str, done: int, total: int | None) -> None:
        """Move the bar of `source` to `done` of `total` (a spinner and a count when total is unknown)."""
        task = self._tasks.get(source)
        if task is None:
            task = self._progress.add_task(printable(source)[-60:], total=total)
            self._tasks[source] = task
        self._progress.update(task, completed=done, total=total)


@contextmanager
def progress_on_stderr() -> Iterator[TerminalProgress | None]:
    """A progress report drawn on standard error while the block runs; None when it is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        yield TerminalProgress(progress)


@contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner with a message on standard error while the block runs (nothing when not a terminal)."""
    if not sys.stderr.isatty():
        yield
        return
    with Console(stderr=True).status(message):
        yield


def disposition_label(value: str) -> str:
    """The human label of a stored disposition value ("s21_accessible" -> "Reasonably accessible")."""
    try:
        return Disposition(value).label
    except ValueError:
        return value


def print_table(title: str | None, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table on standard output; wide and uncoloured when standard output is not a terminal."""
    terminal = sys.stdout.isatty()
    console = Console(width=None if terminal else 160, no_color=not terminal, highlight=False,
                      soft_wrap=False, emoji=False, markup=False)
    table = Table(title=title, show_lines=False, title_justify="left", show_header=any(headers))
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console.print(table)
