"""The impact report's sections are listed once, in order, each built by one method of one room.

The report used to call its sections one by one inside one 860-line class; now each group of
sections lives in its own module (participation, allocation, delivery, community) and the
report runs the table ``SECTIONS``. A section left out of the table would silently vanish
from every published report, and one listed twice would publish its tables twice.
"""

from __future__ import annotations

from projections.impact.report import SECTIONS
from projections.impact.report.allocation import Allocation
from projections.impact.report.commissioning import CoCommissioning
from projections.impact.report.community import Community
from projections.impact.report.delivery import Delivery
from projections.impact.report.participation import Participation

ROOMS = (Participation, Allocation, Delivery, Community, CoCommissioning)


def _room_of(section: object) -> type:
    name = getattr(section, "__name__", "")
    rooms = [room for room in ROOMS if name in vars(room)]
    assert len(rooms) == 1, f"{name} is defined in {len(rooms)} rooms"
    return rooms[0]


def test_every_section_is_listed_once() -> None:
    names = [section.__name__ for section in SECTIONS]
    assert len(names) == len(set(names))
    assert len(names) == 20


def test_every_room_builds_at_least_one_section_and_each_section_has_one_room() -> None:
    rooms = {_room_of(section) for section in SECTIONS}
    assert rooms == set(ROOMS)


def test_the_sections_run_in_the_order_the_report_lists_them() -> None:
    names = [section.__name__ for section in SECTIONS]
    assert names[:3] == ["_turnout", "_funnel", "_representation"]
    assert names[-7:] == [
        "_community",
        "_in_kind",
        "_community_value",
        "_reporting_burden",
        "_co_design",
        "_panels",
        "_compliance",
    ]
