"""Read raw records (mappings with their line numbers) from YAML and JSON Lines files.

YAML is composed with libyaml's C parser and converted by hand, so every record
and every key keeps its line, and scalars keep the text as written: "2021" stays
"2021" (never a ``datetime.date``), which is how dates keep their precision.

The reader is also the first line against hostile files, each refused with one
line naming the file, line and (where there is one) field, in bounded time and
memory: YAML aliases (a "billion laughs" file), nesting deeper than
``MAX_DEPTH``, a key given twice in any mapping, control characters and lone
surrogates in any text, and numbers written in YAML 1.1's other bases.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tiegraph.model.errors import Problem

try:  # libyaml is ~10x faster; fall back to the pure-Python parser
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass
class RawRecord:
    """One mapping read from a file, with the line of the record and of each key."""

    file: str
    line: int
    data: dict[str, Any]
    key_lines: dict[str, int]

    def line_of(self, field: str) -> int:
        return self.key_lines.get(field, self.line)


class FileProblem(Exception):
    """A file that cannot be read at all (syntax, encoding); carries one Problem."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


#: a plain YAML integer as the format reads it: decimal digits only, no leading zero.  YAML 1.1 also reads
#: ``0x7E5``, ``0o3745``, ``2_021`` and ``33:41`` as numbers; here they stay text, so a date or a
#: count is only ever read from the forms data/FORMAT.md defines ("0x7E5" is not 2021).
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")  # "007" stays text, as written (YAML 1.1: octal 7)
#: characters no text field may hold: C0 controls but tab, line feed and carriage return, DEL,
#: C1 controls, lone surrogates and the two non-characters XML 1.0 forbids.  GraphML, GEXF, the
#: HTML report and Neo4j all fail on them, so they are refused where the data is read.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: records are shallow (a tie's deepest value is conflicts -> readings -> value, 5 levels)
MAX_DEPTH = 16


def _char_problem(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"lone surrogate U+{code:04X} is not valid Unicode"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(code) or ("C1 control" if code >= 0x80 else "C0 control")
    return f"control character U+{code:04X} ({name}) is not allowed in text"


_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BACKSPACE", 0x0B: "VT", 0x0C: "FORM FEED", 0x1B: "ESC", 0x7F: "DEL"}


class _Refused(Exception):
    """A value the reader refuses inside a record: (line, message); the field is added on the way up."""

    def __init__(self, line: int | None, message: str, field: str | None = None):
        self.line, self.message, self.field = line, message, field
        super().__init__(message)


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.style:  # quoted or block scalar: always text (plain is None or "")
        if node.style == '"':  # escapes (\e, \0, \x1b) can make any character
            bad = _FORBIDDEN.search(node.value)
            if bad:
                raise _Refused(node.start_mark.line + 1, _char_problem(bad.group()))
        return node.value
    tag = node.tag
    if tag == _NULL_TAG:
        return None
    if tag == _BOOL_TAG:
        return node.value.lower() in ("true", "yes", "on")
    if tag == _INT_TAG:
        return int(node.value) if _DECIMAL.fullmatch(node.value) else node.value
    if tag == _FLOAT_TAG:
        try:
            return float(node.value)
        except ValueError:
            return node.value
    return node.value  # str, timestamps (kept as written) and anything else


def _value(node: yaml.Node, depth: int = 1) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if depth > MAX_DEPTH:
        raise _Refused(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, yaml.SequenceNode):
        return [_value(n, depth + 1) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_value(key_node, depth + 1))
            if key in out:
                raise _Refused(key_node.start_mark.line + 1, f"key '{key}' given twice in one mapping")
            out[key] = _value(value_node, depth + 1)
        return out
    return None  # pragma: no cover


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _key_on_line(text: str, line: int) -> str | None:
    """The mapping key a line starts with (``  title: …`` -> title), to name the field of a raw problem."""
    found = re.match(r"\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:", text.split("\n", line)[line - 1])
    return found.group(1) if found else None


#: how much of a file ``is_blank`` holds in memory at once
BLANK_CHUNK = 1 << 20


def is_blank(path: Path) -> bool:
    """True when the file holds nothing but ASCII white space, read a chunk at a time.

    Why: a file of 500 MB of spaces must be called empty without holding it (and its
    decoded text) in memory; a file with content stops at its first chunk.
    """
    with path.open("rb") as handle:
        while block := handle.read(BLANK_CHUNK):
            if block.strip():
                return False
    return True


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32 (BOM)"), (b"\x00\x00\xfe\xff", "UTF-32 (BOM)"),
         (b"\xff\xfe", "UTF-16 (BOM)"), (b"\xfe\xff", "UTF-16 (BOM)"))


def other_unicode(head: bytes) -> str | None:
    """The Unicode encoding other than UTF-8 that a file starting with ``head`` is in, or None.

    A BOM decides; without one, UTF-16 text of mostly ASCII has a NUL in every
    other byte (which UTF-8 decoding would accept, to fail later on a 'NUL character').
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:4096]
    for half in (sample[0::2], sample[1::2]):
        if len(half) >= 8 and half.count(0) >= 0.9 * len(half):
            return NO_BOM_UTF16
    return None


NO_BOM_UTF16 = "UTF-16 (no BOM: every other byte is NUL)"


def encoding_problem(label: str, head: bytes) -> Problem | None:
    """``FILE: file is UTF-16 (BOM): save it as UTF-8`` for a file in another Unicode encoding."""
    name = other_unicode(head)
    return None if name is None else Problem(label, None, None, None, f"file is {name}: save it as UTF-8")


def _read_bytes(path: Path, label: str, empty: str) -> bytes:
    """The file's bytes; a file of white space only is ``empty`` (found without reading it whole)."""
    try:
        if is_blank(path):
            raise FileProblem(Problem(label, None, None, None, empty))
        return path.read_bytes()
    except IsADirectoryError:
        raise FileProblem(Problem(label, None, None, None, "is a directory, not a data file")) from None
    except OSError as exc:
        raise FileProblem(Problem(label, None, None, None, f"cannot read: {exc.strerror}")) from None


def _read_text(path: Path, label: str) -> str:
    data = _read_bytes(path, label, "file is empty (expected a list of records)")
    other = encoding_problem(label, data[:4096])
    if other is not None:
        raise FileProblem(other)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem(Problem(label, data.count(b"\n", 0, exc.start) + 1, None, None,
                                  "not valid UTF-8 (save the file as UTF-8)")) from None
    bad = _FORBIDDEN.search(text)
    if bad:  # a raw NUL, ESC, … in the file itself: libyaml would name only a byte position
        line = _line_at(text, bad.start())
        raise FileProblem(Problem(label, line, None, _key_on_line(text, line), _char_problem(bad.group())))
    return text


def _no_aliases(text: str, label: str) -> None:
    """Refuse YAML aliases (``*name``): expanding them is how a small file becomes gigabytes.

    Only a text holding ``*`` can have one, so other files cost nothing more.
    """
    if "*" not in text:
        return
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                raise FileProblem(Problem(label, line, None, None,
                                          f"YAML alias '*{event.anchor}' is not supported (write the value out)"))
    except yaml.YAMLError:
        return  # compose reports the syntax error with its line


def _yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int | None, str]:
    mark = getattr(exc, "problem_mark", None)
    if mark is None and isinstance(exc, yaml.reader.ReaderError):
        return _line_at(text, exc.position), exc.reason
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return (mark.line + 1 if mark else None), reason


def read_yaml_records(path: Path, label: str | None = None) -> Iterator[RawRecord]:
    """Yield each mapping of a YAML file whose top level is a list."""
    label = label or str(path)
    text = _read_text(path, label)
    _no_aliases(text, label)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, reason = _yaml_error(exc, text)
        raise FileProblem(Problem(label, line, None, None, f"invalid YAML: {reason}")) from None
    if root is None:
        raise FileProblem(Problem(label, None, None, None, "file is empty (expected a list of records)"))
    if not isinstance(root, yaml.SequenceNode):
        raise FileProblem(Problem(label, root.start_mark.line + 1, None, None,
                                  "top level must be a list of records ('- id: ...')"))
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise FileProblem(Problem(label, line, None, None, "record is not a mapping"))
        data: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in item.value:
            try:
                key = str(_value(key_node))
                if key in data:
                    raise FileProblem(Problem(label, key_node.start_mark.line + 1, None, key,
                                              "key given twice in one record"))
                data[key] = _value(value_node, 2)
            except _Refused as exc:
                raise FileProblem(Problem(label, exc.line, None, key_node.value, exc.message)) from None
            key_lines[key] = key_node.start_mark.line + 1
        yield RawRecord(label, line, data, key_lines)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: a JSON object naming one key twice is an error, not last-wins."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _Refused(None, f"key '{key}' given twice in one object")
    return out


def _duplicate_field(line: str) -> str | None:
    """The top-level key under which a JSON line repeats a key (only called once that is known)."""
    def repeats(value: Any) -> bool:
        if isinstance(value, tuple):
            keys = [k for k, _ in value[1]]
            return len(set(keys)) != len(keys) or any(repeats(v) for _, v in value[1])
        return isinstance(value, list) and any(repeats(v) for v in value)

    tree = json.loads(line, object_pairs_hook=lambda pairs: ("object", pairs))
    if isinstance(tree, tuple) and not repeats([v for _, v in tree[1]]):
        return None  # the repeat is among the record's own keys
    return next((k for k, v in tree[1] if repeats(v)), None) if isinstance(tree, tuple) else None


def _depth(value: Any, depth: int = 1) -> bool:
    """True when ``value`` nests no deeper than MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_depth(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_depth(v, depth + 1) for v in value)
    return True


def _bad_text(value: Any) -> str | None:
    """The problem with the first forbidden character in ``value``'s keys or text, else None."""
    if isinstance(value, str):
        bad = _FORBIDDEN.search(value)
        return _char_problem(bad.group()) if bad else None
    if isinstance(value, dict):
        return next((p for k, v in value.items() for p in (_bad_text(k), _bad_text(v)) if p), None)
    if isinstance(value, list):
        return next((p for v in value if (p := _bad_text(v))), None)
    return None


def _json_record(line: str, number: int, label: str) -> dict[str, Any]:
    try:
        data = json.loads(line, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise FileProblem(Problem(label, number, None, None, f"invalid JSON: {exc.msg}")) from None
    except RecursionError:
        raise FileProblem(Problem(label, number, None, None,
                                  f"nested more than {MAX_DEPTH} levels deep")) from None
    except _Refused as exc:
        raise FileProblem(Problem(label, number, None, _duplicate_field(line), exc.message)) from None
    if not isinstance(data, dict):
        raise FileProblem(Problem(label, number, None, None, "line is not a JSON object"))
    # escapes (\u001b, \ud800) and raw C1 characters only: JSON itself refuses raw C0 controls
    suspect = "\\" in line or not line.isascii()
    for key, value in data.items():
        if not _depth(value, 2):
            raise FileProblem(Problem(label, number, None, key, f"nested more than {MAX_DEPTH} levels deep"))
        problem = (_bad_text(key) or _bad_text(value)) if suspect else None
        if problem:
            raise FileProblem(Problem(label, number, None, key, problem))
    return data


def read_jsonl_records(path: Path, label: str | None = None) -> Iterator[RawRecord]:
    """Yield each JSON object of a JSON Lines file, streaming (blank lines are skipped)."""
    label = label or str(path)
    empty = "file is empty (expected one JSON object per line)"
    try:
        blank = is_blank(path)
        handle = path.open("rb")
    except IsADirectoryError:
        raise FileProblem(Problem(label, None, None, None, "is a directory, not a data file")) from None
    except OSError as exc:
        raise FileProblem(Problem(label, None, None, None, f"cannot read: {exc.strerror}")) from None
    seen_any = False
    with handle:
        if blank:  # one 500 MB line of spaces would otherwise be read as one line
            raise FileProblem(Problem(label, None, None, None, empty))
        other = encoding_problem(label, handle.read(4096))
        if other is not None:
            raise FileProblem(other)
        handle.seek(0)
        for number, raw_line in enumerate(handle, start=1):
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                raise FileProblem(Problem(label, number, None, None,
                                          "not valid UTF-8 (save the file as UTF-8)")) from None
            if not line.strip():
                continue
            seen_any = True
            yield RawRecord(label, number, _json_record(line, number, label), {})
    if not seen_any:
        raise FileProblem(Problem(label, None, None, None, empty))


def read_records(path: Path, label: str | None = None) -> Iterator[RawRecord]:
    if path.suffix == ".jsonl":
        return read_jsonl_records(path, label)
    return read_yaml_records(path, label)
