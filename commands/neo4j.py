"""``tiegraph neo4j start|stop|status``: a local Neo4j 5.26 server without Docker.

The server runs from Maven Central jars (fetched once with ``mvn``, see
store/jvm.py) and keeps everything under one work directory, by default
``.tiegraph/neo4j`` in the current directory.  Its Browser opens the tiegraph
guide and style after login (store/browser.py) and sends nothing outside the
machine (store/server_config.py).  Docker users can run
``docker compose up -d`` with the repository's docker-compose.yml instead.
"""

from __future__ import annotations

import os
import secrets
import shlex
from pathlib import Path
from typing import Annotated

import typer

from tiegraph.commands.common import DEFAULT_WORKDIR, handle_errors
from tiegraph.store import server

WorkdirOpt = Annotated[Path, typer.Option(
    "--workdir", help="Directory for the server's config, data, logs and state.json.")]
PasswordOpt = Annotated[str | None, typer.Option(
    "--password", help="Password for user neo4j, at least 8 characters (default: $NEO4J_PASSWORD, else the "
                       "one saved in state.json by an earlier start, else a generated one). It is fixed at the "
                       "first start of a work directory.", show_default=False)]
BoltPortOpt = Annotated[int | None, typer.Option(
    "--bolt-port", min=1, max=65535, help="Bolt port on 127.0.0.1 (default: the last one used, else 7687 if free, "
                                          "else a free one).", show_default=False)]
HttpPortOpt = Annotated[int | None, typer.Option(
    "--http-port", min=1, max=65535, help="HTTP/Browser port on 127.0.0.1 (default: the last one used, else 7474 "
                                          "if free, else a free one).", show_default=False)]
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, help="Seconds to wait for the server to answer.")]
HeapOpt = Annotated[str | None, typer.Option(
    "--heap", help=f"JVM heap, e.g. 2g (default: $TIEGRAPH_NEO4J_HEAP or {server.DEFAULT_HEAP}); kept for later "
                   "restarts (tiegraph load --bulk).", show_default=False)]
PagecacheOpt = Annotated[str | None, typer.Option(
    "--pagecache", "--page-cache", help=f"Page cache, e.g. 1g (default: $TIEGRAPH_NEO4J_PAGECACHE or "
                                        f"{server.DEFAULT_PAGECACHE}); kept for later restarts.", show_default=False)]

neo4j_app = typer.Typer(
    name="neo4j", no_args_is_help=True,
    help="Run a local Neo4j 5.26 server from Maven Central jars (needs Java 17+ and, once, Maven).")


def _password(option: str | None, workdir: Path) -> str:
    """--password, then $NEO4J_PASSWORD, then the saved one, then a new one: a restart keeps working."""
    if option:
        return option
    if os.environ.get("NEO4J_PASSWORD"):
        return os.environ["NEO4J_PASSWORD"]
    return server.saved_password(workdir) or secrets.token_urlsafe(12)


def _describe(info: server.ServerInfo, workdir: Path, *, show_password: bool) -> None:
    typer.echo(f"Neo4j {server.NEO4J_VERSION} is running (pid {info.pid}, work directory {workdir})")
    typer.echo(f"  Bolt:     {info.bolt_uri}")
    typer.echo(f"  Browser:  {info.browser_url}  (after login: the tiegraph guide; :play tiegraph reopens it)")
    typer.echo(f"  User:     {info.user}")
    if show_password:
        typer.echo(f"  Password: {info.password}")
    else:
        typer.echo(f"  Password: (hidden: --show-password prints it; it is in {workdir / 'state.json'})")


@neo4j_app.command("start")
@handle_errors
def start(workdir: WorkdirOpt = DEFAULT_WORKDIR, password: PasswordOpt = None, bolt_port: BoltPortOpt = None,
          http_port: HttpPortOpt = None, timeout: TimeoutOpt = 120.0, heap: HeapOpt = None,
          pagecache: PagecacheOpt = None) -> None:
    """Start the local Neo4j server (or report the one already running) and print how to connect.

    The first start downloads the Neo4j jars with Maven (about 146 MB, into
    ~/.cache/tiegraph; set TIEGRAPH_NEO4J_HOME to put them elsewhere).
    The server listens on 127.0.0.1 only; its log is WORKDIR/logs/neo4j.log.

    tiegraph load, query and report --source neo4j use this server when run
    from the same directory (without NEO4J_URI): no variable to set.

    Example: tiegraph neo4j start --heap 2g --pagecache 1g
    """
    info = server.start(workdir, password=_password(password, workdir), bolt_port=bolt_port, http_port=http_port,
                        timeout=timeout, heap=heap, pagecache=pagecache, standard_ports=True)
    _describe(info, workdir, show_password=True)  # the one moment a generated password must be seen
    export = (f"export NEO4J_URI={shlex.quote(info.bolt_uri)} NEO4J_USER={shlex.quote(info.user)} "
              f"NEO4J_PASSWORD={shlex.quote(info.password)}")
    if workdir.expanduser().resolve() == DEFAULT_WORKDIR.resolve():
        typer.echo("\ntiegraph load, query and report --source neo4j use it from this directory.")
        typer.echo(f"From elsewhere, or for other tools: {export}")
    else:
        typer.echo(f"\nTo use it from tiegraph ('tiegraph load --workdir {workdir}' finds it too), "
                   f"paste into your shell:\n{export}")


@neo4j_app.command("stop")
@handle_errors
def stop(workdir: WorkdirOpt = DEFAULT_WORKDIR) -> None:
    """Stop the local Neo4j server; data and password stay in the work directory for the next start.

    Example: tiegraph neo4j stop
    """
    if server.stop(workdir):
        typer.echo(f"Neo4j stopped (work directory {workdir})")
    else:
        typer.echo(f"Neo4j was not running (work directory {workdir})")


ShowPasswordOpt = Annotated[bool, typer.Option(
    "--show-password", help="Print the password too (hidden by default: terminals get shared and logged).")]


@neo4j_app.command("status")
@handle_errors
def status(workdir: WorkdirOpt = DEFAULT_WORKDIR, show_password: ShowPasswordOpt = False) -> None:
    """Tell whether the local Neo4j server runs and answers; exit code 0 if it does, 1 if not.

    Example: tiegraph neo4j status --workdir .tiegraph/neo4j --show-password
    """
    info = server.status(workdir)
    if info is not None:
        _describe(info, workdir, show_password=show_password)
        return
    pid = server.running_pid(workdir)
    if pid is not None:
        typer.echo(f"Neo4j is starting or not answering (pid {pid}); see {workdir / 'logs' / 'neo4j.log'}")
    else:
        typer.echo(f"Neo4j is not running (work directory {workdir})")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``neo4j`` command group to the main app."""
    app.add_typer(neo4j_app, name="neo4j")
