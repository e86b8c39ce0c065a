"""One root exception; every message names the offending file, record, field and value.

The CLI catches ``TiegraphError`` and prints ``Error: <message>`` lines, so a
user never sees a traceback for bad input or an unreachable server.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


class TiegraphError(Exception):
    """Root of every error the tool reports to users; ``exit_code`` is the CLI's (1: bad data)."""

    exit_code = 1


#: characters an error line shows as escapes: every control (Cc), format (Cf: the bidi overrides and
#: isolates, zero-width space and joiners, the BOM), line/paragraph separator and lone surrogate.
#: Printed raw they would break the one line, reorder it (U+202E turns '...txt.exe' around) or hide
#: the difference between two ids that look the same.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def one_line(text: str) -> str:
    """``text`` with every invisible or line-breaking character escaped (``\\n``, ``\\x00``, ``\\u202e``).

    Why here: every message reaches the terminal through this (``Problem`` and the
    CLI's ``Error:`` lines), so a value quoted from hostile data cannot change how
    the line reads.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _HIDDEN else c for c in text)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one record of one file."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(f"field '{self.field}'")
        text = ": ".join(parts) + f": {self.message}"
        # one problem, one line: values quoted from the data may contain line breaks
        return one_line(text)


class DataValidationError(TiegraphError):
    """The data failed validation; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ExternalFormatError(TiegraphError):
    """A third-party dataset file is not in the expected format; the message is one ``FILE:LINE: …`` line."""

    def __init__(self, file: str, line: int | None, field: str | None, message: str):
        self.problem = Problem(file, line, None, field, message)
        super().__init__(str(self.problem))


class StoreError(TiegraphError):
    """Neo4j could not be reached or refused the request."""


class UsageError(TiegraphError):
    """A command-line option or argument that cannot be honoured."""


class OptionValueError(UsageError):
    """A command-line value out of its range (``--alpha 0``, ``--from 2025 --to 2015``): misuse, exit 2.

    Like typer's own range checks (``--top 0``), which also exit 2; an output path that
    cannot be written stays a ``UsageError`` (exit 1), as the README says.
    """

    exit_code = 2
