"""The verdict, by rules written down in advance (README, "The thesis test"), with its reason in one sentence.

The evidence that decides is the *headline* rows: each systematic dataset's
institutional and activity series under the headline specification (clique
projection, tentative ties left out unless ``--include-tentative``, the
chosen mode).  Union rows, per-type rows and documentary rows are shown but
do not decide: the union is not independent of its members, per-type rows
would multiply the tests, and a documentary source's absences are not
evidence.  A row *rises* when Sen's slope and its whole confidence interval
are above zero and the corrected p is below alpha (``Trend.direction``).

* **cannot tell from these data** -- no systematic dataset covers
  ``MIN_YEARS`` of the years asked for;
* **not supported** -- no headline row rises;
* **mixed** -- some headline rows rise and some do not, or all rise but a
  sensitivity specification (star projection, tentative ties in or out,
  the scope without the hub) does not;
* **supported** -- every headline row rises, and so does every testable
  systematic row of every sensitivity specification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tiegraph.analysis.evidence import EvidenceRow, Spec
from tiegraph.analysis.trend import MIN_YEARS, format_p

LABELS = {"supported": "Thickening supported", "mixed": "Mixed evidence",
          "not supported": "Thickening not supported", "cannot tell": "Cannot tell from these data"}


@dataclass(frozen=True)
class Verdict:
    """``label`` is a key of ``LABELS``; ``reason`` is one sentence quoting the rows that decided."""

    label: str
    reason: str

    @property
    def title(self) -> str:
        return LABELS[self.label]

    def sentence(self) -> str:
        return f"{self.title}: {self.reason}"


def effect(row: EvidenceRow) -> str:
    """'atop institutional (1992-2018): Sen +0.012/year [+0.008, +0.016], corrected p=0.0001'."""
    if row.trend is None:
        return f"{row.label()}: {len(row.years)} years"
    t = row.trend
    return (f"{row.label()}: Sen {t.sen_slope:+.3f}/year [{t.sen_low:+.3f}, {t.sen_high:+.3f}], "
            f"corrected p{_p(t.corrected_p)}")


def _p(p: float) -> str:
    text = format_p(p)
    return text if text.startswith("<") else f"={text}"


def _listed(rows: Sequence[EvidenceRow], limit: int = 6) -> str:
    shown = "; ".join(effect(r) for r in rows[:limit])
    return shown + (f"; and {len(rows) - limit} more" if len(rows) > limit else "")


def headline_rows(rows: Sequence[EvidenceRow], spec: Spec) -> list[EvidenceRow]:
    """The rows that decide: systematic datasets (not the union), institutional and activity layers."""
    return [r for r in rows if r.spec == spec and r.kind == "systematic" and r.source != "union" and r.main_layer]


def decide(evidence: Sequence[EvidenceRow], sensitivity: Sequence[EvidenceRow], *, headline: Spec,
           span: Sequence[int]) -> Verdict:
    """Apply the rules of the module docstring."""
    decisive = headline_rows(evidence, headline)
    testable = [r for r in decisive if r.trend is not None]
    if not testable:
        documentary = [r for r in evidence if r.spec == headline and r.kind == "documentary" and r.main_layer
                       and r.status == "rise"]
        sources = sorted({r.source for r in evidence if r.kind == "documentary"})
        gap = (f"no systematic dataset covers at least {MIN_YEARS} of the years {span[0]}-{span[-1]}"
               if decisive else "the data hold no systematic dataset"
               + (f", only documentary sources ({', '.join(sources)}) whose silence is not evidence of absence"
                  if sources else ""))
        if documentary:
            return Verdict("cannot tell", f"the rise rests on documentary sources only ({_listed(documentary)}), "
                                          f"and {gap}.")
        return Verdict("cannot tell", f"{gap}.")
    rises = [r for r in testable if r.status == "rise"]
    others = [r for r in testable if r.status != "rise"]
    if not rises:
        falls = [r for r in testable if r.status == "fall"]
        if falls:
            return Verdict("not supported", f"density falls in {_listed(falls)}, and rises in no systematic "
                                            f"dataset.")
        return Verdict("not supported", "no systematic dataset shows a rise whose Sen interval lies above zero "
                                        f"with a corrected p below alpha ({_listed(testable)}).")
    if others:
        return Verdict("mixed", f"density rises in {_listed(rises)} but not in {_listed(others)}.")
    keys = {(r.source, r.layer) for r in testable}
    checked = [r for r in sensitivity if (r.source, r.layer) in keys and r.trend is not None]
    disagree = [r for r in checked if r.status != "rise"]
    specs = sorted({r.spec.describe() for r in checked})
    if disagree:
        first = disagree[0]
        return Verdict("mixed", f"density rises in every systematic dataset under the headline specification "
                                f"but not in {len(disagree)} of {len(checked)} sensitivity tests "
                                f"(first: {first.spec.describe()}, {effect(first)}).")
    return Verdict("supported", f"density rises in every systematic dataset that covers the years "
                                f"({_listed(rises)}), under all {len(specs)} sensitivity specifications.")
