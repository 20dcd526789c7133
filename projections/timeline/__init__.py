"""Project timeline: the audit trail of one idea, from submission to outcomes, as of any time.

Why the rows look the way they do: councils and evaluators must see the whole story of an item
(idea → proposal → assessment → ballot → decision → project → milestones → spend → completion
→ outcomes) exactly as it stood on a past date, with every correction shown beside what it
corrects and every changed field with its value before and after. Existing platforms lose
this because they overwrite rows; here every row is written once and never updated.

* ``<g>_entries``: one row per event per *chain*. A chain is one idea's stream and everything
  that hangs off it (its decision, project, milestones, spend, commitments, contributions),
  keyed by the idea's id. Process-wide events that matter to the idea (ballot opened/closed,
  an ``Outcome.Computed`` count) are written once per proposal they concern, so reading a
  chain is one indexed range scan ``WHERE chain_id IN (..) AND ts_us <= T``. Each row carries
  its changed fields as ``(field, before, after)`` JSON, its links, and ``corrects``: the log
  position of the row it corrects, revises or moves (a corrected decision, a corrected spend,
  a re-assessment, a revised cost estimate, a delayed milestone).
* ``<g>_subjects``: which chain (and process) every id belongs to, so a project, decision or
  idea id all resolve to the same timeline; ``ts_us`` lets as-of refuse ids not yet created.
* ``<g>_merges``: idea merges with their time; a merged idea's timeline is the one it was
  merged into (as of T), and that one includes the merged idea's own earlier rows.
* ``<g>_state`` and ``<g>_options``: the write side's working memory (the current value of
  each tracked field, so a later event can show its "before"; the proposals on each ballot
  paper). Readers never use them: as-of answers come from the entries alone.

Ballots are not listed (a process may have 100k): the timeline shows the ballot opening and
closing and, after the close, the proposal's tally from the process summary read model.
No person's details appear: actors are pseudonymous ids (``TimelineEntry.PERSONAL_FIELDS``
names the fields a public view must drop), so an erased person leaves nothing to hide.
"""

from __future__ import annotations

from projections.timeline.model import TimelineModel
from projections.timeline.query import (
    PUBLIC_DROPPED_CHANGES,
    FieldChange,
    Link,
    Timeline,
    TimelineEntry,
    project_timeline,
)

__all__ = [
    "PUBLIC_DROPPED_CHANGES",
    "FieldChange",
    "Link",
    "Timeline",
    "TimelineEntry",
    "TimelineModel",
    "project_timeline",
]
