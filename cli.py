"""The ``tiegraph`` command: one typer app assembled from the command modules under ``commands/``.

Each module owns its commands and registers them; they are listed here explicitly, so a module
that fails to import fails the whole command loudly instead of silently losing its commands.

Command-line misuse (an unknown option, a missing argument, a value that is not
one of the choices or out of range) is one ``Error: …`` line naming the command
and how to get its help, exit code 2 -- not click's usage box (``UsageErrors``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from tiegraph.commands import core, export, extract, imports, neo4j, overlaps, store, thesis
from tiegraph.model.errors import one_line


class UsageErrors(TyperGroup):
    """The root command group: renders a usage error as one ``Error:`` line (exit code 2)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        call = {"args": args, "prog_name": prog_name, "complete_var": complete_var,
                "windows_expand_args": windows_expand_args, **extra}
        if not standalone_mode:
            return super().main(**call, standalone_mode=False)
        try:
            # not standalone, typer returns the code of a typer.Exit (handle_errors' exit 1) instead of
            # raising it; the commands themselves return None
            code = super().main(**call, standalone_mode=False)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("Error: aborted", err=True)
            sys.exit(1)
        except NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(0)
        except UsageError as exc:
            typer.echo(f"Error: {usage_line(exc)}", err=True)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            typer.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


def usage_line(exc: Any) -> str:
    """``tiegraph export gexf: No such option: --bogus (see 'tiegraph export gexf --help')``, one line
    (bidi, zero-width and control characters of what was typed escaped, as in every Error: line)."""
    message = one_line(" ".join(exc.format_message().split()))
    ctx = exc.ctx
    if ctx is None:
        return message
    return f"{ctx.command_path}: {message} (see '{ctx.command_path} --help')"


app = typer.Typer(
    cls=UsageErrors,
    name="tiegraph",
    help="Typed, dated, sourced defence-cooperation ties: validate, report, export, Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

#: command modules, in the order their commands appear in --help
COMMAND_MODULES = (core, export, thesis, imports, overlaps, extract, neo4j, store)

for _module in COMMAND_MODULES:
    _module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
