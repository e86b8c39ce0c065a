"""``tiegraph import SOURCE PATH``: turn a real-world dataset file into a tiegraph data directory.

The loaders (``loaders/dcad.py``, ``atop.py``, ``sipri.py``, ``mme.py``, ``jme.py``) build
the records; this command aligns imported states with the bundled actors,
validates everything with the project's loader and only then writes
``DIR/ties/SOURCE.jsonl`` and ``DIR/actors/SOURCE.jsonl`` (both or neither).
An imported dataset lives in its own directory, passed with ``--data`` next to
the bundled ``data/``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tiegraph.commands.common import check_choice, handle_errors
from tiegraph.loaders.curated import BUNDLED_DATA, data_files
from tiegraph.model.errors import UsageError

if TYPE_CHECKING:
    from tiegraph.loaders.importing import ImportResult

#: source -> module and function of its reader; imported only when that source is imported,
#: since cli.py imports every command module at startup (``tiegraph report`` must stay light)
READER_PATHS: dict[str, tuple[str, str]] = {
    "dcad": ("tiegraph.loaders.dcad", "read_dcad"), "atop": ("tiegraph.loaders.atop", "read_atop"),
    "sipri": ("tiegraph.loaders.sipri", "read_sipri"), "mme": ("tiegraph.loaders.mme", "read_mme"),
    "jme": ("tiegraph.loaders.jme", "read_jme"),
}


def reader(source: str) -> Callable[[Path], ImportResult]:
    """The reader function of ``source`` (see READER_PATHS)."""
    import importlib

    module, name = READER_PATHS[source]
    return getattr(importlib.import_module(module), name)
DEFAULT_ROOT = Path("tiegraph-data")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@handle_errors
def import_command(
    source: Annotated[str, typer.Argument(help="dcad, atop, sipri, mme or jme.", show_default=False)],
    path: Annotated[Path, typer.Argument(help="The dataset file (atop: the folder, or the alliance-level "
                                              "*a.csv with the member-level *m.csv beside it; jme: the "
                                              ".xls workbook, or a CSV export of its sheet).",
                                         show_default=False)],
    into: Annotated[Path | None, typer.Option(
        "--into", help="Data directory to write (default: ./tiegraph-data/SOURCE).",
        show_default=False)] = None,
) -> None:
    """Import a real-world dataset: DCAD, ATOP, a SIPRI trade-register export, MME or JME.

    Writes DIR/ties/SOURCE.jsonl and DIR/actors/SOURCE.jsonl after validating
    them (re-running replaces both files) and prints what was read, produced
    and skipped, with line numbers.  Use the result with --data next to data/.

    Examples:

      tiegraph import dcad DCAD-v1.0-main.csv

      tiegraph import atop atop-5.1/            (or atop-5.1/atop5_1a.csv)

      tiegraph import sipri trade-register.csv --into tiegraph-data/sipri

      tiegraph import mme mme_v7.csv

      tiegraph import jme jme_v3.xls

      tiegraph report --data data --data tiegraph-data/dcad --dataset dcad
    """
    from tiegraph.loaders.importing import align_actors, reference_actors, write_import

    check_choice("SOURCE", source, tuple(READER_PATHS))
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if source != "atop" and path.is_dir():
        raise UsageError(f"{path}: is a directory; give the {source} file")
    into = into if into is not None else DEFAULT_ROOT / source
    result = reader(source)(path)
    bundled = [BUNDLED_DATA] if any(data_files(BUNDLED_DATA)) else []
    align_actors(result, reference_actors(bundled))
    actors_file, ties_file = write_import(result, into, bundled)
    typer.echo(result.summary())
    typer.echo(f"Wrote {_shown(ties_file)} ({len(result.ties)} ties) and "
               f"{_shown(actors_file)} ({len(result.actors)} actors)")
    typer.echo(f"Use it with: --data {_shown(BUNDLED_DATA)} --data {_shown(into)}")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
