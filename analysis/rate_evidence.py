"""The rate rows of the thesis and the verdict they give (``analysis.rates`` does one row).

Rows are the datasets' own: a dataset's row counts that dataset's ties as it
codes them (``Dataset.own_ties``: its versions of ties another dataset also
has included), so ``report --dataset jme`` and the thesis's JME row agree; only
the union of the systematic datasets and the all-data series count a shared tie
once.  A row covers the window's years that its dataset covers (a year outside
coverage is missing, not zero) and in which at least two scope states exist.

The verdict (rules written down in advance, README "The thesis test"):

* a row that cannot show a rise is **untestable** with its reason
  (``rates.untestable``); it never decides;
* **cannot tell from these data** -- no headline row of a systematic dataset
  is testable (each row's reason is quoted);
* **not supported** -- testable headline rows, none rising (with the power
  each had: the smallest yearly rate ratio it would have detected);
* **hub-and-spoke** -- rows rise, but only through the hub: the same rows
  without the hub do not rise;
* **mixed** -- some testable headline rows rise and others do not, or a
  testable sensitivity row (another projection, tentative ties, doubtful
  codings out) does not;
* **supported** -- every testable headline row rises, without the hub too,
  and so does every testable sensitivity row of those datasets and layers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tiegraph.analysis.rates import RateRow, RateSpec, existence, exposure, new_ties, rate_row
from tiegraph.graph.build import Level
from tiegraph.model.coverage import Coverage
from tiegraph.model.entities import Dataset, Tie
from tiegraph.model.statesystem import StateSystem
from tiegraph.model.vocabulary import TIE_TYPES

LAYERS = ("institutional", "activity")
UNION = "union"
LABELS = {"supported": "Thickening supported", "mixed": "Mixed evidence",
          "not supported": "Thickening not supported", "hub-and-spoke": "Hub-and-spoke, not a thickening web",
          "cannot tell": "Cannot tell from these data"}


@dataclass(frozen=True)
class RateVerdict:
    label: str
    reason: str

    @property
    def title(self) -> str:
        return LABELS[self.label]

    def sentence(self) -> str:
        return f"{self.title}: {self.reason}"


def layer_types(cov: Coverage, layer: str) -> set[str]:
    wanted = "standing" if layer == "institutional" else "event"
    return {t for t in cov.tie_types if t in TIE_TYPES and TIE_TYPES[t].temporal == wanted}


def first_seen(dataset: Dataset, level: Level = "state") -> dict[str, int]:
    """The first tie year of every actor node (when a company or organisation starts to exist for a series)."""
    from tiegraph.graph.build import fold_actor

    seen: dict[str, int] = {}
    for tie in [*dataset.ties, *dataset.duplicates]:
        if tie.year is None:
            continue
        for p in tie.participants:
            node = fold_actor(dataset, p, level)
            seen[node] = min(seen.get(node, tie.year), tie.year)
    return seen


@dataclass(frozen=True)
class RateContext:
    """What every row of one run shares."""

    dataset: Dataset
    ties: Sequence[Tie]              # the merged ties the filters keep (the union's)
    coverage: dict[str, Coverage]
    span: Sequence[int]
    scope: tuple[str, ...]
    hub: str | None
    states: StateSystem
    level: Level = "state"
    alpha: float = 0.05
    permutations: int = 1000
    seed: int = 42


def rate_rows(ctx: RateContext, specs: Sequence[RateSpec], *, own: dict[str, list[Tie]],
              permutations: int | None = None) -> list[RateRow]:
    """Every dataset's rows (systematic first, then the union of the systematic ones, then documentary) for
    each of ``specs``; ``own``: each dataset's own ties after the filters."""
    exists = existence(ctx.scope, ctx.states, first_seen(ctx.dataset, ctx.level), max(ctx.span) + 1)
    draws = ctx.permutations if permutations is None else permutations
    ordered = sorted(ctx.coverage.values(), key=lambda c: (not c.systematic, c.dataset))
    rows: list[RateRow] = []
    for spec in specs:
        for layer in LAYERS:
            coding = [c for c in ordered if layer_types(c, layer)]
            for cov in coding:
                years = [y for y in ctx.span if cov.covers(y)]
                ties = [t for t in own.get(cov.dataset, []) if t.type in layer_types(cov, layer)]
                rows.append(_row(ctx, ties, spec, cov.dataset, (cov.dataset,), cov.kind, layer, years, exists, draws))
            systematic = [c for c in coding if c.systematic and any(c.covers(y) for y in ctx.span)]
            if len(systematic) > 1:
                years = [y for y in ctx.span if all(c.covers(y) for c in systematic)]
                names = {c.dataset for c in systematic}
                ties = [t for t in ctx.ties if t.dataset in names
                        and t.type in layer_types(ctx.coverage[t.dataset], layer)]
                rows.append(_row(ctx, ties, spec, UNION, tuple(sorted(names)), "systematic", layer, years, exists,
                                 draws))
    return rows


def _row(ctx: RateContext, ties: Sequence[Tie], spec: RateSpec, source: str, members: tuple[str, ...], kind: str,
         layer: str, years: list[int], exists: dict[str, set[int]], draws: int) -> RateRow:
    events = new_ties(ties, ctx.dataset, scope=ctx.scope, years=years, spec=spec, exists=exists, level=ctx.level)
    return rate_row(events, source=source, members=members, kind=kind, layer=layer, spec=spec, years=years,
                    exposure_=exposure(ctx.scope, years, exists, spec.without), exists=exists,
                    hub=None if spec.without else ctx.hub, alpha=ctx.alpha, permutations=draws, seed=ctx.seed)


def effect(row: RateRow) -> str:
    """'dcad institutional (1992-2010): rate ratio 1.08/year [1.02, 1.15], perm p=0.004, 23 ties'."""
    if row.rate_ratio is None:
        return f"{row.label()}: {row.reason or 'no estimate'}"
    p = "" if row.perm_p is None else (f", perm p={row.perm_p:.3f}" if row.perm_p >= 0.001 else ", perm p<0.001")
    return (f"{row.label()}: rate ratio {row.rate_ratio:.3f}/year [{row.low:.3f}, {row.high:.3f}]{p}, "
            f"{row.ties} ties")


def headline_rows(rows: Sequence[RateRow], spec: RateSpec) -> list[RateRow]:
    return [r for r in rows if r.spec == spec and r.kind == "systematic" and r.source != UNION]


def _listed(rows: Sequence[RateRow], limit: int = 5) -> str:
    shown = "; ".join(effect(r) for r in rows[:limit])
    return shown + (f"; and {len(rows) - limit} more" if len(rows) > limit else "")


def _power(rows: Sequence[RateRow]) -> str:
    parts = [f"{r.source} {r.layer}: {r.mde:.3f}/year" for r in rows if r.mde is not None]
    return f" (the yearly rate ratio each would have detected 80% of the time: {', '.join(parts)})" if parts else ""


def decide(rows: Sequence[RateRow], sensitivity: Sequence[RateRow], *, headline: RateSpec, hub: str | None,
           span: Sequence[int]) -> RateVerdict:
    """Apply the rules of the module docstring."""
    deciding = headline_rows(rows, headline)
    testable = [r for r in deciding if r.testable]
    if not testable:
        if not deciding:
            documentary = sorted({r.source for r in rows if r.kind == "documentary"})
            extra = (f"; only documentary sources ({', '.join(documentary)}), whose silence is not evidence of "
                     "absence" if documentary else "")
            return RateVerdict("cannot tell", f"no systematic dataset covers {span[0]}-{span[-1]}{extra}.")
        reasons = "; ".join(f"{r.source} {r.layer}: {r.reason}" for r in deciding)
        return RateVerdict("cannot tell", f"no systematic row of {span[0]}-{span[-1]} could show a rise ({reasons}).")
    rises = [r for r in testable if r.status == "rise"]
    others = [r for r in testable if r.status != "rise"]
    if not rises:
        falls = [r for r in testable if r.status == "fall"]
        lead = f"the rate of new ties falls in {_listed(falls)}" if falls else "no testable row's rate of new ties rises"
        return RateVerdict("not supported", f"{lead} ({_listed(testable)}){_power(testable)}.")
    keys = {(r.source, r.layer) for r in rises}
    without_hub = [r for r in sensitivity if r.spec.without and (r.source, r.layer) in keys]
    if hub and without_hub and not any(r.status == "rise" for r in without_hub):
        return RateVerdict("hub-and-spoke", f"new ties rise in {_listed(rises)}, but not among the scope without "
                                            f"{hub} ({_listed(without_hub)}).")
    if others:
        return RateVerdict("mixed", f"new ties rise in {_listed(rises)} but not in {_listed(others)}.")
    checked = [r for r in sensitivity if (r.source, r.layer) in keys and r.testable]
    disagree = [r for r in checked if r.status != "rise"]
    if disagree:
        first = disagree[0]
        return RateVerdict("mixed", f"new ties rise in every testable systematic row ({_listed(rises)}) but not "
                                    f"in {len(disagree)} of {len(checked)} sensitivity rows (first: "
                                    f"{first.spec.describe()}: {effect(first)}).")
    return RateVerdict("supported", f"new ties rise in every testable systematic row ({_listed(rises)}), and in "
                                    f"all {len(checked)} testable sensitivity rows.")
