"""Output files that are checked before any work starts and never left half-written.

Why one module: every command that writes (``export``, ``report --html/--plots``,
``thesis --out``) must refuse a bad output path with one ``Error:`` line *before*
it spends minutes computing, and must never leave a partial file behind, even
when it is killed.  So:

* ``check_output_file`` / ``check_output_dir`` look at the path only (nothing is
  created): a file name that is an existing directory (or a directory name that
  is a file), a name longer than the file system allows, a missing parent (a
  file's parent must exist; a directory is created with its missing parents,
  when the nearest existing one is a directory), and a place this process
  cannot write in -- found by creating and removing a probe file there, since
  ``os.access`` says yes to root even on a read-only file system.
* ``write_atomically`` / ``write_all_atomically`` write into temp files named
  ``.NAME.tiegraph-tmp-PID`` beside the targets and rename them into place only
  when every one is complete (so ``nodes.csv`` never appears without
  ``edges.csv``).
* SIGTERM (what ``kill``, a CI timeout or a container stop sends) unwinds like
  Ctrl-C (``sigterm_interrupts``), so the writers' cleanup runs and no temp file stays.
* A process killed mid-write (SIGKILL: no ``finally`` runs) leaves its temp file;
  ``sweep_stale`` removes the temp files of dead processes, and both checks run
  it on the directory they approve, so the next run cleans up.
* ``check_outputs`` checks all the outputs of one command together: two options
  naming the same place (``report --html X --plots X``) are refused before any work.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from tiegraph.model.errors import OptionValueError, UsageError

TEMP_MARK = ".tiegraph-tmp-"
_TEMP = re.compile(r"^\..*\.tiegraph-tmp-(\d+)(?:-\d+)?$")
#: the part of a long target name kept in its temp name, so the temp name fits the same limit
_KEEP = 120
Writer = Callable[[str], object]


#: characters that would break the one error line (a file name may hold a line break)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def shown(path: Path | str) -> str:
    """The path as an error line shows it: control characters escaped, a 5,000-character name cut."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
                        str(path))
    return text if len(text) <= 120 else f"{text[:60]}…{text[-20:]} ({len(text)} characters)"


def _name_max(directory: Path) -> int:
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def _nearest_existing(path: Path) -> Path:
    for candidate in path.parents:
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(path.anchor or ".")


def _check_names(path: Path, label: str) -> None:
    limit = _name_max(_nearest_existing(path))
    for part in path.parts:
        if len(os.fsencode(part)) > limit:
            raise UsageError(f"{label} '{shown(path)}': name too long ({len(os.fsencode(part))} bytes, "
                             f"the file system allows {limit})")
    if len(os.fsencode(str(path))) >= 4096:
        raise UsageError(f"{label} '{shown(path)}': path too long")


def _probe(directory: Path, label: str, path: Path) -> None:
    """Create and remove a file in ``directory``: the one test of writability that root cannot pass by fiat."""
    probe = directory / f".probe{TEMP_MARK}{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise UsageError(f"{label} '{shown(path)}': cannot write in '{shown(directory)}': "
                         f"{exc.strerror or exc}") from None
    os.close(fd)
    probe.unlink(missing_ok=True)


def _writable_ancestor(path: Path, label: str) -> Path:
    """The nearest existing ancestor of a path to be created: it must be a directory we can write in."""
    ancestor = _nearest_existing(path)
    if not ancestor.is_dir():
        raise UsageError(f"{label} '{shown(path)}': '{shown(ancestor)}' is not a directory")
    _probe(ancestor, label, path)
    return ancestor


def check_output_file(path: Path | str, label: str = "output file") -> Path:
    """Check that ``path`` can be written as a file (nothing is created); sweep stale temp files beside it.

    ``label`` names the option or argument in the error line, e.g. ``--html``.
    """
    path = Path(path)
    _check_names(path, label)
    if path.is_dir():
        raise UsageError(f"{label} '{shown(path)}': is a directory; give a file name")
    parent = path.parent
    if not parent.exists():
        raise UsageError(f"{label} '{shown(path)}': directory '{shown(parent)}' does not exist")
    if not parent.is_dir():
        raise UsageError(f"{label} '{shown(path)}': '{shown(parent)}' is not a directory")
    if path.exists() and not path.is_file():
        raise UsageError(f"{label} '{shown(path)}': exists and is not a regular file")
    _probe(parent, label, path)
    sweep_stale(parent)
    return path


def check_output_dir(path: Path | str, label: str = "output directory",
                     files: tuple[str, ...] = ()) -> Path:
    """Check that ``path`` is, or can be created as, a directory we can write ``files`` into.

    A missing directory is fine (the writer creates it and its missing parents);
    an existing *file* there, or a name in ``files`` that is a directory inside it, is not.
    """
    path = Path(path)
    _check_names(path, label)
    for name in files:
        _check_names(path / name, label)
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise UsageError(f"{label} '{shown(path)}': is a file, not a directory")
        for name in files:
            if (path / name).is_dir():
                raise UsageError(f"{label} '{shown(path)}': '{name}' in it is a directory")
        _probe(path, label, path)
        sweep_stale(path)
        return path
    _writable_ancestor(path, label)
    return path


Kind = Literal["file", "dir"]


def check_outputs(outputs: Sequence[tuple[Path | str | None, str, Kind]]) -> None:
    """Check every output of one command before any work: each on its own, then against each other.

    ``outputs`` holds ``(path, label, kind)``; a None path (option not given) is left out.  Two
    outputs clash when they are the same path or when a file would have to be a directory of
    the other (``--html X --plots X``, ``--html X --plots X/png``): the second would fail
    after the first was written.  A clash is misuse whatever is on disk (exit 2).
    """
    given = [(Path(p), label, kind) for p, label, kind in outputs if p is not None]
    for path, label, kind in given:
        if kind == "file":
            check_output_file(path, label)
        else:
            check_output_dir(path, label)
    for index, (path, label, kind) in enumerate(given):
        for other, other_label, other_kind in given[index + 1:]:
            a, b = Path(os.path.abspath(path)), Path(os.path.abspath(other))
            if a == b:
                raise OptionValueError(f"{label} '{shown(path)}' and {other_label} '{shown(other)}' are the same path; "
                                 "give each its own")
            for inner, outer in (((other, other_label, b), (path, label, a, kind)),
                                 ((path, label, a), (other, other_label, b, other_kind))):
                if outer[3] == "file" and outer[2] in inner[2].parents:
                    raise OptionValueError(f"{inner[1]} '{shown(inner[0])}' lies inside {outer[1]} "
                                           f"'{shown(outer[0])}', which is a file")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the process is, so it unwinds like Ctrl-C (cleanup runs, temp files go)."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` instead of ending the process on the spot.

    Why: a killed run must not leave ``.NAME.tiegraph-tmp-PID`` files; SIGINT already
    unwinds through ``write_all_atomically``'s cleanup, SIGTERM's default action skips
    it.  Only the main thread can set a handler; elsewhere nothing changes.  A handler
    someone else set (not the default) is kept.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, _raise_terminated):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep_stale(directory: Path | str) -> list[Path]:
    """Remove the temp files (and probes) in ``directory`` left by processes that no longer run."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match and not _alive(int(match.group(1))):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def temp_path(path: Path) -> Path:
    """A new temp file beside ``path``, created empty: ``.NAME.tiegraph-tmp-PID`` (``-N`` if taken)."""
    stem = path.name[:_KEEP]
    for n in range(1000):
        suffix = "" if n == 0 else f"-{n}"
        candidate = path.with_name(f".{stem}{TEMP_MARK}{os.getpid()}{suffix}")
        try:
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise OSError(errno.EEXIST, "no free temp file name", str(path))


def _permissions(tmp: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # a temp file is created 0600; the result gets normal permissions


def write_all_atomically(writers: Mapping[Path, Writer]) -> None:
    """Write every file through its own temp file, then rename them all: all files or none change.

    Each writer gets the temp file's name and fills it.  Missing parent
    directories are created.  On any failure (or KeyboardInterrupt) the temp
    files are removed and the targets are left as they were.
    """
    temps: dict[Path, Path] = {}
    created: list[Path] = []
    with sigterm_interrupts():
        try:
            for path, write in writers.items():
                created += _make_parents(path.parent)
                temps[path] = temp_path(path)
                write(str(temps[path]))
                _permissions(temps[path])
            for path, tmp in temps.items():
                os.replace(tmp, path)
        except BaseException:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
            for directory in reversed(created):  # nothing written: no new empty directory either
                try:
                    directory.rmdir()
                except OSError:
                    pass
            raise


def _make_parents(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; return the ones created, outermost first."""
    missing = [d for d in [directory, *directory.parents] if not d.exists()][::-1]
    directory.mkdir(parents=True, exist_ok=True)
    return missing


def write_atomically(path: Path | str, write: Writer) -> None:
    """Write one file via a temp file beside it and a rename: nothing half-written (see ``write_all_atomically``)."""
    write_all_atomically({Path(path): write})
