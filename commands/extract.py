"""``tiegraph extract FILE… --into DIR`` and ``tiegraph review DIR``: from documents to candidate
ties, and from candidates a person has checked to data.

The extractor is the rule-based coder of ``tiegraph.extract`` (cue lexicons in
``extract/lexicons/``); its candidates are an ordinary data directory, so
``tiegraph validate DIR`` checks them and ``review`` moves accepted ones, with
their quotes, into a data directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tiegraph.commands.common import DataOpt, handle_errors, output_dir
from tiegraph.model.errors import OptionValueError


@handle_errors
def extract(
    files: Annotated[list[Path], typer.Argument(help="Documents to code: plain text, Markdown (.md) or HTML (.html).",
                                                show_default=False)],
    into: Annotated[Path, typer.Option("--into", help="Candidates directory to write (created if missing): "
                                                      "actors.yaml and ties/DOCUMENT.yaml.", show_default=False)],
    published: Annotated[str | None, typer.Option(
        "--published", help="The documents' date (YYYY, YYYY-MM or YYYY-MM-DD), for relative dates such as "
                            "'last year'; default: a 'Published:' line or a dateline in the document.",
        show_default=False)] = None,
    against: Annotated[list[Path] | None, typer.Option(
        "--against", help="Data directory to compare with (repeatable): each candidate is marked 'already coded "
                          "as tie X' or 'new' by the overlap matcher.", show_default=False)] = None,
    data: DataOpt = None,
) -> None:
    """Propose candidate ties for each document, with the verbatim sentence as quote.

    Writes one candidates file per document into --into: type, participants,
    date as precise as the text gives it, status from the verb, quote and
    locator, and the lexicon rule that fired with a confidence.  Names that
    resolve to no actor of --data are listed, never coded.  Review the
    candidates with 'tiegraph review'.

    Example: tiegraph extract tests/fixtures/extract/heldout/h06_menafn_kaz_tur_plan_2024.txt --into candidates --against data
    """
    from tiegraph.extract.candidates import build_candidates
    from tiegraph.extract.gazetteer import build_gazetteer
    from tiegraph.extract.review import candidate_files, write_files
    from tiegraph.extract.text import read_document
    from tiegraph.loaders.datadir import BUNDLED_DATA, load_dataset
    from tiegraph.loaders.writer import reference_actors
    from tiegraph.model.dates import DateFormatError, PartialDate

    date = None
    if published is not None:
        try:
            date = PartialDate.parse(published)
        except DateFormatError as exc:
            raise OptionValueError(f"--published: {exc}") from None
    output_dir(into, "--into")
    documents = [read_document(path, date) for path in files]  # every document read before anything is written
    reference = load_dataset(data or None)
    compare = load_dataset(against) if against else None
    gaz = build_gazetteer(reference)
    found = [build_candidates(doc, gaz, against=compare) for doc in documents]
    write_files(candidate_files(found, into, reference_actors(list(data or [BUNDLED_DATA]))))
    for item in found:
        marks = [t["attributes"].get("against", "") for t in item.ties]
        known = sum(m.startswith("already") for m in marks)
        tail = f" ({len(item.ties) - known} new, {known} already coded)" if compare is not None else ""
        typer.echo(f"{item.document.name}: {len(item.ties)} candidates{tail} -> {into / 'ties' / (item.slug + '.yaml')}")
        if item.unresolved:
            typer.echo("  unresolved: " + ", ".join(f"{name} ({where})" for name, where in item.unresolved))
        for skipped in item.skipped:
            typer.echo(f"  not written (fails validation): {skipped}")


@handle_errors
def review(
    candidates: Annotated[Path, typer.Argument(help="Candidates directory written by 'tiegraph extract'.",
                                               show_default=False)],
    into: Annotated[Path, typer.Option("--into", help="Data directory that receives accepted ties "
                                                      "(ties/extracted.yaml).", show_default=False)],
    by: Annotated[str, typer.Option("--by", help="Who reviewed (recorded with each accepted tie).",
                                    show_default=False)],
    accept: Annotated[list[str] | None, typer.Option("--accept", help="Candidate id to accept (repeatable).",
                                                     show_default=False)] = None,
    reject: Annotated[list[str] | None, typer.Option("--reject", help="Candidate id to reject (repeatable).",
                                                     show_default=False)] = None,
    edits: Annotated[list[str] | None, typer.Option(
        "--set", help="Edit an accepted candidate first: ID.FIELD=VALUE (status, start, type, from, to, "
                      "participants=A,B, title, note, attributes.KEY).", show_default=False)] = None,
) -> None:
    """Accept, edit or reject candidate ties; accepted ones become ordinary ties of --into.

    Each accepted tie keeps its quote, locator, document and rule, and records
    who accepted it and when; accepted and rejected candidates leave the
    candidates file, and every decision is logged in CANDIDATES/review.log.

    Example: tiegraph review candidates --accept h06-menafn-kaz-tur-plan-2024-02-defense-meeting --into my-data --by "A. Coder"
    (after the example of 'tiegraph extract', on a copy of the data: cp -r data my-data)
    """
    from tiegraph.extract.review import review as run_review

    if not accept and not reject:
        raise OptionValueError("nothing to do: give --accept ID or --reject ID (ids are in CANDIDATES/ties/*.yaml)")
    done = run_review(candidates, into, by, accept or [], reject or [], edits or [])
    for tie_id in done["accepted"]:
        typer.echo(f"accepted {tie_id} -> {into / 'ties' / 'extracted.yaml'}")
    for tie_id in done["rejected"]:
        typer.echo(f"rejected {tie_id}")


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    app.command("review")(review)
