"""``tiegraph export dyadyears FILE``: a dyad-year table (and a state-year table) for R and Stata.

The tables are built by ``exports.dyadyears`` (the rules) and documented column by
column in docs/DYADYEARS.md.  Order of work: the options and the output paths are
checked first (one ``Error:`` line, nothing written), then the data is read, then
both tables are written atomically together (both files or neither).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tiegraph.commands.common import DataOpt, DatasetOpt, FromOpt, ToOpt, handle_errors, load
from tiegraph.exports.files import check_output_file, shown, write_all_atomically
from tiegraph.model.errors import UsageError

if TYPE_CHECKING:  # pandas is imported by the command only: every other command starts without it
    import pandas as pd

DyadScopeOpt = Annotated[str | None, typer.Option(
    "--scope", help="Comma-separated state ids (e.g. TUR,AZE,KAZ), or all-cow for every pair of COW states "
                    "(large); default: every state with at least one tie in the data.", show_default=False)]
StateYearsOpt = Annotated[Path | None, typer.Option(
    "--state-years", help="Also write a state-year table (ccode, iso3, year, ties_new, partners_in_force, …) "
                          "to this file.", show_default=False)]


def _writer(frame: pd.DataFrame, path: Path):
    """A writer for ``write_all_atomically``: Parquet for a ``.parquet`` name, else CSV (NA written empty)."""
    if path.suffix.lower() == ".parquet":
        return lambda tmp: frame.to_parquet(tmp, index=False)
    return lambda tmp: frame.to_csv(tmp, index=False, na_rep="", lineterminator="\n")


def _check_output(path: Path, label: str) -> None:
    check_output_file(path, label)
    if path.suffix.lower() == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        raise UsageError(f"{label} '{shown(path)}': writing Parquet needs pyarrow, which is not installed "
                         "(pip install pyarrow), or give a .csv name")


def _misuse(ctx: typer.Context, option: str, message: str) -> typer.BadParameter:
    """A bad option value: one ``Error:`` line naming the command and option, exit 2 (``cli.UsageErrors``)."""
    return typer.BadParameter(message, ctx=ctx, param_hint=f"'{option}'")


@handle_errors
def dyadyears(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Output file: .csv, or .parquet when pyarrow is installed.")],
    data: DataOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    scope: DyadScopeOpt = None,
    dataset: DatasetOpt = None,
    state_years: StateYearsOpt = None,
) -> None:
    """Write one row per pair of states and year in which both exist (COW state system), keyed like
    peacesciencer's create_dyadyears: ccode1 < ccode2, iso3_1, iso3_2, year.

    Per tie type: <type>_in_force (standing ties) and <type>_new; per layer:
    institutional_in_force, institutional_new, activity_events; then tentative_new,
    documentary_new and datasets_covering.  A cell is empty (NA) in a year no
    dataset coding its tie types covers.  Multilateral ties count for every pair of
    their states; companies count as their home state; undated ties are left out.
    Years: --from/--to, default the first to the last year of a dated tie.

    Example: tiegraph export dyadyears dyadyears.csv --state-years stateyears.csv
    """
    from tiegraph.exports import dyadyears as tables

    if start is not None and end is not None and start > end:
        raise _misuse(ctx, "--from", f"year range {start}-{end} is empty")
    if scope is not None and not scope.strip():
        raise _misuse(ctx, "--scope", f"empty (give state ids such as TUR,AZE, or {tables.ALL_COW}; leave the "
                                      "option out for every state with a tie)")
    _check_output(path, "FILE")
    if state_years is not None:
        _check_output(state_years, "--state-years")
        if os.path.abspath(state_years) == os.path.abspath(path):
            raise UsageError(f"--state-years '{shown(state_years)}' and FILE '{shown(path)}' are the same path; "
                             "give each its own")
    data_set = load(data, dataset)
    try:
        ids = tables.resolve_scope(data_set, scope)
    except UsageError as exc:
        raise _misuse(ctx, "--scope", str(exc)) from None
    known = tables.year_range(data_set)
    if known is None:
        if start is None or end is None:
            raise UsageError("no tie in the data has a date: give both --from and --to")
        known = (start, end)
    first, last = known[0] if start is None else start, known[1] if end is None else end
    if first > last:
        raise _misuse(ctx, "--from" if start is not None else "--to",
                      f"year range {first}-{last} is empty (the data's ties run {known[0]}-{known[1]})")
    if len(ids) < 2:
        raise UsageError(f"the data has ties of {len(ids)} COW state(s): no pair to write (give --scope)")
    result = tables.tables(data_set, ids, first, last)
    writers = {path: _writer(result.dyad_years, path)}
    if state_years is not None:
        writers[state_years] = _writer(result.state_years, state_years)
    write_all_atomically(writers)
    undated = tables.undated_ties(data_set)
    if undated:
        typer.echo(f"{undated} undated tie{'s' if undated != 1 else ''} left out", err=True)
    outside = tables.non_cow_states(data_set) if scope is None else []
    if outside:
        typer.echo(f"Not in the COW state system, so no rows: {', '.join(outside)}", err=True)
    pairs = result.dyad_years[["iso3_1", "iso3_2"]].drop_duplicates().shape[0]
    typer.echo(f"Wrote {path}: {len(result.dyad_years)} dyad-years ({pairs} pairs of {len(ids)} states, "
               f"{first}-{last})")
    if state_years is not None:
        typer.echo(f"Wrote {state_years}: {len(result.state_years)} state-years")
