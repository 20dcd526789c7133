"""The demo cycle's fixed content: areas, themes, groups and the summary it prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from coprod.domain.ballot import AgeBand
from coprod.domain.decision import ComplaintsGuidance
from coprod.domain.organisation import Organisation
from coprod.domain.phases import Phase
from coprod.domain.process import Area, Process

CURRENCY = "DKK"
#: The first cycle's calendar, in days before today: set-up, each phase, the decision.
SET_UP_DAYS_AGO = 560
PHASES_DAYS_AGO = (
    (Phase.IDEAS, 540, 500),
    (Phase.DEVELOPMENT, 499, 460),
    (Phase.REVIEW, 459, 430),
    (Phase.VOTE, 429, 410),
    (Phase.DECISION, 409, 390),
    (Phase.DELIVERY, 389, -365),
)
DECIDED_DAYS_AGO = 390
POT = Decimal("3000000")
AREAS = (
    Area("north", "Nordbyen", population=9_800, need_weight=2),
    Area("harbour", "Havnekvarteret", population=7_200, need_weight=3),
    Area("west", "Vestparken", population=11_500, need_weight=4),
    Area("old-town", "Gamle By", population=6_100, need_weight=1),
)
THEMES = (
    ("green", "Pocket park", "Trees, benches and rain beds on a paved corner"),
    ("green", "Community garden", "Raised beds and a tool shed run by neighbours"),
    ("mobility", "Safe cycle route", "Protected lane and crossings to the school"),
    ("mobility", "Bike repair station", "Public pump and tools at the library"),
    ("youth", "Youth club evenings", "Two evenings a week with trained volunteers"),
    ("youth", "Skate and play area", "Small skate spot beside the playground"),
    ("culture", "Outdoor stage", "A covered stage for local music and theatre"),
    ("culture", "Neighbourhood festival", "A yearly festival organised with local groups"),
    ("social", "Seniors' lunch club", "Weekly shared lunch against loneliness"),
    ("social", "Homework café", "Volunteer tutors twice a week"),
    ("health", "Outdoor gym", "Fitness equipment along the walking loop"),
    ("health", "Walking group kit", "Signs, maps and vests for guided walks"),
)
GROUPS = (
    ("nordbyen-residents", "Nordbyen Residents' Association"),
    ("havn-youth", "Havnekvarteret Youth Network"),
    ("vest-gardeners", "Vestparken Gardeners"),
    ("old-town-seniors", "Gamle By Seniors"),
    ("cycling-club", "Local Cycling Club"),
)
AGE_WEIGHTS = (
    (AgeBand.AGE_16_24, 9),
    (AgeBand.AGE_25_34, 14),
    (AgeBand.AGE_35_44, 18),
    (AgeBand.AGE_45_54, 18),
    (AgeBand.AGE_55_64, 17),
    (AgeBand.AGE_65_74, 15),
    (AgeBand.AGE_75_PLUS, 9),
)
COMPLAINTS = ComplaintsGuidance(
    body="Ankestyrelsen",
    procedure="Written complaint to the council, forwarded with its reasons",
    deadline_days=28,
)


@dataclass
class DemoSummary:
    """What the demo recorded, for the printed summary (and the tests)."""

    already_present: bool
    process_id: UUID
    events: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    def rows(self) -> list[tuple[str, object]]:
        """The summary as (label, value) rows, in lifecycle order."""
        order = (
            "organisations",
            "community groups",
            "census tables loaded",
            "ideas",
            "ideas merged",
            "ideas withdrawn",
            "proposals",
            "assessed unfeasible",
            "shortlisted",
            "ballots",
            "decisions: funded in full",
            "decisions: funded partially",
            "decisions: rejected",
            "decisions: deferred",
            "decisions corrected",
            "projects",
            "milestones met",
            "milestones started",
            "milestones delayed",
            "milestones cancelled",
            "milestones scheduled",
            "projects completed",
            "spend records",
            "spend total (DKK)",
            "commitments",
            "contributions logged",
            "volunteer hours logged",
            "voting process: proposals on the ballot",
            "voting process: ballots so far",
        )
        rows: list[tuple[str, object]] = [("process id", self.process_id)]
        rows += [(k, self.counts[k]) for k in order if k in self.counts]
        rows.append(("events in the store", self.events))
        return rows


def demo_process_id(seed: int) -> UUID:
    """The process the demo for `seed` creates: fixed, so a second run is recognised."""
    council = Organisation.create_id(slug=f"demo-council-{seed}")
    return Process.create_id(council_id=council, code=f"demo-pb-{seed}")
