"""Read raw records (mappings with their line numbers) from YAML and JSON Lines files.

YAML is composed with libyaml's C parser and converted by hand, so every record
and every key keeps its line, and scalars keep the text as written: "2021" stays
"2021" (never a ``datetime.date``), which is how dates keep their precision.
"""

from __future__ import annotations

import json
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


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.style:  # quoted or block scalar: always text (plain is None or "")
        return node.value
    tag = node.tag
    if tag == _NULL_TAG:
        return None
    if tag == _BOOL_TAG:
        return node.value.lower() in ("true", "yes", "on")
    if tag == _INT_TAG:
        try:
            return int(node.value.replace("_", ""), 0)
        except ValueError:
            return node.value
    if tag == _FLOAT_TAG:
        try:
            return float(node.value)
        except ValueError:
            return node.value
    return node.value  # str, timestamps (kept as written) and anything else


def _value(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_value(n) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(_value(k)): _value(v) for k, v in node.value}
    return None  # pragma: no cover


def _read_text(path: Path, label: str) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise FileProblem(Problem(label, line, None, None,
                                  "not valid UTF-8 (save the file as UTF-8)")) from None
    except OSError as exc:
        raise FileProblem(Problem(label, None, None, None, f"cannot read: {exc.strerror}")) from None


def read_yaml_records(path: Path, label: str | None = None) -> Iterator[RawRecord]:
    """Yield each mapping of a YAML file whose top level is a list."""
    label = label or str(path)
    text = _read_text(path, label)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
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
            key = str(_value(key_node))
            if key in data:
                raise FileProblem(Problem(label, key_node.start_mark.line + 1, None, key,
                                          "key given twice in one record"))
            data[key] = _value(value_node)
            key_lines[key] = key_node.start_mark.line + 1
        yield RawRecord(label, line, data, key_lines)


def read_jsonl_records(path: Path, label: str | None = None) -> Iterator[RawRecord]:
    """Yield each JSON object of a JSON Lines file, streaming (blank lines are skipped)."""
    label = label or str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise FileProblem(Problem(label, None, None, None, f"cannot read: {exc.strerror}")) from None
    seen_any = False
    with handle:
        for number, raw_line in enumerate(handle, start=1):
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError:
                raise FileProblem(Problem(label, number, None, None,
                                          "not valid UTF-8 (save the file as UTF-8)")) from None
            if not line.strip():
                continue
            seen_any = True
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise FileProblem(Problem(label, number, None, None, f"invalid JSON: {exc.msg}")) from None
            if not isinstance(data, dict):
                raise FileProblem(Problem(label, number, None, None, "line is not a JSON object"))
            yield RawRecord(label, number, data, {})
    if not seen_any:
        raise FileProblem(Problem(label, None, None, None,
                                  "file is empty (expected one JSON object per line)"))


def read_records(path: Path, label: str | None = None) -> Iterator[RawRecord]:
    if path.suffix == ".jsonl":
        return read_jsonl_records(path, label)
    return read_yaml_records(path, label)
