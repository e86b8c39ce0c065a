"""Dyad-year and state-year tables for R and Stata (peacesciencer's keys: ``ccode1, ccode2, year``).

Why here and not in R: the ties, their coverage and the continuation rule live in
this package; a political scientist wants one row per pair of existing states
per year to merge with peacesciencer's ``create_dyadyears()`` and model.  The
codebook (every column, every rule) is ``docs/DYADYEARS.md``; in short:

* **Rows.** Every unordered pair of the scope's states (``ccode1 < ccode2``) in
  every year of the range in which *both* exist (``model.statesystem``: a
  member of the COW system on >= 183 days of the year), so Kazakhstan has no
  row before 1992.  Companies count as their home state (``graph.build.fold_actor``
  through ``build_graph(level="state")``); organisations and non-COW ids
  (XNC) have no rows, and a multilateral tie counts for every pair of its states.
* **Counts.** Per tie type that can join two states: ``<type>_new`` (ties formed
  that year) and, for standing types, ``<type>_in_force`` (from the start year
  to the end year; a systematic dataset's tie with no end stays in force to its
  coverage end, the censoring rule of ``analysis.coverage_series.censor``; a
  documentary tie with no end stays open).  Per layer: ``institutional_in_force``,
  ``institutional_new``, ``activity_events`` (the events' counts summed).
  Tentative ties (announced/planned/proposed) count only in ``tentative_new``;
  ``documentary_new`` counts separately the new ties of documentary datasets.
  An ATOP spell that continues another counts as new only for the pairs it adds,
  and in force from the year after the spell it continues ended.
* **Missing is not zero.** A tie counts in a year only where its dataset covers
  that year and its type; a cell is NA where no dataset coding that column's
  type(s) covers the year (``datasets_covering`` names who covers).

Everything is computed with integer intervals per (pair, tie) and ``np.bincount``:
``--scope all-cow`` on the bundled data (19,415 pairs, 668,148 rows for 1990-2026) took
4.4 s of CPU for the whole command.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tiegraph.analysis.coverage_series import dataset_coverage
from tiegraph.analysis.temporal import TieTable, tie_table
from tiegraph.graph.build import build_graph, continued_tie
from tiegraph.model.entities import Dataset
from tiegraph.model.errors import UsageError
from tiegraph.model.statesystem import StateSystem, state_system
from tiegraph.model.vocabulary import TIE_TYPES, TieType

ALL_COW = "all-cow"
KEYS = ("ccode1", "ccode2", "iso3_1", "iso3_2", "year")
STATE_KEYS = ("ccode", "iso3", "year")
_STATE_ENDS = frozenset({"state", "company"})


#: the state-year count columns: ``ties_new`` counts every tie type, the others as the dyad-year column
STATE_COLUMNS = ("ties_new", "partners_in_force", "institutional_in_force", "institutional_new",
                 "activity_events", "tentative_new", "documentary_new")


def _joins_states(tie_type: TieType) -> bool:
    """A type whose two ends can both be (or fold into) states; membership joins a state to an organisation."""
    ends = (tie_type.from_kinds, tie_type.to_kinds) if tie_type.directed else (tie_type.from_kinds,)
    return all(kinds & _STATE_ENDS for kinds in ends)


#: the tie types with columns, in the vocabulary's order
DYAD_TYPES: tuple[str, ...] = tuple(name for name, t in TIE_TYPES.items() if _joins_states(t))


def columns() -> list[str]:
    """Every column of the dyad-year table, in order (the codebook lists the same)."""
    out = list(KEYS)
    for name in DYAD_TYPES:
        if TIE_TYPES[name].temporal == "standing":
            out.append(f"{name}_in_force")
        out.append(f"{name}_new")
    return out + ["institutional_in_force", "institutional_new", "activity_events", "tentative_new",
                  "documentary_new", "datasets_covering"]


def undated_ties(dataset: Dataset) -> int:
    """How many ties have no start date (left out of both tables)."""
    return sum(1 for tie in dataset.ties if tie.start is None)


def resolve_scope(dataset: Dataset, scope: str | None, system: StateSystem | None = None) -> tuple[str, ...]:
    """The scope's state ids: ``None`` = every COW state with a tie in the data, ``all-cow``, or a comma list."""
    system = system or state_system()
    if scope is None:
        return tuple(sorted(_states_with_ties(dataset, system)))
    if scope.strip() == ALL_COW:
        return tuple(sorted({s.iso3 for s in system.spells}))
    ids = tuple(dict.fromkeys(part.strip() for part in scope.split(",") if part.strip()))
    for actor in ids:
        if not system.known(actor):
            what = f"'{actor}' is not a state of the COW state system" if actor in dataset.actors else \
                f"unknown actor id '{actor}'"
            raise UsageError(f"{what} (give COW states' ids, e.g. TUR,AZE, or {ALL_COW})")
    if len(ids) < 2:
        raise UsageError(f"'{scope}' needs at least two state ids")
    return ids


def _states_with_ties(dataset: Dataset, system: StateSystem) -> set[str]:
    found: set[str] = set()
    for tie in dataset.ties:
        for actor_id in tie.participants:
            actor = dataset.actors.get(actor_id)
            home = actor.country if actor is not None and actor.kind == "company" and actor.country else actor_id
            if system.known(home):
                found.add(home)
    return found


def non_cow_states(dataset: Dataset, system: StateSystem | None = None) -> list[str]:
    """State actors of the data that are not in the COW system (XNC …): they have no rows."""
    system = system or state_system()
    return sorted(a.id for a in dataset.actors.values() if a.kind == "state" and not system.known(a.id))


def year_range(dataset: Dataset) -> tuple[int, int] | None:
    """First and last year of any dated tie's start or end (None when no tie is dated)."""
    years = [y for tie in dataset.ties if tie.start is not None
             for y in (tie.start.year, tie.end.year if tie.end else None) if y is not None]
    return (min(years), max(years)) if years else None


@dataclass(frozen=True)
class Tables:
    """Both tables of one run, built from the same links."""

    dyad_years: pd.DataFrame
    state_years: pd.DataFrame


def tables(dataset: Dataset, scope: Sequence[str], first: int, last: int,
           system: StateSystem | None = None) -> Tables:
    """The dyad-year and state-year tables of ``scope`` for ``first``-``last`` (see the module docstring)."""
    if first > last:
        raise UsageError(f"year range {first}-{last} is empty")
    system = system or state_system()
    frame = _Frame.build(dataset, tuple(scope), first, last, system)
    dyads = frame.dyad_table()
    return Tables(dyads, frame.state_table(dyads))


def dyad_years(dataset: Dataset, scope: Sequence[str], first: int, last: int,
               system: StateSystem | None = None) -> pd.DataFrame:
    return tables(dataset, scope, first, last, system).dyad_years


def state_years(dataset: Dataset, scope: Sequence[str], first: int, last: int,
                system: StateSystem | None = None) -> pd.DataFrame:
    return tables(dataset, scope, first, last, system).state_years


def _ccodes(system: StateSystem, states: Sequence[str], years: np.ndarray) -> np.ndarray:
    """COW code of each state in each year (the spell with most days; 0 where none)."""
    pos = {s: i for i, s in enumerate(states)}
    codes = np.zeros((len(states), len(years)), dtype=np.int64)
    best = np.zeros_like(codes)
    for spell in system.spells:
        row = pos.get(spell.iso3)
        if row is None:
            continue
        for col, year in enumerate(years.tolist()):
            days = spell.days_in(year)
            if days > best[row, col]:
                best[row, col], codes[row, col] = days, spell.ccode
    return codes


@dataclass
class _Frame:
    """The rows (pair x year where both exist) and the links (tie x pair) that count in them."""

    states: tuple[str, ...]
    years: np.ndarray
    exists: np.ndarray       # states x years
    ccodes: np.ndarray       # states x years
    pair_a: np.ndarray       # per pair: state index of the first (lower index)
    pair_b: np.ndarray
    row_of: np.ndarray       # pairs x years: row number or -1
    table: TieTable
    link_pair: np.ndarray    # per kept link: pair index
    link_tie: np.ndarray     # per kept link: tie row
    link_new: np.ndarray     # per kept link: not a pair its continued spell already had
    tentative: np.ndarray    # per tie
    cov_first: np.ndarray    # per tie: its dataset's coverage years
    cov_last: np.ndarray
    covered_type: np.ndarray  # per tie: its dataset codes its type
    documentary: np.ndarray   # per tie
    in_force_from: np.ndarray  # per link: first year the link may be in force (continuation rule)
    in_force_to: np.ndarray    # per tie: last year in force (censoring rule; open = last year of the range)
    coverage: dict

    @classmethod
    def build(cls, dataset: Dataset, states: tuple[str, ...], first: int, last: int,
              system: StateSystem) -> _Frame:
        years = np.arange(first, last + 1)
        exists = system.existence_matrix(states, years.tolist())
        pair_a, pair_b = np.triu_indices(len(states), 1)  # row-major: the order ``link_pair`` computes
        both = exists[pair_a] & exists[pair_b]
        row_of = np.full(both.shape, -1, dtype=np.int64)
        row_of[both] = np.arange(int(both.sum()))
        dated = [t for t in dataset.ties if t.start is not None]
        table = tie_table(build_graph(dataset, dated, level="state", attributes="analysis"))
        coverage = dataset_coverage(table, dataset.coverage)
        pos = {s: i for i, s in enumerate(states)}
        n = len(states)
        u = np.array([pos.get(x, -1) for x in table.link_u], dtype=np.int64)
        v = np.array([pos.get(x, -1) for x in table.link_v], dtype=np.int64)
        keep = (u >= 0) & (v >= 0) & (u != v)
        lo, hi = np.minimum(u, v)[keep], np.maximum(u, v)[keep]
        link_pair = lo * n - lo * (lo + 1) // 2 + (hi - lo - 1)
        by_id = {t.id: t for t in dated}
        ties = [by_id[i] for i in table.ids]
        covs = [coverage.get(d) for d in table.datasets]
        cov_first = np.array([c.first_year if c else 1 for c in covs], dtype=np.int64)
        cov_last = np.array([c.last_year if c else 0 for c in covs], dtype=np.int64)
        systematic = np.array([bool(c and c.systematic) for c in covs])
        start = table.start.astype(np.int64)
        end = np.where(np.isnan(table.end), np.where(systematic, cov_last, last), np.nan_to_num(table.end))
        in_force_to = np.maximum(end.astype(np.int64), start)
        row = {tie_id: i for i, tie_id in enumerate(table.ids)}
        prior_end = np.array([in_force_to[row[p]] if (p := continued_tie(t)) in row else -1 for t in ties],
                             dtype=np.int64)
        link_tie = table.link_tie[keep]
        repeated = table.repeated[keep]
        in_force_from = np.where(repeated, np.maximum(start[link_tie], prior_end[link_tie] + 1), start[link_tie])
        return cls(states, years, exists, _ccodes(system, states, years), pair_a, pair_b, row_of, table,
                   link_pair, link_tie, ~repeated, np.array([t.tentative for t in ties], dtype=bool),
                   cov_first, cov_last,
                   np.array([bool(c and t.type in c.tie_types) for c, t in zip(covs, ties)], dtype=bool),
                   np.array([bool(c and not c.systematic) for c in covs], dtype=bool),
                   in_force_from, in_force_to, coverage)

    # -- which years each column is defined in ------------------------------------------------
    def _defined(self, types: Iterable[str] | None = None, *, documentary: bool = False) -> np.ndarray:
        wanted = set(DYAD_TYPES if types is None else types)
        out = np.zeros(len(self.years), dtype=bool)
        for cov in self.coverage.values():
            if wanted & set(cov.tie_types) and (not documentary or not cov.systematic):
                out |= (self.years >= cov.first_year) & (self.years <= cov.last_year)
        return out

    def _covering(self) -> list[str]:
        return [";".join(sorted(name for name, cov in self.coverage.items() if cov.first_year <= y <= cov.last_year))
                for y in self.years.tolist()]

    # -- link contributions: (link, year) pairs that land on an existing row ------------------
    def _events(self, mask: np.ndarray, *, in_force: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(link index, year index) of every contribution of the links in ``mask`` that has a row."""
        links = np.nonzero(mask)[0]
        ties = self.link_tie[links]
        y0 = int(self.years[0])
        if in_force:
            lo = np.maximum(self.in_force_from[links], self.cov_first[ties])
            hi = np.minimum(self.in_force_to[ties], self.cov_last[ties])
        else:
            lo = self.table.start[ties].astype(np.int64)
            hi = np.where((lo >= self.cov_first[ties]) & (lo <= self.cov_last[ties]), lo, lo - 1)
        lo, hi = np.maximum(lo, y0) - y0, np.minimum(hi, int(self.years[-1])) - y0
        span = np.clip(hi - lo + 1, 0, None)
        link_of = np.repeat(links, span)
        offsets = np.arange(int(span.sum())) - np.repeat(np.cumsum(span) - span, span)
        year_of = np.repeat(lo, span) + offsets
        has_row = self.row_of[self.link_pair[link_of], year_of] >= 0
        return link_of[has_row], year_of[has_row]

    def _links(self, types: Iterable[str] | None = None, *, tentative: bool = False, new: bool = False,
               documentary: bool = False) -> np.ndarray:
        ties = self.link_tie
        mask = self.covered_type[ties] & (self.tentative[ties] == tentative)
        if types is not None:
            mask &= np.isin(np.array(self.table.types, dtype=object)[ties], list(types))
        if new:
            mask &= self.link_new
        if documentary:
            mask &= self.documentary[ties]
        return mask

    def _dyad_counts(self, mask: np.ndarray, *, in_force: bool = False, weights: bool = False) -> np.ndarray:
        link_of, year_of = self._events(mask, in_force=in_force)
        rows = self.row_of[self.link_pair[link_of], year_of]
        w = self.table.count[self.link_tie[link_of]] if weights else None
        return np.bincount(rows, weights=w, minlength=int((self.row_of >= 0).sum())).astype(np.int64)

    def _specs(self) -> list[tuple[str, dict, dict]]:
        """(column, link selection, count options) of every count column, in ``columns()`` order."""
        standing = [t for t in DYAD_TYPES if TIE_TYPES[t].temporal == "standing"]
        events = [t for t in DYAD_TYPES if TIE_TYPES[t].temporal == "event"]
        specs: list[tuple[str, dict, dict]] = []
        for name in DYAD_TYPES:
            if name in standing:
                specs.append((f"{name}_in_force", {"types": [name]}, {"in_force": True}))
            specs.append((f"{name}_new", {"types": [name], "new": True}, {}))
        return specs + [("institutional_in_force", {"types": standing}, {"in_force": True}),
                        ("institutional_new", {"types": standing, "new": True}, {}),
                        ("activity_events", {"types": events}, {"weights": True}),
                        ("tentative_new", {"tentative": True, "new": True}, {}),
                        ("documentary_new", {"new": True, "documentary": True}, {})]

    def dyad_table(self) -> pd.DataFrame:
        pair_idx, year_idx = np.nonzero(self.row_of >= 0)  # row order: the row numbers
        a, b = self.pair_a[pair_idx], self.pair_b[pair_idx]
        code_a, code_b = self.ccodes[a, year_idx], self.ccodes[b, year_idx]
        swap = code_a > code_b
        first, second = np.where(swap, b, a), np.where(swap, a, b)
        names = np.array(self.states, dtype=object)
        data: dict[str, object] = {
            "ccode1": np.minimum(code_a, code_b), "ccode2": np.maximum(code_a, code_b),
            "iso3_1": names[first], "iso3_2": names[second],
            "year": self.years[year_idx]}
        for column, select, options in self._specs():
            data[column] = self._na(self._dyad_counts(self._links(**select), **options),
                                    self._defined_for(select)[year_idx])
        data["datasets_covering"] = np.array(self._covering(), dtype=object)[year_idx]
        frame = pd.DataFrame(data, columns=columns())
        return frame.sort_values(["ccode1", "ccode2", "year"], kind="stable").reset_index(drop=True)

    def _defined_for(self, select: dict) -> np.ndarray:
        return self._defined(select.get("types"), documentary=bool(select.get("documentary")))

    @staticmethod
    def _na(values: np.ndarray, defined: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """The counts as nullable integers, NA where no dataset covers the column that year."""
        out = pd.array(values, dtype="Int64")
        out[~defined] = pd.NA
        return out

    def state_table(self, dyads: pd.DataFrame) -> pd.DataFrame:
        """One row per scope state and year it exists: distinct ties per state, partners in force."""
        state_idx, year_idx = np.nonzero(self.exists)
        n_years = len(self.years)
        slot = np.full(self.exists.shape, -1, dtype=np.int64)
        slot[state_idx, year_idx] = np.arange(len(state_idx))
        data: dict[str, object] = {"ccode": self.ccodes[state_idx, year_idx],
                                   "iso3": np.array(self.states, dtype=object)[state_idx],
                                   "year": self.years[year_idx]}
        specs = {column: (select, options) for column, select, options in self._specs()}
        specs["ties_new"] = ({"new": True}, {})
        for name in STATE_COLUMNS:
            select, options = specs["institutional_in_force" if name == "partners_in_force" else name]
            counts = self._partners(dyads, slot) if name == "partners_in_force" else \
                self._state_counts(self._links(**select), slot, n_years, **options)
            data[name] = self._na(counts, self._defined_for(select)[year_idx])
        data["datasets_covering"] = np.array(self._covering(), dtype=object)[year_idx]
        frame = pd.DataFrame(data)
        return frame.sort_values(["ccode", "year"], kind="stable").reset_index(drop=True)

    def _state_counts(self, mask: np.ndarray, slot: np.ndarray, n_years: int, *, in_force: bool = False,
                      weights: bool = False) -> np.ndarray:
        """Distinct ties per state-year (a six-party exercise is one tie for each of its states)."""
        link_of, year_of = self._events(mask, in_force=in_force)
        pair = self.link_pair[link_of]
        tie = self.link_tie[link_of]
        state = np.concatenate([self.pair_a[pair], self.pair_b[pair]])
        tie, year_of = np.concatenate([tie, tie]), np.concatenate([year_of, year_of])
        key = np.unique((tie * len(self.states) + state) * n_years + year_of)
        tie, rest = np.divmod(key, len(self.states) * n_years)
        state, year_of = np.divmod(rest, n_years)
        w = self.table.count[tie] if weights else None
        return np.bincount(slot[state, year_of], weights=w, minlength=int(self.exists.sum())).astype(np.int64)

    def _partners(self, dyads: pd.DataFrame, slot: np.ndarray) -> np.ndarray:
        """Partners with at least one standing tie in force, per state-year (from the dyad rows)."""
        tied = dyads[dyads["institutional_in_force"].fillna(0) > 0]
        pos = {s: i for i, s in enumerate(self.states)}
        year_idx = (tied["year"].to_numpy() - int(self.years[0])) if len(tied) else np.zeros(0, dtype=np.int64)
        ends = [np.array([pos[s] for s in tied[c]], dtype=np.int64) for c in ("iso3_1", "iso3_2")]
        slots = np.concatenate([slot[e, year_idx] for e in ends]) if len(tied) else np.zeros(0, dtype=np.int64)
        return np.bincount(slots, minlength=int(self.exists.sum())).astype(np.int64)
