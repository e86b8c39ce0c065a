"""Cypher text lives in ``cypher/*.cypher`` files, loaded by name; Python never builds Cypher.

Why files: the same text a user can paste into Neo4j Browser is what the tool
runs, values always travel as parameters (``$rows``, ``$actor``), never as
formatted strings, so a quote in a tie title can neither break nor inject a
statement.

``cypher/`` holds the saved read queries (the library users run with
``tiegraph query``) and ``schema.cypher``; ``cypher/store/`` holds the write and
read-back shapes the loader uses.

The one exception to "parameters only" is the relationship type (and the actor
label): Cypher cannot take them as parameters in a pattern that the planner
can index.  The write shapes therefore carry a placeholder token
(``{{REL_TYPE}}``, ``{{LABEL}}``) that ``with_relationship_type`` /
``with_label`` replace with a name looked up in the vocabulary table, never
with user text.  An unreplaced token is a Cypher syntax error, so a template
pasted into Browser fails instead of writing a bogus ``__TYPE__`` relationship.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from tiegraph.model.errors import StoreError, UsageError
from tiegraph.model.vocabulary import ACTOR_KINDS, TIE_TYPES

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"
STORE_DIR = CYPHER_DIR / "store"
SCHEMA_FILE = CYPHER_DIR / "schema.cypher"

REL_TYPE_TOKEN = "{{REL_TYPE}}"
LABEL_TOKEN = "{{LABEL}}"
TIE_LABEL_TOKEN = "{{TIE_LABEL}}"
TIE_TYPES_TOKEN = "{{TIE_TYPES}}"

#: actor kind -> the extra node label next to :Actor
KIND_LABELS: dict[str, str] = {"state": "State", "company": "Company", "organization": "Organization"}
assert set(KIND_LABELS) == set(ACTOR_KINDS), "every actor kind needs a node label"

#: Neo4j relationship type -> vocabulary name, the only types the store writes or reads
RELATIONSHIP_TYPES: dict[str, str] = {t.relationship: t.name for t in TIE_TYPES.values()}

#: vocabulary name -> the node label of a multilateral tie of that type (CamelCase, next to :Tie)
TIE_LABELS: dict[str, str] = {t.name: "".join(w.capitalize() for w in t.name.split("_"))
                              for t in TIE_TYPES.values()}
#: every label a tie node carries besides the type label
TIE_NODE_LABEL = "Tie"
#: one node per dataset: the years and tie types it covers (model.coverage)
COVERAGE_LABEL = "Coverage"
#: the label of a cross-dataset duplicate kept for the datasets' own rows (store.rows.duplicate_rows)
DUPLICATE_LABEL = "Duplicate"
#: actor -> multilateral tie node; ``position`` keeps the participants' order
PARTICIPATED_IN = "PARTICIPATED_IN"
#: ``A|B|…``: every vocabulary relationship type, for patterns that match any tie relationship
ANY_TIE_TYPE = "|".join(RELATIONSHIP_TYPES)

_IDENTIFIER = re.compile(r"^[A-Z][A-Za-z0-9_]*$")


@cache
def load_store_cypher(name: str) -> str:
    """The text of ``cypher/store/NAME.cypher`` (a file shipped with the tool)."""
    path = STORE_DIR / f"{name}.cypher"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:  # a broken installation, not a user error, but say which file
        raise StoreError(f"cannot read {path}: {exc.strerror}") from None


def read_query_file(path: Path | str) -> str:
    """Text of a saved query: a path, or a bare name looked up in the bundled ``cypher/``.

    ``tiegraph query ties_per_year`` and ``tiegraph query cypher/ties_per_year.cypher``
    both work, from any directory; a missing file is one clear error.
    """
    given = Path(path)
    candidates = [given]
    if not given.is_absolute():
        candidates.append(CYPHER_DIR.parent / given)  # "cypher/x.cypher" from any directory
    if not given.is_absolute() and given.parent == Path("."):
        candidates.append(CYPHER_DIR / given.name)
        if given.suffix != ".cypher":
            candidates.append(CYPHER_DIR / f"{given.name}.cypher")
    for candidate in candidates:
        if candidate.is_file():
            try:
                return candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                reason = getattr(exc, "strerror", None) or "not valid UTF-8"
                raise UsageError(f"cannot read Cypher file {candidate}: {reason}") from None
    raise UsageError(f"Cypher file not found: {path}"
                     + ("" if given.parent != Path(".") else f" (nor in {CYPHER_DIR})"))


def library_queries() -> list[Path]:
    """The saved read queries shipped in ``cypher/`` (everything but the schema)."""
    return sorted(p for p in CYPHER_DIR.glob("*.cypher") if p != SCHEMA_FILE)


def with_relationship_type(template: str, relationship: str) -> str:
    """Put a vocabulary relationship type into a write shape; refuse anything else."""
    if relationship not in RELATIONSHIP_TYPES or not _IDENTIFIER.match(relationship):
        raise ValueError(f"'{relationship}' is not a relationship type of the vocabulary")
    if REL_TYPE_TOKEN not in template:
        raise ValueError(f"template has no {REL_TYPE_TOKEN} placeholder")
    return template.replace(REL_TYPE_TOKEN, relationship)


def with_tie_label(template: str, label: str) -> str:
    """Put a multilateral tie's node label (``JointExercise``; ``TIE_LABELS``) into a write shape."""
    if label not in TIE_LABELS.values() or not _IDENTIFIER.match(label):
        raise ValueError(f"'{label}' is not a tie label of the vocabulary")
    if TIE_LABEL_TOKEN not in template:
        raise ValueError(f"template has no {TIE_LABEL_TOKEN} placeholder")
    return template.replace(TIE_LABEL_TOKEN, label)


def with_tie_types(template: str) -> str:
    """Put ``A|B|…`` (every vocabulary relationship type) where ``{{TIE_TYPES}}`` stands."""
    return template.replace(TIE_TYPES_TOKEN, ANY_TIE_TYPE)


def with_label(template: str, label: str) -> str:
    """Put an actor kind label (State, Company, Organization) into a write shape."""
    if label not in KIND_LABELS.values():
        raise ValueError(f"'{label}' is not an actor label ({', '.join(KIND_LABELS.values())})")
    if LABEL_TOKEN not in template:
        raise ValueError(f"template has no {LABEL_TOKEN} placeholder")
    return template.replace(LABEL_TOKEN, label)


def split_statements(text: str) -> list[str]:
    """Split a ``;``-separated Cypher file into statements, ignoring ``//`` comments.

    Quotes are respected, so a ``;`` inside a string literal does not split.
    Used for ``schema.cypher``: schema statements must each run in their own
    transaction (Neo4j refuses schema and data writes in one transaction).
    """
    statements: list[str] = []
    current: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            current.append(ch)
            if ch == "\\" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            current.append(ch)
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end == -1 else end
            continue
        elif ch == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    statements.append("".join(current))
    # comments are cut up to (not including) their newline and leading newlines are kept,
    # so a line number in a Neo4j error message is the line in the file
    return [s.rstrip() for s in statements if s.strip()]


_PARAM_LINE = re.compile(r"^[ \t]*:param[ \t]+(.*?)[ \t]*;?[ \t]*$", re.M)
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(.+)$")


def cypher_literal(text: str) -> Any:
    """A ``:param`` value as Browser reads it: 'text' or "text", a number, true/false/null, or a JSON list/map."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].replace("\\" + value[0], value[0])
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return json.loads(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a value this tool reads in a :param line "
                         "(use 'text', a number, true/false, null or a JSON list)") from None


def query_parts(text: str, label: str) -> tuple[str, dict[str, Any]]:
    """A saved query's one statement and the parameters its ``:param name => value;`` lines set.

    The ``:param`` lines make a file run as it is when pasted into Neo4j Browser
    (its multi-statement editor runs each ';'-terminated line first); this tool
    takes them out (blank lines keep Neo4j's line numbers right) and uses their
    values as defaults, which ``--param`` overrides.
    """
    params: dict[str, Any] = {}

    def take(match: re.Match[str]) -> str:
        parsed = _PARAM.match(match.group(1))
        if parsed is None:
            raise UsageError(f"{label}: ':param {match.group(1)}' must look like ':param name => value;'")
        try:
            params[parsed.group(1)] = cypher_literal(parsed.group(2))
        except ValueError as exc:
            raise UsageError(f"{label}: :param {parsed.group(1)}: {exc}") from None
        return ""

    return single_statement(_PARAM_LINE.sub(take, text), label), params


def single_statement(text: str, label: str) -> str:
    """The one statement of a saved query file, header comments removed.

    ``tiegraph query`` runs exactly one statement in one transaction; a file
    with several would be ambiguous (which result to print?), so it is refused.
    """
    statements = split_statements(text)
    if not statements:
        raise UsageError(f"{label}: no Cypher statement in the file (only comments?)")
    if len(statements) > 1:
        raise UsageError(f"{label}: holds {len(statements)} statements separated by ';' "
                         "(tiegraph query runs one statement per file)")
    return statements[0]
