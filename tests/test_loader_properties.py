"""Property-based tests: arbitrary input never produces a traceback, only typed errors."""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiegraph.loaders.datadir import load_dataset
from tiegraph.model.dates import DateFormatError, PartialDate
from tiegraph.model.errors import DataValidationError

ACTORS = "- {id: TUR, kind: state, name: Türkiye}\n- {id: AZE, kind: state, name: Azerbaijan}\n"
FIELDS = ["id", "type", "participants", "from", "to", "start", "end", "status", "count", "title",
          "attributes", "sources", "conflicts", "note", "dataset", "colour"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=6,
)
records = st.dictionaries(st.sampled_from(FIELDS), json_values | st.sampled_from(
    ["TUR", "AZE", ["TUR", "AZE"], "2021", "2021-02-30", "alliance_treaty", "arms_transfer", "signed",
     [{"document": "d", "locator": "l"}]]), max_size=10)


def load_text(name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "ties").mkdir()
        (root / "actors.yaml").write_text(ACTORS, encoding="utf-8")
        (root / "ties" / name).write_bytes(content)
        try:
            load_dataset(root)
        except DataValidationError as exc:
            assert exc.problems and all("\n" not in str(p) for p in exc.problems)


# modest sizes keep the suite fast (this test took 9 s with 300 examples of up to 12 leaves); the
# corpus in tests/bad_inputs pins the hostile cases one by one
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, max_size=4))
def test_arbitrary_json_records_never_crash(rows):
    load_text("x.jsonl", "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_yaml_never_crash(content):
    load_text("x.yaml", content)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=string.printable + "çşğüöı:-[]{}'\"", max_size=300))
def test_arbitrary_text_as_yaml_never_crash(content):
    load_text("x.yaml", content.encode("utf-8"))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=14))
def test_dates_parse_or_raise_a_named_error(text):
    try:
        date = PartialDate.parse(text)
    except DateFormatError as exc:
        assert text.strip() in str(exc) or "out of range" in str(exc)
    else:
        assert PartialDate.parse(date.iso) == date


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="\x00\x1b\x7f\x85\ud800\\\"&*[]{}:- ae0x\n", max_size=60))
def test_hostile_characters_in_a_title_give_one_line_or_load(text):
    """Controls, escapes, surrogates, alias and flow characters inside a YAML title: never a crash."""
    record = ("- id: t\n  type: alliance_treaty\n  participants: [TUR, AZE]\n  status: signed\n"
              "  sources: [{document: d, locator: l}]\n  title: ")
    load_text("x.yaml", (record + text).encode("utf-8", errors="surrogatepass"))
