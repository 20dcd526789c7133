"""Use cases for residents voting with a one-time code, and the receipt that proves it counted.

Why a code: a council posts each resident a letter with a code (``coprod codes create``), so
residents vote without an account and without the ballot box learning who they are. The
code's pseudonym in the process (:meth:`PersonalDataStore.pseudonymise` of its hash) is the
voter, so one code casts one counted ballot: the ballot id derives from that pseudonym and a
second ballot clashes in the store, across server processes. The resident is recorded as
:data:`CODE_VOTER`, the same anonymous actor for every code, never a person.

The receipt is the ballot's id encrypted under a server key (one AES block: a keyed
permutation), written in the codes' alphabet. It reveals nothing to anyone without the key,
neither the choices nor the ballot; the server decrypts it back to the ballot's id to say
whether and since when that ballot counts. A made-up receipt decrypts to no ballot.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cached_property
from uuid import UUID

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from coprod.adapters.privacy import PersonalDataStore, process_secret_subject
from coprod.adapters.voting_codes import (
    CODE_ALPHABET,
    VotingCodeStore,
    code_hash,
    new_code,
    voting_code_store_for,
)
from coprod.application import policy
from coprod.application.ballots import BallotCommands
from coprod.application.base import Receipt
from coprod.application.commands import ballots as cmd
from coprod.domain.aggregate import natural_id
from coprod.domain.ballot import Ballot, BallotChannel, MarkedBallot
from coprod.domain.errors import InvalidInput, NotAllowed
from coprod.domain.process import Process
from coprod.domain.values import Actor, Role

__all__ = [
    "CODE_VOTER",
    "INVITED_VOTER",
    "MAX_CODES",
    "CodeState",
    "VotedWithCode",
    "VotingCodeCommands",
]

#: The actor every code ballot is recorded under: a resident, anonymous and the same for all.
CODE_VOTER = Actor(natural_id("actor", "voting-code"), Role.RESIDENT)
#: The actor an invited resident's ballot is recorded under: anonymous and the same for all,
#: so the ballot (and its choices) never names the person who signed in.
INVITED_VOTER = Actor(natural_id("actor", "invited-voter"), Role.RESIDENT)
#: The most codes one command makes (a letter run for a large district).
MAX_CODES = 200_000
#: The subject of the key that encrypts receipts (kept wrapped like every other key).
RECEIPT_KEY_SUBJECT = "ballot-receipts"
_RECEIPT_SYMBOLS = 26  # 26 base-32 symbols hold the 128 bits of a ballot id


class CodeState(Enum):
    """What a code opens in a process: a vote, a ballot already cast, or nothing."""

    VALID = "valid"
    USED = "used"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class VotedWithCode:
    """A cast ballot's write receipt and the voter's receipt code to check it later."""

    receipt: Receipt
    receipt_code: str


class VotingCodeCommands(BallotCommands):
    """Making voting codes, casting with one, and checking a voter's receipt."""

    personal_data: PersonalDataStore

    @cached_property
    def voting_codes(self) -> VotingCodeStore:
        """The code hashes, in the events' database (built on first use)."""
        return voting_code_store_for(self.factory)

    def create_voting_codes(self, command: cmd.CreateVotingCodes, actor: Actor) -> tuple[str, ...]:
        """Make the codes and store their hashes; the codes themselves are returned once.

        Only an officer of the process's council (or the system) makes codes: a code is a
        vote, so whoever makes codes decides who votes.
        """
        process = self.load(Process, command.process_id)
        policy.council_officer_of(actor, process.council_id, f"process {process.id}")
        if not 1 <= command.count <= MAX_CODES:
            raise InvalidInput("count", f"make between 1 and {MAX_CODES} codes at a time")
        codes = tuple(new_code() for _ in range(command.count))
        self.voting_codes.add(process.id, (_hash(c) for c in codes))
        return codes

    def voting_code_state(self, process_id: UUID, code: str) -> CodeState:
        """Whether a code opens this process's vote, was already used, or is no code of it."""
        hashed = code_hash(code)
        if hashed is None or self.voting_codes.process_of(hashed) != process_id:
            return CodeState.UNKNOWN
        ballot_id = Ballot.create_id(process_id, self._code_pseudonym(process_id, hashed))
        return CodeState.USED if self.exists(ballot_id) else CodeState.VALID

    def cast_ballot_with_code(self, command: cmd.CastBallotWithCode, actor: Actor) -> VotedWithCode:
        """Cast a resident's ballot with a code of this process; one counted ballot per code.

        The policy decides with the code's validity (an unknown code is refused exactly as
        a code of another process); a second ballot with the same code is a DuplicateBallot.
        """
        hashed = code_hash(command.code)
        valid = hashed is not None and self.voting_codes.process_of(hashed) == command.process_id
        process = self._castable(actor, command.process_id, code_valid=valid)
        assert hashed is not None
        pseudonym = self._code_pseudonym(process.id, hashed)
        marked = MarkedBallot(
            pseudonym,
            command.choices,
            BallotChannel.ONLINE,
            command.area_code,
            command.age_band,
            command.sex,
        )
        receipt = self._cast(actor, process, marked)
        return VotedWithCode(receipt, self.receipt_code(receipt.aggregate_id))

    def invited_vote_state(self, process_id: UUID, actor: Actor) -> CodeState:
        """Whether an invited resident may still vote here (VALID) or already did (USED);
        UNKNOWN where the policy refuses them (another council's resident, not a resident)."""
        process = self.load(Process, process_id)
        try:
            policy.may_cast_ballot(actor, process.council_id, "this vote", invited=True)
        except NotAllowed:
            return CodeState.UNKNOWN
        if actor.role is not Role.RESIDENT:
            return CodeState.UNKNOWN
        ballot_id = Ballot.create_id(process_id, self._invited_pseudonym(process_id, actor))
        return CodeState.USED if self.exists(ballot_id) else CodeState.VALID

    def cast_ballot_as_invited(
        self, command: cmd.CastBallotAsInvited, actor: Actor
    ) -> VotedWithCode:
        """Cast a signed-in resident's ballot; the council's invitation is the eligibility.

        The pseudonym derives from the resident's actor id under the process's secret, so one
        person casts one counted ballot however often they sign in; a second is a
        DuplicateBallot. The clear id never reaches the event.
        """
        process = self.load(Process, command.process_id)
        policy.may_cast_ballot(actor, process.council_id, f"process {process.id}", invited=True)
        marked = MarkedBallot(
            self._invited_pseudonym(process.id, actor),
            command.choices,
            BallotChannel.ONLINE,
            command.area_code,
            command.age_band,
            command.sex,
        )
        receipt = self._cast(INVITED_VOTER, process, marked)
        return VotedWithCode(receipt, self.receipt_code(receipt.aggregate_id))

    def _invited_pseudonym(self, process_id: UUID, actor: Actor) -> str:
        return self._pseudonym(process_id, f"invited:{actor.id}")

    def _code_pseudonym(self, process_id: UUID, hashed: str) -> str:
        return self._pseudonym(process_id, f"code:{hashed}")

    def _pseudonym(self, process_id: UUID, subject: str) -> str:
        """``personal_data.pseudonymise(process_id, subject)``, with the process's secret
        remembered: asking the store for it is a write transaction (made on first use),
        which cost a fifth of a web ballot's time. A process secret is never replaced
        (pseudonyms must stay stable for the whole vote), so remembering it is safe."""
        secret = self._process_secrets.get(process_id)
        if secret is None:
            secret = self.personal_data.key_for(process_secret_subject(process_id))
            self._process_secrets[process_id] = secret
        return hmac.new(secret, subject.encode(), hashlib.sha256).hexdigest()

    @cached_property
    def _process_secrets(self) -> dict[UUID, bytes]:
        return {}

    # -- receipts --------------------------------------------------------------------------------

    def receipt_code(self, ballot_id: UUID) -> str:
        """The voter's receipt for a ballot: its id encrypted under the receipt key."""
        block = self._receipt_cipher().encryptor().update(ballot_id.bytes)
        number = int.from_bytes(block, "big")
        symbols = []
        for _ in range(_RECEIPT_SYMBOLS):
            number, digit = divmod(number, 32)
            symbols.append(CODE_ALPHABET[digit])
        text = "".join(reversed(symbols))
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))

    def counted_since(self, process_id: UUID, receipt_code: str) -> datetime | None:
        """When the ballot behind a receipt was recorded, if it counts in this process.

        Every stored ballot counts (a closed ballot box refuses new ones), so a receipt that
        names a ballot of this process is "counted"; anything else, None. The choices are
        not looked at.
        """
        symbols = "".join(ch for ch in receipt_code.upper() if ch not in " -\t")
        if len(symbols) != _RECEIPT_SYMBOLS or any(ch not in CODE_ALPHABET for ch in symbols):
            return None
        number = 0
        for ch in symbols:
            number = number * 32 + CODE_ALPHABET.index(ch)
        if number >> 128:
            return None
        ballot_id = UUID(bytes=self._receipt_cipher().decryptor().update(number.to_bytes(16)))
        if not self.exists(ballot_id):
            return None
        ballot = self.load(Ballot, ballot_id)
        if ballot.process_id != process_id:
            return None
        return ballot.created_on

    def _receipt_cipher(self) -> Cipher[modes.ECB]:
        """One AES block per receipt: a ballot id is exactly one block and never repeats,
        so the electronic code book mode is a keyed permutation of ids, which is the point."""
        return Cipher(algorithms.AES(self._receipt_key), modes.ECB())

    @cached_property
    def _receipt_key(self) -> bytes:
        """Fetched once per application: it is made once and never changes."""
        return self.personal_data.key_for(RECEIPT_KEY_SUBJECT)


def _hash(code: str) -> str:
    hashed = code_hash(code)
    assert hashed is not None
    return hashed
