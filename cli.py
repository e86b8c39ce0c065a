"""tiegraph: a graph database of defence and security ties, and its network reports.

The typer app is assembled here from the command modules under ``commands/``;
each module owns its commands and registers them.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="tiegraph",
    help="Typed, dated, sourced defence-cooperation ties: validate, report, export, Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

#: command modules, in the order their commands appear in --help
COMMAND_MODULES = ("commands.core", "commands.export", "commands.thesis", "commands.imports",
                   "commands.neo4j", "commands.store")

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as exc:
        if exc.name != _name:  # a real missing dependency inside the module: surface it
            raise
        continue
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
