"""Benchmark: how well and how fast ``tiegraph extract`` codes documents.

Five sets, scored the same way:

* **seeds**: the five seed articles (``../shared/seeds``) against the 75 hand-coded
  bundled ties.  The cue lexicons were written against these articles, so this is
  the training score, not a test;
* **sets A, B, C, D**: short excerpts of news reports and official releases
  (``tests/fixtures/extract/heldout``, ``heldout_b`` … with gold ties in ``gold``,
  ``gold_b`` …), each hand-coded and committed before the extractor was first run
  on it.  After the first run on A, B and C, rules were added from their failures,
  so those three are development sets now; ``SETS`` says which set is still held
  out (no rule changed since it was coded): its figure is the one that says how the
  extractor does on text it was not written against.

A gold tie is **recalled** when some candidate from one of the documents it cites
has the same type, the same participants (the same ordered pair for directed
types) and the same start year (or both are undated).  A candidate is **correct**
(precision) when it matches in that way some gold tie citing its document.  Rows
per tie type (recall by the gold tie's type, precision by the candidate's), then
overall.  Speed: words per second of reading, sentence splitting and extraction
(all documents, repeated, best of the runs), with the machine's load average.

    python -m bench.extract            # 20 repetitions for the speed figure
    python -m bench.extract --quick    # 3
    python -m bench.extract --misses   # also list every missed gold tie and wrong candidate
    python -m bench.extract --only d   # one set
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench._harness import REPO, parser

SEEDS = REPO.parent / "shared" / "seeds"
FIXTURES = REPO / "tests" / "fixtures" / "extract"
#: name -> (texts, gold, what the set is now); a set becomes "development" once a rule is changed after
#: its first run (the commits say when: BENCHMARKS.md section 7)
SETS: dict[str, tuple[str, str, str]] = {
    "a": ("heldout", "gold", "development since daf56c9"),
    "b": ("heldout_b", "gold_b", "development since 8fca13c"),
    "c": ("heldout_c", "gold_c", "development since acebdee"),
    "d": ("heldout_d", "gold_d", "held out: coded before any run, no rule changed since"),
}
#: document dates of the seeds, as data/CODING_NOTES.md gives them (--published for each)
SEED_DATES = {"000": "2023-12-08", "001": "2025", "002": "2025-10-14", "003": "2026-01", "004": "2024"}


def _key(tie_type: str, participants: Any, directed: bool, year: int | None) -> tuple[Any, ...]:
    return (tie_type, tuple(participants) if directed else frozenset(participants), year)


def _cand_key(record: dict[str, Any]) -> tuple[Any, ...]:
    from tiegraph.model.dates import PartialDate
    from tiegraph.model.vocabulary import TIE_TYPES

    directed = TIE_TYPES[record["type"]].directed
    who = (record["from"], record["to"]) if directed else record["participants"]
    year = PartialDate.parse(record["start"]).year if "start" in record else None
    return _key(record["type"], who, directed, year)


def run_set(files: list[Path], gold_ties: list[Any], published: dict[str, str]) -> dict[str, Any]:
    """Extract every file, then score against ``gold_ties`` (those citing the files)."""
    from tiegraph.extract.candidates import build_candidates
    from tiegraph.extract.gazetteer import build_gazetteer
    from tiegraph.extract.text import read_document
    from tiegraph.loaders.datadir import load_dataset
    from tiegraph.model.dates import PartialDate

    gaz = build_gazetteer(load_dataset())
    names = {f.name for f in files}
    gold = [t for t in gold_ties if any(s.document in names for s in t.sources)]
    found: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        date = published.get(path.name[:3])
        doc = read_document(path, PartialDate.parse(date) if date else None)
        found[path.name] = build_candidates(doc, gaz).ties
    gold_keys = {t.id: _key(t.type, t.participants, t.directed, t.year) for t in gold}
    gold_docs = {t.id: {s.document for s in t.sources} for t in gold}
    recalled = {t.id for t in gold if any(_cand_key(c) == gold_keys[t.id]
                                          for d in gold_docs[t.id] for c in found.get(d, []))}
    correct: list[tuple[str, dict[str, Any]]] = []
    wrong: list[tuple[str, dict[str, Any]]] = []
    for doc_name, records in found.items():
        keys = {gold_keys[t.id] for t in gold if doc_name in gold_docs[t.id]}
        for record in records:
            (correct if _cand_key(record) in keys else wrong).append((doc_name, record))
    return {"gold": gold, "recalled": recalled, "correct": correct, "wrong": wrong}


def rows(result: dict[str, Any]) -> list[tuple[str, int, int, int, int]]:
    """(type, gold, recalled, candidates, correct) per type, then 'overall'."""
    gold = Counter(t.type for t in result["gold"])
    hit = Counter(t.type for t in result["gold"] if t.id in result["recalled"])
    cands = Counter(r["type"] for _, r in result["correct"] + result["wrong"])
    right = Counter(r["type"] for _, r in result["correct"])
    out = [(k, gold[k], hit[k], cands[k], right[k]) for k in sorted(set(gold) | set(cands))]
    out.append(("overall", sum(gold.values()), sum(hit.values()), sum(cands.values()), sum(right.values())))
    return out


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "-"


def show(title: str, result: dict[str, Any], misses: bool) -> None:
    print(f"\n## {title}\n")
    print(f"{'type':32} {'gold':>5} {'recalled':>8} {'recall':>7} {'cands':>6} {'correct':>7} {'precision':>9}")
    for name, gold, hit, cands, right in rows(result):
        print(f"{name:32} {gold:5d} {hit:8d} {_ratio(hit, gold):>7} {cands:6d} {right:7d} {_ratio(right, cands):>9}")
    if misses:
        print("\nmissed gold ties:")
        for t in result["gold"]:
            if t.id not in result["recalled"]:
                print(f"  {t.id}: {t.type} {'->'.join(t.participants) if t.directed else ','.join(t.participants)}"
                      f" {t.start or 'undated'}")
        print("candidates matching no gold tie:")
        for doc, r in result["wrong"]:
            who = f"{r['from']}->{r['to']}" if "from" in r else ",".join(r["participants"])
            print(f"  {doc[:3]} {r['sources'][0]['locator']}: {r['type']} {who} {r.get('start', 'undated')}"
                  f" ({r['attributes']['rule']})")


def speed(files: list[Path], repeat: int) -> tuple[int, float]:
    """(words, best seconds) of reading and extracting every file."""
    from tiegraph.extract.candidates import build_candidates
    from tiegraph.extract.gazetteer import build_gazetteer
    from tiegraph.extract.text import read_document
    from tiegraph.loaders.datadir import load_dataset

    gaz = build_gazetteer(load_dataset())
    best = float("inf")
    words = 0
    for _ in range(repeat):
        words = 0
        began = time.perf_counter()
        for path in files:
            doc = read_document(path)
            words += doc.words
            build_candidates(doc, gaz)
        best = min(best, time.perf_counter() - began)
    return words, best


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--misses", action="store_true", help="list missed gold ties and unmatched candidates")
    p.add_argument("--only", choices=("seeds", *SETS), help="score one set only (no speed figure)")
    args = p.parse_args(argv)
    from tiegraph.loaders.datadir import load_dataset

    seeds = sorted(SEEDS.glob("*.txt"))
    texts = {name: sorted(p for p in (FIXTURES / folder).iterdir() if p.is_file())
             for name, (folder, _, _) in SETS.items()}
    if not seeds:
        print(f"no seed articles in {SEEDS}", file=sys.stderr)
        return 1
    print(f"# tiegraph extract: recall and precision\n\nload average {os.getloadavg()}")
    if args.only in (None, "seeds"):
        show(f"seeds ({len(seeds)} articles; the rules were written against them)",
             run_set(seeds, load_dataset().ties, SEED_DATES), args.misses)
    for name, (_, gold, status) in SETS.items():
        if args.only in (None, name):
            show(f"set {name.upper()} ({len(texts[name])} texts; {status})",
                 run_set(texts[name], load_dataset([REPO / "data", FIXTURES / gold]).ties, {}), args.misses)
    if args.only:
        return 0
    words, seconds = speed(seeds + [p for paths in texts.values() for p in paths], 3 if args.quick else 20)
    print(f"\nspeed: {words} words in {seconds * 1000:.1f} ms (best of {3 if args.quick else 20}) = "
          f"{words / seconds:,.0f} words/s; load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
