"""The tie model, declared as data (followthemoney style).

Every tie type says whether it is directed, whether it is a point *event* (an
exercise, a delivery, a meeting) or a *standing* relation that stays in force
until it ends (a treaty, an agreement, a membership), which actor kinds may sit
at each end, and its Neo4j relationship type.  Code never invents a type: the
loader, the graph builder and the Neo4j writer all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ActorKind = Literal["state", "company", "organization"]
ACTOR_KINDS: tuple[str, ...] = ("state", "company", "organization")

TemporalKind = Literal["event", "standing"]

ANY: frozenset[str] = frozenset(ACTOR_KINDS)
STATE_OR_COMPANY: frozenset[str] = frozenset({"state", "company"})


@dataclass(frozen=True)
class TieType:
    """One entry of the controlled vocabulary."""

    name: str
    directed: bool
    temporal: TemporalKind
    description: str
    #: kinds allowed at the origin (directed) or for every participant (undirected)
    from_kinds: frozenset[str] = ANY
    #: kinds allowed at the target of a directed tie
    to_kinds: frozenset[str] = ANY
    #: what the two ends are called, for directed types (origin, target)
    roles: tuple[str, str] = ("participant", "participant")

    @property
    def relationship(self) -> str:
        """Neo4j relationship type: the name in UPPER_SNAKE."""
        return self.name.upper()


TIE_TYPES: dict[str, TieType] = {
    t.name: t
    for t in (
        TieType("alliance_treaty", False, "standing",
                "Alliance or mutual-defence treaty / declaration of allied relations."),
        TieType("defense_cooperation_agreement", False, "standing",
                "Bilateral or multilateral defence-cooperation agreement, protocol, MoU, "
                "road map or implementation plan on military cooperation."),
        TieType("intelligence_protocol", False, "standing",
                "Agreement or protocol on intelligence cooperation or sharing."),
        TieType("strategic_partnership", False, "standing",
                "Declared (enhanced / comprehensive) strategic partnership."),
        TieType("arms_transfer", True, "event",
                "Sale, order or delivery of weapons or military equipment "
                "(system, quantity, value when known).",
                from_kinds=STATE_OR_COMPANY, to_kinds=ANY, roles=("supplier", "recipient")),
        TieType("licensed_production", True, "standing",
                "Production, assembly or maintenance of one party's system by the other "
                "under licence or joint-production agreement.",
                from_kinds=STATE_OR_COMPANY, to_kinds=STATE_OR_COMPANY,
                roles=("licensor", "licensee")),
        TieType("defense_industrial_cooperation", False, "standing",
                "Joint defence-industrial projects, co-development, co-production for export."),
        TieType("joint_exercise", False, "event",
                "A named (or counted) joint military exercise; multilateral drills list all "
                "participants."),
        TieType("training", True, "standing",
                "Training, education or advisory programme: trainer -> trainee.",
                roles=("trainer", "trainee")),
        TieType("military_assistance", True, "event",
                "Operational military support or deployment (advisers, troops, logistics) "
                "from one actor to another in a crisis or war.",
                roles=("provider", "recipient")),
        TieType("defense_meeting", False, "event",
                "Ministerial visit or meeting of defence ministers, security-council "
                "secretaries or intelligence chiefs."),
        TieType("membership", True, "standing",
                "Actor -> organisation membership; attributes.role is member or observer.",
                from_kinds=frozenset({"state", "organization"}),
                to_kinds=frozenset({"organization"}), roles=("member", "organization")),
    )
}

#: Status vocabulary.  A proposal is not a treaty: analyses can drop TENTATIVE.
STATUSES: tuple[str, ...] = (
    "signed", "delivered", "held", "active", "ended",
    "announced", "planned", "proposed",
)
TENTATIVE_STATUSES: frozenset[str] = frozenset({"announced", "planned", "proposed"})

MEMBERSHIP_ROLES: tuple[str, ...] = ("member", "observer")

#: The research scope of the thesis: the six Turkic states.
TURKIC_SIX: tuple[str, ...] = ("TUR", "AZE", "KAZ", "KGZ", "UZB", "TKM")
