"""The ``tiegraph`` command: one typer app assembled from the command modules under ``commands/``.

Each module owns its commands and registers them; they are listed here explicitly, so a module
that fails to import fails the whole command loudly instead of silently losing its commands.
"""

from __future__ import annotations

import typer

from tiegraph.commands import core, export, imports, neo4j, overlaps, store, thesis

app = typer.Typer(
    name="tiegraph",
    help="Typed, dated, sourced defence-cooperation ties: validate, report, export, Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

#: command modules, in the order their commands appear in --help
COMMAND_MODULES = (core, export, thesis, imports, overlaps, neo4j, store)

for _module in COMMAND_MODULES:
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
