"""The trail from idea to delivery as a page shows it: the public timeline, and the figures
of the latest release (volunteer hours and people, disclosure-controlled).

The entries are exactly the public view the API serves (``Timeline.to_dict(public=True)``),
so the page drops what the API drops; corrections keep their ``corrects`` position, which
the template links to the row they correct.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from api.web.published import figures_of
from coprod.domain.release import Release
from projections.releases import project_volunteering as volunteering_row
from projections.timeline import Timeline

__all__ = [
    "delay_reasons",
    "project_volunteering",
    "trail_entries",
]


def trail_entries(timeline: Timeline) -> list[dict[str, Any]]:
    """The public entries, oldest first, with their time parsed for the date formats and
    their summary's code and values for the reader's language."""
    entries = timeline.to_dict(public=True)["entries"]
    for entry, row in zip(entries, timeline.entries, strict=True):
        entry["at"] = datetime.fromisoformat(entry["at"])
        entry["valid_from"] = row.valid_from  # when it happened, if before it was recorded
        # The page shows the summary in the reader's language from these (api.web.trail_summaries).
        entry["summary_code"], entry["summary_values"] = row.summary_parts(public=True)
    return list(entries)


def delay_reasons(entries: list[dict[str, Any]]) -> dict[str, str]:
    """Milestone code -> the reason given for its latest delay, from the trail."""
    return {
        str(e["item"]): str(e["reason"])
        for e in entries
        if e["event"] == "Project.MilestoneDelayed" and e["reason"]
    }


def project_volunteering(release: Release, project_id: UUID) -> dict[str, Any] | None:
    """The project's volunteer-hours row of the release (see projections.releases)."""
    return volunteering_row(figures_of(release), project_id)
