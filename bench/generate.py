"""Seeded synthetic data in the project's own format, for benchmarks.

Writes ``DIR/actors.jsonl`` and ``DIR/ties/synthetic.jsonl``: states with
ISO-like ids (``S0001`` is not ISO, so states get three-letter codes from a
fixed alphabet walk), a company per ten states, ties of every vocabulary type
with realistic field shapes (sources, attributes, partial dates), a share of
multilateral exercises, spread over a year range.

Example:
    python -m bench.generate /tmp/bench-100k --ties 100000 --actors 2000 --seed 1
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import string
from pathlib import Path

from tiegraph.model.vocabulary import TIE_TYPES

DEFAULT_MIX = {
    "defense_cooperation_agreement": 0.15, "alliance_treaty": 0.03, "intelligence_protocol": 0.04,
    "strategic_partnership": 0.04, "arms_transfer": 0.25, "licensed_production": 0.03,
    "defense_industrial_cooperation": 0.05, "joint_exercise": 0.2, "training": 0.06,
    "military_assistance": 0.02, "defense_meeting": 0.1, "membership": 0.03,
}


def state_ids(n: int) -> list[str]:
    """``n`` distinct three-capital-letter ids (AAA, AAB, …), deterministic."""
    letters = string.ascii_uppercase
    return ["".join(p) for p in itertools.islice(itertools.product(letters, repeat=3), n)]


def _date(rng: random.Random, first: int, last: int) -> str:
    year = rng.randint(first, last)
    shape = rng.random()
    if shape < 0.4:
        return str(year)
    if shape < 0.7:
        return f"{year}-{rng.randint(1, 12):02d}"
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(out: Path, *, ties: int, actors: int = 2000, first_year: int = 1820,
             last_year: int = 2025, multilateral_share: float = 0.1, seed: int = 42,
             mix: dict[str, float] | None = None) -> dict[str, int]:
    """Write the synthetic data directory; return counts of what was written."""
    rng = random.Random(seed)
    mix = mix or DEFAULT_MIX
    unknown = set(mix) - set(TIE_TYPES)
    if unknown:
        raise ValueError(f"unknown tie types in mix: {sorted(unknown)}")
    n_companies = max(1, actors // 10)
    n_orgs = max(1, actors // 100)
    states = state_ids(actors - n_companies - n_orgs)
    companies = [f"company-{i}" for i in range(n_companies)]
    orgs = [f"org-{i}" for i in range(n_orgs)]
    (out / "ties").mkdir(parents=True, exist_ok=True)
    with (out / "actors.jsonl").open("w", encoding="utf-8") as handle:
        for sid in states:
            handle.write(json.dumps({"id": sid, "kind": "state", "name": f"State {sid}"}) + "\n")
        for cid in companies:
            handle.write(json.dumps({"id": cid, "kind": "company", "name": cid.title(),
                                     "country": rng.choice(states)}) + "\n")
        for oid in orgs:
            handle.write(json.dumps({"id": oid, "kind": "organization", "name": oid.upper()}) + "\n")
    types, weights = zip(*mix.items())
    suppliers = states + companies
    with (out / "ties" / "synthetic.jsonl").open("w", encoding="utf-8") as handle:
        for index in range(ties):
            tie_type = rng.choices(types, weights)[0]
            record: dict = {"id": f"syn-{index}", "type": tie_type, "start": _date(rng, first_year, last_year),
                            "status": rng.choice(("signed", "delivered", "held", "active", "planned")),
                            "title": f"Synthetic {tie_type} {index}",
                            "sources": [{"document": "synthetic", "locator": f"record {index}"}]}
            spec = TIE_TYPES[tie_type]
            if tie_type == "membership":
                record.update({"from": rng.choice(states), "to": rng.choice(orgs),
                               "attributes": {"role": "member"}})
            elif spec.directed:
                origin, target = rng.sample(suppliers if "company" in spec.from_kinds else states, 2)
                if target.startswith("company") and "company" not in spec.to_kinds:
                    target = rng.choice(states)
                if origin == target:
                    target = states[(states.index(target) + 1) % len(states)] if target in states else rng.choice(states)
                record.update({"from": origin, "to": target})
                if tie_type == "arms_transfer":
                    record["attributes"] = {"system": f"System {rng.randint(1, 500)}",
                                            "quantity": rng.randint(1, 100)}
            else:
                size = rng.randint(3, 8) if rng.random() < multilateral_share else 2
                record["participants"] = rng.sample(states, size)
            if spec.temporal == "standing" and rng.random() < 0.3:
                start_year = int(record["start"][:4])
                record["end"] = str(min(last_year, start_year + rng.randint(1, 30)))
            handle.write(json.dumps(record) + "\n")
    return {"states": len(states), "companies": len(companies), "organizations": len(orgs), "ties": ties}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--ties", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--first-year", type=int, default=1820)
    parser.add_argument("--last-year", type=int, default=2025)
    parser.add_argument("--multilateral-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    counts = generate(args.out, ties=args.ties, actors=args.actors, first_year=args.first_year,
                      last_year=args.last_year, multilateral_share=args.multilateral_share, seed=args.seed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
