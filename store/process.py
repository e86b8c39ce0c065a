"""The local server's process and its files: pid, liveness, signals, ports and ``state.json``.

Why a module of its own: ``store.server`` decides *what* to start and when; this
module answers the low-level questions it asks on the way (is that pid still our
JVM? is this port free? what did the last start record?), each small enough to
read alone, and none of them knows about Neo4j's configuration or Browser.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

from tiegraph.model.errors import StoreError
from tiegraph.store.jvm import ENTRY_POINT

#: servers this process started, reaped when they exit (else they linger as zombies)
children: dict[int, subprocess.Popen[bytes]] = {}


def read_pid(workdir: Path) -> int | None:
    """The pid recorded in ``workdir/neo4j.pid``, alive or not."""
    try:
        return int((workdir / "neo4j.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def alive(pid: int, workdir: Path) -> bool:
    """True while ``pid`` is this work directory's server (not a zombie, not a recycled pid)."""
    child = children.get(pid)
    if child is not None and child.poll() is not None:
        del children[pid]  # reaped: our own child has exited
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    proc = Path(f"/proc/{pid}")
    if proc.is_dir():  # Linux: check it is really our JVM and not a zombie
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return False
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
        return ENTRY_POINT in cmdline and f"--home-dir={workdir}\0" in cmdline
    return True


def terminate(pid: int, workdir: Path, timeout: float) -> None:
    """SIGTERM the server's process group, then SIGKILL it if still alive after ``timeout`` s."""
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while alive(pid, workdir) and time.monotonic() < deadline:
        time.sleep(0.2)
    if alive(pid, workdir):
        _signal(pid, signal.SIGKILL)
        while alive(pid, workdir):
            time.sleep(0.1)


def _signal(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)  # the server leads its own process group (start_new_session)
    except (ProcessLookupError, PermissionError):
        with suppress(ProcessLookupError):
            os.kill(pid, sig)


def pick_port(wanted: int | None, previous: int | None, avoid: int | None = None) -> int:
    """``wanted`` if free (else an error), else the previous port if still free, else a free one."""
    if wanted is not None:
        if not port_free(wanted):
            raise StoreError(f"port {wanted} on 127.0.0.1 is already in use")
        return wanted
    if previous and previous != avoid and port_free(previous):
        return int(previous)
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port != avoid:
            return port


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Neo4j binds: TIME_WAIT is no obstacle
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def read_state(workdir: Path) -> dict[str, Any]:
    """state.json of ``workdir`` (URLs, ports, user, password, pid, heap, page cache); {} if none."""
    try:
        return json.loads((workdir / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(workdir: Path, state: dict[str, Any]) -> None:
    """Atomically, readable by the owner only: it holds the password."""
    tmp = workdir / "state.json.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(state, out, indent=2)
        out.write("\n")
    tmp.replace(workdir / "state.json")
