"""``tiegraph overlaps DIR …``: which ties of different datasets describe the same thing.

Every command that reads ``--data`` already counts such a pair once
(``loaders.overlap.merge_dataset``); this command shows the pairs, so a user can
check the matching rules (``loaders/overlap.py``) on their own imports.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from tiegraph.commands.common import handle_errors

#: the columns of ``--list`` (its header line): tab-separated, so ``cut``/``awk``/pandas read it as it is
LIST_COLUMNS = ("kept", "duplicate", "family", "participants", "years")


@handle_errors
def overlaps(
    directories: Annotated[list[Path] | None, typer.Argument(
        help="Data directories to compare (default: the bundled dataset).", show_default=False)] = None,
    show: Annotated[bool, typer.Option("--list", help="Also list every pair, tab-separated under a header "
                                                      "line: kept, duplicate, family, participants, years.")] = False,
) -> None:
    """List the ties that two datasets both describe (the duplicates counted once everywhere).

    Prints the ties per dataset, the number of overlapping pairs and, per
    dataset pair and tie family, which dataset's tie is kept.

    Example: tiegraph overlaps data tiegraph-data/mme tiegraph-data/jme --list
    """
    from tiegraph.loaders.datadir import load_dataset
    from tiegraph.loaders.overlap import datasets_used, find_overlaps

    dataset = load_dataset(directories or None)
    pairs = find_overlaps(dataset)
    counts = Counter((p["kept_dataset"], p["duplicate_dataset"], p["family"]) for p in pairs)
    used = ", ".join(f"{k} {v}" for k, v in datasets_used(dataset.ties).items())
    typer.echo(f"ties: {len(dataset.ties)} ({used})")
    typer.echo(f"overlapping pairs: {len(pairs)}")
    for (kept, duplicate, family), n in sorted(counts.items()):
        typer.echo(f"  {n} x {family}: {duplicate} duplicates {kept} (kept)")
    if show:
        typer.echo("\t".join(LIST_COLUMNS))
        for p in pairs:
            typer.echo("\t".join(str(p[k]) for k in LIST_COLUMNS))


def register(app: typer.Typer) -> None:
    app.command("overlaps")(overlaps)
