"""One root exception; every message names the offending file, record, field and value.

The CLI catches ``TiegraphError`` and prints ``Error: <message>`` lines, so a
user never sees a traceback for bad input or an unreachable server.
"""

from __future__ import annotations

from dataclasses import dataclass


class TiegraphError(Exception):
    """Root of every error the tool reports to users."""


_ONE_LINE = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0"})


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
        return text.translate(_ONE_LINE)


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
