"""Connecting to Neo4j, and turning every driver failure into one ``StoreError`` line.

A user who mistypes a port, a password or a database name should read one
``Error: …`` line within seconds, naming the URI, the database or the Cypher
file, not wait 30 s for retries and then read a traceback.  So the driver is
opened with short timeouts, connectivity and the database are checked before
any work starts, and ``translate_errors`` maps the driver's exceptions.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiegraph.model.errors import StoreError

if TYPE_CHECKING:  # the driver is imported lazily: commands that never connect start faster
    from neo4j import Driver

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
#: seconds: TCP connect, waiting for a pooled connection, retrying a managed transaction
CONNECTION_TIMEOUT = 5.0
ACQUISITION_TIMEOUT = 5.0
RETRY_TIME = 10.0
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

# The driver logs server notifications (and connection failures) through ``logging``; with
# no handler configured Python would print them to stderr next to our one-line errors.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
logging.getLogger("neo4j").propagate = False


@dataclass(frozen=True)
class Connection:
    """Where and as whom to connect; ``from_env`` fills gaps from NEO4J_* variables."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str | None = None
    database: str = DEFAULT_DATABASE

    @classmethod
    def from_env(cls, uri: str | None = None, user: str | None = None, password: str | None = None,
                 database: str | None = None) -> Connection:
        """Explicit values win, then NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE."""
        return cls(
            uri=uri or os.environ.get("NEO4J_URI") or DEFAULT_URI,
            user=user or os.environ.get("NEO4J_USER") or DEFAULT_USER,
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD"),
            database=database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
        )

    @property
    def where(self) -> str:
        return f"Neo4j at {self.uri}"


def find_connection(uri: str | None, user: str | None, password: str | None, database: str | None,
                    workdir: Path) -> tuple[Connection, str | None]:
    """Where a command connects: ``uri`` or $NEO4J_URI if given, else the local server of ``workdir``.

    Returns the connection and, for the local server, the line to tell the user which one it
    is (``None`` otherwise).  The local server is the one ``tiegraph neo4j start`` runs there:
    its URI, user and password come from the state file the start wrote (the password it was
    initialised with; NEO4J_USER and NEO4J_PASSWORD belong to the server NEO4J_URI names),
    so after a start no variable is needed, whatever ports it got.  With no URI and no server
    running there, a ``StoreError`` says so and how to start one.
    """
    if uri or os.environ.get("NEO4J_URI"):
        return Connection.from_env(uri, user, password, database), None
    from tiegraph.store import server  # only here: the variables' path does not need it

    state = server.saved_state(workdir)
    if server.running_pid(workdir) is None or not state.get("bolt_uri"):
        raise StoreError(f"no Neo4j server runs in {workdir}: start one with 'tiegraph neo4j start' "
                         "(or set NEO4J_URI, or give --uri, for another server)")
    conn = Connection(uri=state["bolt_uri"], user=user or state.get("user") or DEFAULT_USER,
                      password=password if password is not None else state.get("password"),
                      database=database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE)
    return conn, f"Using Neo4j at {conn.uri} (the local server in {workdir})"


def _first_line(text: object) -> str:
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    return lines[0] if lines else ""


_POSITION = re.compile(r"\(line (\d+), column (\d+)")
_MISSING = re.compile(r"Expected parameter\(s\): (.+)")


def describe_neo4j_error(exc: Exception, conn: Connection, label: str | None = None) -> str:
    """One line for a driver exception; ``label`` names the Cypher file being run, if any."""
    from neo4j import exceptions as ne

    code = getattr(exc, "code", None) or ""
    message = _first_line(getattr(exc, "message", None) or exc)
    where = f"{label}: " if label else ""
    if isinstance(exc, ne.AuthError) or code.startswith("Neo.ClientError.Security.Unauthorized"):
        return (f"{conn.where} refused user '{conn.user}': wrong user name or password "
                "(set NEO4J_USER / NEO4J_PASSWORD)")
    if isinstance(exc, ne.ConnectionAcquisitionTimeoutError):
        return f"timed out connecting to {conn.where} (is it running? 'tiegraph neo4j status')"
    if isinstance(exc, (ne.ServiceUnavailable, ne.SessionExpired)):
        return (f"cannot reach {conn.where} (is it running? start it with 'tiegraph neo4j start', "
                "or set NEO4J_URI / --uri)")
    if code == "Neo.ClientError.Database.DatabaseNotFound" or "DatabaseNotFound" in code:
        return (f"database '{conn.database}' does not exist on {conn.where} "
                "(community edition has only 'neo4j'; set --database or NEO4J_DATABASE)")
    if isinstance(exc, ne.DatabaseUnavailable):
        return f"database '{conn.database}' on {conn.where} is unavailable: {message}"
    if code == "Neo.ClientError.Statement.ParameterMissing":
        match = _MISSING.search(message)
        names = [n.strip() for n in match.group(1).split(",")] if match else []
        hint = " ".join(f"--param {n}=VALUE" for n in names) or "--param NAME=VALUE"
        shown = ", ".join(f"${n}" for n in names) or message
        return f"{where}missing parameter {shown} (give {hint})"
    if isinstance(exc, ne.CypherSyntaxError) or code == "Neo.ClientError.Statement.SyntaxError":
        pos = _POSITION.search(str(getattr(exc, "message", "") or exc))
        at = f" at line {pos.group(1)}, column {pos.group(2)}" if pos else ""
        return f"{where}Cypher syntax error{at}: {message}"
    if code == "Neo.ClientError.Statement.AccessMode" or isinstance(exc, ne.ForbiddenOnReadOnlyDatabase):
        return f"{where}the query writes, but runs read-only (add --write if that is intended)"
    if isinstance(exc, ne.Neo4jError):
        return f"{where}{conn.where} refused the request ({code or type(exc).__name__}): {message}"
    if isinstance(exc, ne.ConfigurationError):
        return f"invalid Neo4j connection settings for '{conn.uri}': {message}"
    if isinstance(exc, ne.DriverError):
        return f"{where}Neo4j driver error talking to {conn.where}: {message}"
    return f"{where}{message}"


@contextmanager
def translate_errors(conn: Connection, label: str | None = None) -> Iterator[None]:
    """Re-raise driver errors (and socket errors) as one-line ``StoreError``."""
    from neo4j import exceptions as ne

    try:
        yield
    except (ne.Neo4jError, ne.DriverError) as exc:
        raise StoreError(describe_neo4j_error(exc, conn, label)) from None
    except OSError as exc:
        raise StoreError(f"cannot reach {conn.where}: {exc.strerror or exc}") from None


def make_driver(conn: Connection, *, notifications: bool = False) -> Driver:
    """A driver with short timeouts; raises ``StoreError`` for a malformed URI.

    ``notifications`` asks the server for warnings (used by ``tiegraph query`` to
    report e.g. an unknown property name); the loader leaves them off.
    """
    from neo4j import GraphDatabase

    scheme = conn.uri.partition("://")[0].lower() if "://" in conn.uri else ""
    if scheme not in BOLT_SCHEMES:
        hint = " (that is the Browser's HTTP address; Bolt listens on port 7687)" if scheme.startswith("http") else ""
        raise StoreError(f"invalid Neo4j URI '{conn.uri}': use bolt://HOST:7687 or neo4j://HOST:7687{hint}")
    port = conn.uri.partition("://")[2].split("/")[0].rpartition("]")[2].rpartition(":")
    if port[1] and not port[2].isdigit():
        raise StoreError(f"invalid Neo4j URI '{conn.uri}': port '{port[2]}' is not a number")
    auth = (conn.user, conn.password) if conn.password is not None else (conn.user, "")
    config: dict[str, Any] = {
        "connection_timeout": CONNECTION_TIMEOUT,
        "connection_acquisition_timeout": ACQUISITION_TIMEOUT,
        "max_transaction_retry_time": RETRY_TIME,
        "notifications_min_severity": "WARNING" if notifications else "OFF",
    }
    from neo4j.exceptions import ConfigurationError

    try:
        return GraphDatabase.driver(conn.uri, auth=auth, **config)
    except (ValueError, ConfigurationError) as exc:  # bad port / URI syntax
        raise StoreError(f"invalid Neo4j URI '{conn.uri}': {_first_line(exc)} "
                         "(use e.g. bolt://localhost:7687)") from None


@contextmanager
def open_driver(conn: Connection, *, notifications: bool = False) -> Iterator[Driver]:
    """A checked driver: the server answers, the credentials work, the database exists.

    Checking up front means a wrong setting fails in a few seconds with one
    line, before a progress bar starts or a transaction is retried.
    """
    driver = make_driver(conn, notifications=notifications)
    try:
        try:
            with translate_errors(conn):
                driver.verify_connectivity()
                with driver.session(database=conn.database) as session:
                    session.run("RETURN 1").consume()
        except ValueError as exc:  # the driver reports an unresolvable address as ValueError
            raise StoreError(f"cannot reach {conn.where}: {_first_line(exc)}") from None
        yield driver
    finally:
        driver.close()
