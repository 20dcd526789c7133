"""Process summary: state, budget, counts per stage and (after the vote) tallies, as of any time.

Why the rows look the way they do: every published figure must be reproducible as it stood
on a past date, so nothing is updated in place except the vote tallies.

* ``<g>_process``: one full row per change of the process (history rows, ``valid_from`` =
  the event's timestamp and position); "as of T" is the last row at or before T.
* ``<g>_facts``: one row per counted fact (idea submitted, assessed feasible, decision now
  rejected, project completed, ...) with the subject it is about; a count as of T is over the
  latest fact per subject at or before T, so re-assessments and corrected decisions move a
  subject between columns instead of counting it twice.
* ``<g>_ballot_runs``: the counted ballots as runs (one row per batch and process, with
  every ballot's position and timestamp; :mod:`projections.ballot_runs`), so the number of
  ballots cast is exact as of any T. Version 2: version 1 had one row per ballot.
* ``<g>_tallies``: running totals per proposal. They are stored during the vote but
  :func:`process_summary` returns them only once the ballot is closed as of the asked time.
  Because the read model counts no ballot recorded after ``BallotClosed`` (DOMAIN.md: "no
  later ballot is counted"), the totals are final from the close on and need no history.
* ``<g>_subjects``: which process a proposal, decision or project belongs to, since most of
  their events do not repeat the process id.

The package: :mod:`.model` (the events it takes and their handlers), :mod:`.tables` (its
tables and data dictionary), :mod:`.queries` (one process as of a time) and :mod:`.listing`
(the list of processes).
"""

from projections.process_summary.listing import (
    MAX_LIMIT,
    ProcessListItem,
    ProcessPage,
    decode_cursor,
    process_page,
    read_processes,
)
from projections.process_summary.model import ProcessSummaryModel
from projections.process_summary.queries import ProcessSummary, ProposalTally, process_summary

__all__ = [
    "MAX_LIMIT",
    "ProcessListItem",
    "ProcessPage",
    "ProcessSummary",
    "ProcessSummaryModel",
    "ProposalTally",
    "decode_cursor",
    "process_page",
    "process_summary",
    "read_processes",
]
