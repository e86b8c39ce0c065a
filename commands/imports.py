"""``tiegraph import SOURCE PATH`` and ``tiegraph import all DIR``: real datasets into data directories.

The loaders (``loaders/dcad.py``, ``atop.py``, ``sipri.py``, ``mme.py``, ``jme.py``) build
the records; this command aligns imported states with the bundled actors,
validates everything with the project's loader and only then writes
``DIR/ties/SOURCE.jsonl``, ``DIR/actors/SOURCE.jsonl`` and ``DIR/coverage.yaml``
(all or none, under a lock on DIR; ``import all``: every dataset found, or none).  An imported dataset lives in its own
directory, passed with ``--data`` next to the bundled ``data/``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tiegraph.commands.common import ImportSource, handle_errors
from tiegraph.loaders.datadir import BUNDLED_DATA, data_files
from tiegraph.model.errors import TiegraphError, UsageError

if TYPE_CHECKING:
    from tiegraph.loaders.result import ImportResult
    from tiegraph.loaders.writer import StagedImport

#: source -> module and function of its reader; imported only when that source is imported,
#: since cli.py imports every command module at startup (``tiegraph report`` must stay light)
READER_PATHS: dict[str, tuple[str, str]] = {
    "dcad": ("tiegraph.loaders.dcad", "read_dcad"), "atop": ("tiegraph.loaders.atop", "read_atop"),
    "sipri": ("tiegraph.loaders.sipri", "read_sipri"), "mme": ("tiegraph.loaders.mme", "read_mme"),
    "jme": ("tiegraph.loaders.jme", "read_jme"),
}
ALL = "all"


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


def _stage_one(source: str, path: Path, into: Path, stack: ExitStack) -> tuple[ImportResult, StagedImport]:
    """Read, align and validate one dataset into a stage of ``into`` (held until ``stack`` closes);
    print its summary.  Nothing is in place until the caller commits the stage."""
    from tiegraph.exports.progress import status
    from tiegraph.loaders.writer import align_actors, reference_actors, staged_import

    with status(f"reading {source}: {path.name}"):  # a spinner on a terminal: MME and JME take seconds
        result = reader(source)(path)
    bundled = [BUNDLED_DATA] if any(data_files(BUNDLED_DATA)) else []
    align_actors(result, reference_actors(bundled))
    with status(f"validating and staging {source}"):
        staged = stack.enter_context(staged_import(result, into, bundled))
    typer.echo(result.summary())
    return result, staged


def _wrote(result: ImportResult, into: Path) -> str:
    return (f"Wrote {_shown(into / 'ties' / f'{result.source}.jsonl')} ({len(result.ties)} ties) and "
            f"{_shown(into / 'actors' / f'{result.source}.jsonl')} ({len(result.actors)} actors)"
            + (f" and {_shown(into / 'coverage.yaml')}" if result.coverage else ""))


def _import_one(source: str, path: Path, into: Path) -> None:
    """Read, align, validate and write one dataset; print its summary and what was written."""
    with ExitStack() as stack:
        result, staged = _stage_one(source, path, into, stack)
        staged.commit()
    typer.echo(_wrote(result, into))


def _import_all(folder: Path, root: Path) -> None:
    """Import every supported dataset found under ``folder``, each into ``root/SOURCE``: all or none.

    Every dataset is read, validated and staged first; only when all of them staged are
    they put in place (a failed rename undoes the datasets already in place), so a
    failing dataset leaves the data directories as they were.
    """
    from tiegraph.loaders.discover import find_datasets

    if not folder.is_dir():
        raise UsageError(f"{folder}: not a directory; 'import all' takes the folder holding the datasets")
    found = find_datasets(folder, exclude=root)
    typer.echo(f"Found in {_shown(folder)}: "
               + (", ".join(f"{s} ({_shown(p)})" for s, p in found.datasets.items()) or "no supported dataset"))
    for path, why in found.skipped:
        typer.echo(f"Skipped {_shown(path)}: {why}")
    if not found.datasets:
        raise TiegraphError(f"{folder}: no supported dataset found")
    failed: list[str] = []
    with ExitStack() as stack:
        if not root.exists():  # created for the stages: gone again when nothing is written
            stack.callback(_remove_if_empty, root)
        staged: list[tuple[ImportResult, StagedImport]] = []
        for source, path in found.datasets.items():
            typer.echo(f"--- {source}: {_shown(path)} -> {_shown(root / source)}")
            try:
                staged.append(_stage_one(source, path, root / source, stack))
            except TiegraphError as exc:
                failed.append(f"{source}: not imported: {exc}")
                typer.echo(f"{source}: cannot be imported: {str(exc).splitlines()[0]}")
        if failed:
            typer.echo(f"Imported 0 of {len(found.datasets)} datasets: nothing written ({len(failed)} could not "
                       "be imported; fix or move them and run 'import all' again)")
            raise TiegraphError("\n".join(failed))
        committed: list[StagedImport] = []
        try:
            for _, stage in staged:
                stage.commit()
                committed.append(stage)
        except TiegraphError:
            for stage in reversed(committed):
                stage.undo()
            raise
    dirs = [root / result.source for result, _ in staged]
    for result, _ in staged:
        typer.echo(_wrote(result, root / result.source))
    typer.echo(f"Imported {len(dirs)} of {len(found.datasets)} datasets: " + ", ".join(d.name for d in dirs))
    data = " ".join(f"--data {_shown(d)}" for d in [BUNDLED_DATA, *dirs])
    typer.echo(f"Run the thesis test on them: tiegraph thesis {data}")


def _remove_if_empty(directory: Path) -> None:
    if directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()


@handle_errors
def import_command(
    source: Annotated[ImportSource, typer.Argument(help="dcad, atop, sipri, mme or jme; or 'all' to import every "
                                               "supported dataset found in a folder.", show_default=False)],
    path: Annotated[Path, typer.Argument(help="The dataset file (atop: the folder, or the alliance-level "
                                              "*a.csv with the member-level *m.csv beside it; jme: the "
                                              ".xls workbook, or a CSV export of its sheet); for 'all', "
                                              "the folder to search.",
                                         show_default=False)],
    into: Annotated[Path | None, typer.Option(
        "--into", help="Data directory to write (default: ./tiegraph-data/SOURCE; for 'all' the folder "
                       "whose SOURCE sub-directories are written, default ./tiegraph-data).",
        show_default=False)] = None,
) -> None:
    """Import a real-world dataset: DCAD, ATOP, a SIPRI export (either layout), MME or JME.

    Writes DIR/ties/SOURCE.jsonl, DIR/actors/SOURCE.jsonl and DIR/coverage.yaml
    (what the dataset covers) after validating them (re-running replaces them)
    and prints what was read, produced and skipped, with line numbers.  Use the
    result with --data next to data/.  'import all DIR' finds every supported
    dataset under DIR (by its header, not its name), imports each into its own
    sub-directory -- all of them, or none when one cannot be imported -- and
    prints the 'tiegraph thesis' command to run on them.

    Examples:

      tiegraph import dcad ../shared/external/dcad-v1.0/DCAD-v1.0-main.csv

      tiegraph import atop ../shared/external/atop-5.1/

      tiegraph import sipri ../shared/external/sipri-transfers-2026/derived/transfers_turkic-supplier-or-recipient.csv --into tiegraph-data/sipri

      tiegraph import mme ../shared/external/mme-v7/mme_v7.csv

      tiegraph import jme ../shared/external/jme-v3/jme_v3.xls

      tiegraph import all ../shared/external --into tiegraph-data

      tiegraph report --data data --data tiegraph-data/dcad --dataset dcad
    """
    if not path.exists():
        raise UsageError(f"{path}: no such file or directory")
    if source == ALL:
        _import_all(path, into if into is not None else DEFAULT_ROOT)
        return
    if source != "atop" and path.is_dir():
        raise UsageError(f"{path}: is a directory; give the {source} file (or use 'tiegraph import all')")
    into = into if into is not None else DEFAULT_ROOT / source
    _import_one(source, path, into)
    typer.echo(f"Use it with: --data {_shown(BUNDLED_DATA)} --data {_shown(into)}")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
