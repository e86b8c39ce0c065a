"""Progress of a long export on stderr, and the line that says what was written.

Why: ``export graphml --per-tie`` on every dataset writes ~600 MB for close to a
minute; without a word a user cannot tell work from a hang.  The bar counts
labelled units ("edges") on stderr only when stderr is a terminal, so pipes,
logs and tests stay quiet; the summary line (path, size, what it holds) is
always printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol


class Advance(Protocol):
    """Advance the bar by ``n`` units; ``total`` sets how many there are, once known."""

    def __call__(self, n: int = 1, total: int | None = None) -> None: ...


def quiet(n: int = 1, total: int | None = None) -> None:
    """The advance of a bar that is not shown."""


@contextmanager
def progress_bar(label: str, total: int | None, unit: str) -> Iterator[Advance]:
    """A rich progress bar on stderr ("writing edges  ━━━━  1,234/5,000 edges  0:00:03"), or nothing
    when stderr is not a terminal; yields the function that advances it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield quiet
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(n: int = 1, total: int | None = None) -> None:
            if total is None:
                bar.update(task, advance=n)
            else:
                bar.update(task, advance=n, total=total)

        yield advance


@contextmanager
def status(label: str) -> Iterator[None]:
    """A spinner with ``label`` on stderr while a step with no countable units runs (reading the data),
    or nothing when stderr is not a terminal."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(label):
        yield


def size_text(*paths: Path | str) -> str:
    """The size of written files, as people read it: '1.2 MB', '630.4 MB', '812 bytes'."""
    size: float = sum(Path(path).stat().st_size for path in paths)
    if size < 1000:
        return f"{size} bytes"
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:,.1f} {unit}"
    raise AssertionError("unreachable")
