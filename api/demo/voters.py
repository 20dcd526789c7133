"""One voter's marked ballot, shared by both demo processes: channel and stated profile.

About one voter in ten leaves each optional profile field blank, as on real ballots, so the
report's "stated participants" differ from the turnout.
"""

from __future__ import annotations

import random
from uuid import UUID

from api.demo.data import AGE_WEIGHTS, AREAS
from coprod.application import Coprod
from coprod.domain.ballot import BallotChannel, MarkedBallot, Sex
from coprod.domain.voting import BallotChoices

_BANDS = [band for band, _ in AGE_WEIGHTS]
_BAND_WEIGHTS = [weight for _, weight in AGE_WEIGHTS]
_SEXES = (Sex.FEMALE, Sex.MALE, Sex.OTHER)
_SEX_WEIGHTS = (53, 45, 2)


def marked_ballot(
    app: Coprod, rng: random.Random, process_id: UUID, voter: str, approvals: tuple[UUID, ...]
) -> MarkedBallot:
    """The ballot of the voter named `voter` (pseudonymised), approving `approvals`."""
    return MarkedBallot(
        voter_pseudonym=app.pseudonymise(process_id, voter),
        choices=BallotChoices(approvals=approvals),
        channel=BallotChannel.ONLINE if rng.random() < 0.85 else BallotChannel.PAPER,
        area_code=AREAS[rng.randrange(len(AREAS))].code,
        age_band=rng.choices(_BANDS, _BAND_WEIGHTS)[0] if rng.random() < 0.9 else None,
        sex=rng.choices(_SEXES, _SEX_WEIGHTS)[0] if rng.random() < 0.9 else None,
    )
