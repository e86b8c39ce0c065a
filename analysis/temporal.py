"""The one temporal engine: when each tie counts, year by year, and the density of the web it makes.

Every yearly number tiegraph prints (``report``, ``thesis``, plots, HTML) is
computed here, from one ``TieTable`` built once per run and passed down.

A tie is either an *event* (an exercise, a delivery, a meeting) or a *standing*
relation (a treaty, an agreement).  A yearly series has to say how each kind
counts; that rule is ``Activity``, and every number printed with a series
names it, so a reader can reproduce it:

* ``cumulative`` -- every tie counts from the year it was formed on, forever
  (ends ignored): "ties formed by that year".
* ``stock`` -- standing ties stay in force from their start year to their end
  year; with no known end, for ``duration`` years (``None``: forever).  Events
  count in their year only, or over the sliding window when
  ``events_over_window`` is set.
* ``flow`` -- every tie counts in the year it was formed, and only then.
* ``window`` -- every tie counts in the ``window`` years from its formation
  (a rolling flow: "ties formed in the last k years").

The continuation rule (the only one): a tie that *continues* another (an ATOP
membership spell opened by an accession repeats the pairs of the spell before
it) is in force like any tie, but its repeated pairs were not formed that
year: under ``flow`` and ``window`` only its new pairs count, a spell with no
new pair (after a withdrawal) does not count at all, and it is not a tie
formed (``TieTable.repeated``, ``.continuation``).  A continued tie that the
filter left out of the graph repeats nothing: its pairs are new in this graph.

Every measure is over an explicit *scope* (a required argument): a fixed tuple
of actors (actors without ties still count in the denominator, so only ties
raise density), or ``"all"``: the actors with an active tie that year.
Undated ties never enter a yearly series.  Coverage (which years and types a
dataset observes) is applied on top, in ``analysis.coverage_series``.

The arithmetic runs on numpy arrays so that the permutation null model can
recompute a density series a thousand times with exactly the code that
produced the observed one (``tie_activity(..., start=...)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, cast

import networkx as nx
import numpy as np

from tiegraph.graph.build import EVENT_KIND
from tiegraph.model.errors import UsageError
from tiegraph.model.vocabulary import TURKIC_SIX

Mode = Literal["cumulative", "stock", "flow", "window"]
#: the modes a trend is tested on; ``KINDS`` adds cumulative (the report's "ties formed by then")
MODES: tuple[str, ...] = ("stock", "flow", "window")
KINDS: tuple[str, ...] = (*MODES, "cumulative")
ALL = "all"
#: a fixed tuple of actor ids, or "all" (the actors present that year)
Scope = Sequence[str] | str


@dataclass(frozen=True)
class Activity:
    """How a tie counts in a yearly series (see the module docstring)."""

    mode: Mode = "stock"
    duration: int | None = 10
    window: int = 3
    events_over_window: bool = False

    def __post_init__(self) -> None:
        if self.mode not in KINDS:
            raise UsageError(f"unknown mode '{self.mode}' (use {', '.join(KINDS)})")
        if self.duration is not None and self.duration < 1:
            raise UsageError(f"duration {self.duration} must be at least 1 year (None: forever)")
        if self.window < 1:
            raise UsageError(f"window {self.window} must be at least 1 year")

    @property
    def counts_formation(self) -> bool:
        """Whether a tie counts as *formed* (flow, window) rather than as present (stock, cumulative)."""
        return self.mode in ("flow", "window")

    def with_mode(self, mode: str) -> Activity:
        if mode not in KINDS:
            raise UsageError(f"unknown mode '{mode}' (use {', '.join(KINDS)})")
        return replace(self, mode=cast(Mode, mode))

    def last_years(self, start: np.ndarray, standing: np.ndarray, known_length: np.ndarray) -> np.ndarray:
        """Last year (inclusive; ``inf`` = forever) in which each tie counts."""
        if self.mode == "cumulative":
            return np.full(len(start), np.inf)
        if self.mode == "flow":
            return start.astype(float)
        if self.mode == "window":
            return start + (self.window - 1)
        open_length = np.inf if self.duration is None else float(self.duration)
        standing_length = np.where(np.isnan(known_length), open_length, known_length)
        event_length = float(self.window if self.events_over_window else 1)
        return start + np.where(standing, standing_length, event_length) - 1

    def describe(self) -> str:
        """One phrase for tables and the verdict, e.g. 'stock (standing ties 10 years unless ended)'."""
        if self.mode == "cumulative":
            return "cumulative (ties formed by that year, ends ignored)"
        if self.mode == "flow":
            return "flow (ties formed that year)"
        if self.mode == "window":
            return f"window (ties formed in the last {self.window} years)"
        kept = "forever" if self.duration is None else f"{self.duration} years"
        events = f"the last {self.window} years" if self.events_over_window else "their year"
        return f"stock (standing ties until their end, else {kept}; events in {events})"


@dataclass
class TieTable:
    """The dated facts of a graph's ties as arrays, plus the dyadic links they make.

    One row per tie (``ids``); ``link_*`` has one row per edge between two
    actor nodes (a clique-projected six-party exercise gives 15 links, a star
    projection gives none, only ``endpoints``).
    """

    ids: list[str]
    types: list[str]
    datasets: list[str]       # the dataset each tie comes from (whose coverage applies)
    start: np.ndarray         # start year (float; nan = undated)
    end: np.ndarray           # end year (float; nan = no known end)
    standing: np.ndarray      # bool: temporal kind is "standing"
    count: np.ndarray         # tie count (weight)
    endpoints: list[frozenset[str]]  # actor nodes the tie joins (event nodes left out)
    link_tie: np.ndarray      # int: tie row of each link
    link_u: list[str]
    link_v: list[str]
    names: dict[str, str]     # actor node -> display name
    repeated: np.ndarray      # bool per link: the pair is also in the tie this one continues
    continuation: np.ndarray  # bool per tie: continues a tie and adds no actor to it

    @property
    def known_length(self) -> np.ndarray:
        """end - start + 1 where an end is known, else nan."""
        return self.end - self.start + 1

    def formed_links(self, activity: Activity) -> np.ndarray:
        """Bool per link: whether it can count under ``activity`` (repeated pairs never count as formed)."""
        return ~self.repeated if activity.counts_formation else np.ones(len(self.link_tie), dtype=bool)

    def years(self) -> list[int]:
        return sorted({int(y) for y in self.start if not np.isnan(y)})


def tie_table(graph: nx.MultiGraph) -> TieTable:
    """Collect ``graph``'s ties (from ``graph.build.build_graph``) into a ``TieTable``; build it once."""
    index: dict[str, int] = {}
    ids: list[str] = []
    types: list[str] = []
    datasets: list[str] = []
    start: list[float] = []
    end: list[float] = []
    standing: list[bool] = []
    count: list[float] = []
    endpoints: list[set[str]] = []
    link_tie: list[int] = []
    link_u: list[str] = []
    link_v: list[str] = []
    continues: dict[int, str] = {}
    for a, b, data in graph.edges(data=True):
        tie_id = data["tie_id"]
        row = index.get(tie_id)
        if row is None:
            row = index[tie_id] = len(ids)
            ids.append(tie_id)
            types.append(data["type"])
            datasets.append(str(data.get("dataset") or ""))
            year, end_year = data.get("year"), data.get("end_year")
            start.append(np.nan if year is None else float(year))
            end.append(np.nan if year is None or end_year is None else float(end_year))
            standing.append(data.get("temporal") == "standing")
            count.append(float(data.get("count") or 1))
            endpoints.append(set())
            if data.get("continues"):
                continues[row] = data["continues"]
        actors = [n for n in (a, b) if graph.nodes[n].get("kind") != EVENT_KIND]
        endpoints[row].update(actors)
        if len(actors) == 2:
            u, v = sorted(actors)
            link_tie.append(row)
            link_u.append(u)
            link_v.append(v)
    names = {n: d.get("name", n) for n, d in graph.nodes(data=True) if d.get("kind") != EVENT_KIND}
    repeated, continuation = _continued(index, endpoints, continues, link_tie, link_u, link_v)
    return TieTable(ids, types, datasets, np.array(start, dtype=float), np.array(end, dtype=float),
                    np.array(standing, dtype=bool), np.array(count, dtype=float),
                    [frozenset(e) for e in endpoints], np.array(link_tie, dtype=int),
                    link_u, link_v, names, repeated, continuation)


def _continued(index: dict[str, int], endpoints: list[set[str]], continues: dict[int, str],
               link_tie: list[int], link_u: list[str], link_v: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(repeated per link, continuation per tie) for ties that continue another tie of the graph."""
    repeated = np.zeros(len(link_tie), dtype=bool)
    continuation = np.zeros(len(endpoints), dtype=bool)
    before = {row: endpoints[index[prior]] for row, prior in continues.items() if prior in index}
    for row, prior_ends in before.items():
        continuation[row] = endpoints[row] <= prior_ends
    if before:
        for i, row in enumerate(link_tie):
            prior = before.get(row)
            if prior is not None and link_u[i] in prior and link_v[i] in prior:
                repeated[i] = True
    return repeated, continuation


def tie_activity(table: TieTable, years: Sequence[int], activity: Activity,
                 start: np.ndarray | None = None, mask: np.ndarray | None = None) -> np.ndarray:
    """Boolean matrix (ties x years): whether each tie counts in each year.

    ``start`` replaces the start years (the permutation null shuffles them);
    a tie keeps its own length, so a shuffled treaty lasts as long as before.
    ``mask`` (ties x years) limits which ties may count when: coverage
    (``analysis.coverage_series.series_mask``) is applied this way.
    """
    starts = table.start if start is None else start
    last = activity.last_years(starts, table.standing, table.end - table.start + 1)
    y = np.asarray(list(years), dtype=float)[None, :]
    with np.errstate(invalid="ignore"):
        active = (starts[:, None] <= y) & (y <= last[:, None])
    if activity.counts_formation and table.continuation.any():
        active[table.continuation] = False  # formed nothing: every pair was already there
    if mask is not None:
        active &= mask
    return active


def resolve_scope(scope: Scope) -> tuple[str, ...] | None:
    """A fixed scope as a tuple, or None for "all actors present that year"."""
    if isinstance(scope, str):
        if scope == ALL:
            return None
        raise UsageError(f"scope '{scope}' must be '{ALL}' or a list of actor ids")
    ids = tuple(dict.fromkeys(scope))
    if len(ids) < 2:
        raise UsageError("a scope needs at least two actors")
    return ids


def describe_scope(scope: Scope) -> str:
    """The scope in words (the research scope of ``model.vocabulary`` by its name)."""
    fixed = resolve_scope(scope)
    if fixed is None:
        return "all actors present each year"
    if fixed == TURKIC_SIX:
        return "the six Turkic states"
    return ", ".join(fixed)


def in_scope_ties(table: TieTable, scope: Scope) -> np.ndarray:
    """Rows of the ties that join at least two scope actors (every tie for "all")."""
    fixed = resolve_scope(scope)
    if fixed is None:
        return np.arange(len(table.ids))
    members = set(fixed)
    return np.array([i for i, e in enumerate(table.endpoints) if len(e & members) >= 2], dtype=int)


def formed_mask(table: TieTable, years: Sequence[int], scope: Scope) -> np.ndarray:
    """Boolean matrix (ties x years): the tie was formed that year among the scope.

    A tie is formed in its start year when it joins two or more scope actors,
    unless it only continues another tie (the continuation rule).
    """
    in_scope = np.zeros(len(table.ids), dtype=bool)
    in_scope[in_scope_ties(table, scope)] = True
    y = np.asarray(list(years), dtype=float)[None, :]
    return (table.start[:, None] == y) & (in_scope & ~table.continuation)[:, None]


class DensityKernel:
    """Density per year of a scope, from a tie-activity matrix; built once, called many times.

    Density = tied dyads / possible dyads among the scope (fixed scope) or
    among the actors present that year ("all").  ``exclude`` drops actors
    (density among the other five = the six without the hub).
    """

    def __init__(self, table: TieTable, scope: Scope, *, exclude: Iterable[str] = (),
                 activity: Activity | None = None):
        """``activity``: the rule the kernel will be called with (flow/window leave repeated pairs out)."""
        self.fixed = resolve_scope(scope)
        excluded = set(exclude)
        if self.fixed is not None:
            nodes = [n for n in self.fixed if n not in excluded]
        else:
            nodes = sorted({n for e in table.endpoints for n in e} - excluded)
        node_index = {n: i for i, n in enumerate(nodes)}
        formed = table.formed_links(activity or Activity())
        keep = [i for i, (u, v) in enumerate(zip(table.link_u, table.link_v))
                if u in node_index and v in node_index and formed[i]]
        dyads = sorted({(table.link_u[i], table.link_v[i]) for i in keep})
        dyad_index = {d: i for i, d in enumerate(dyads)}
        self.n_nodes = len(nodes)
        self.link_rows = table.link_tie[keep] if keep else np.zeros(0, dtype=int)
        self.dyad_of_link = np.zeros((len(dyads), len(keep)))
        for column, i in enumerate(keep):
            self.dyad_of_link[dyad_index[(table.link_u[i], table.link_v[i])], column] = 1.0
        # presence (only needed for "all"): node x tie incidence
        self.node_of_tie = np.zeros((len(nodes), len(table.ids)))
        if self.fixed is None:
            for row, ends in enumerate(table.endpoints):
                for n in ends:
                    if n in node_index:
                        self.node_of_tie[node_index[n], row] = 1.0

    def tied(self, active: np.ndarray) -> np.ndarray:
        """Tied dyads per year (1-D array over the columns of ``active``)."""
        if not len(self.link_rows):
            return np.zeros(active.shape[1])
        return (self.dyad_of_link @ active[self.link_rows].astype(float) > 0).sum(axis=0).astype(float)

    def pairs(self, active: np.ndarray) -> np.ndarray:
        """Possible dyads per year: among the scope, or among the actors present ("all")."""
        n_years = active.shape[1]
        if self.fixed is not None:
            k = np.full(n_years, float(self.n_nodes))
        else:
            k = (self.node_of_tie @ active.astype(float) > 0).sum(axis=0).astype(float)
        return k * (k - 1) / 2

    def __call__(self, active: np.ndarray) -> np.ndarray:
        """Density per year (1-D array over the columns of ``active``)."""
        tied, pairs = self.tied(active), self.pairs(active)
        return np.divide(tied, pairs, out=np.zeros(active.shape[1]), where=pairs > 0)


def density_series(table: TieTable, *, years: Sequence[int], scope: Scope,
                   activity: Activity | None = None, exclude: Iterable[str] = ()) -> dict[int, float]:
    """``{year: density}`` of the scope under the activity rule (default: stock), coverage not applied."""
    activity = activity or Activity()
    values = DensityKernel(table, scope, exclude=exclude, activity=activity)(tie_activity(table, years, activity))
    return {int(y): float(v) for y, v in zip(years, values)}


def ties_formed(table: TieTable, *, years: Sequence[int], scope: Scope) -> dict[int, int]:
    """``{year: ties formed among the scope}`` (``formed_mask``)."""
    counts = formed_mask(table, years, scope).sum(axis=0)
    return {int(y): int(c) for y, c in zip(years, counts)}
