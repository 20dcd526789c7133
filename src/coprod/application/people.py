"""Use cases for organisations and people, and the app's door to the personal-data store.

Personal details never reach an event: ``register_person`` writes them to the deletable
store and records only an opaque id, and ``erase_person`` really deletes them, destroys the
person's key and leaves a marker event, so every aggregate and projection still rebuilds.

Each is ONE transaction with its event (the personal-data store's steps run inside the
recorder's transaction, :mod:`coprod.adapters.recording`): a crash at any point leaves either the
details and the Registered event, or neither; either the Erased event and no details, or
the details and no Erased event.
"""

from __future__ import annotations

from functools import cached_property
from uuid import UUID, uuid4

from coprod.adapters.privacy import REMOVED, PersonalDataStore
from coprod.adapters.privacy_sql import personal_data_store_for
from coprod.adapters.recording import InTransaction
from coprod.application import policy
from coprod.application.base import CoprodBase, Receipt
from coprod.application.commands import people as cmd
from coprod.application.policy import Registration
from coprod.domain.errors import NotFound, StaleVersion
from coprod.domain.inputs import check_person_details
from coprod.domain.organisation import Organisation, OrganisationKind, Person
from coprod.domain.values import Actor, Role


class PeopleCommands(CoprodBase):
    """Organisations, memberships and people; each command takes the version last seen."""

    @cached_property
    def personal_data(self) -> PersonalDataStore:
        """The personal-data and key store, in the same database as the events.

        Built on first use so the application's constructor stays the library's.
        """
        return personal_data_store_for(self.factory)

    def pseudonymise(self, process_id: UUID, voter_ref: str) -> str:
        """The voter's pseudonym in this process (64 hex characters); see coprod.adapters.privacy."""
        return self.personal_data.pseudonymise(process_id, voter_ref)

    # -- organisations -------------------------------------------------------------------------

    def register_organisation(self, command: cmd.RegisterOrganisation, actor: Actor) -> Receipt:
        """Register an organisation; the same slug twice is refused as AlreadyExists."""
        organisation = Organisation.register(
            actor, command.slug, command.kind, command.display_name
        )
        return self.commit(organisation)

    def add_member(self, command: cmd.AddMember, actor: Actor) -> Receipt:
        """Add a registered person to an organisation in a role that fits it.

        The person must be visible to the actor: a person hidden from them answers 404 as
        if unknown, so adding members cannot be used to probe who exists.
        """
        organisation = self._manageable(actor, command.organisation_id, command.expected_version)
        person_id = command.person_id
        person = self.load(Person, person_id)
        policy.require_person_known(actor, person_id, self.registration(person.registered_by))
        organisation.add_member(actor, person_id, command.role)
        return self.commit(organisation)

    def remove_member(self, command: cmd.RemoveMember, actor: Actor) -> Receipt:
        """Take a person out of an organisation (whoever may manage its members)."""
        organisation = self._manageable(actor, command.organisation_id, command.expected_version)
        organisation.remove_member(actor, command.person_id)
        return self.commit(organisation)

    def get_organisation(self, organisation_id: UUID) -> Organisation:
        return self.load(Organisation, organisation_id)

    def visible_members(
        self, actor: Actor | None, organisation: Organisation
    ) -> dict[UUID, Role] | None:
        """The member list if this actor may see it (the organisation and its council)."""
        if actor is None:
            return None  # anonymous readers never see it: no need to look up the registrar
        registration = self.registration(organisation.registered_by)
        if policy.members_visible(actor, organisation.id, registration):
            return dict(organisation.members)
        return None

    def registration(self, registered_by: UUID | None) -> Registration:
        """Who registered something, and the council that registrar works with."""
        if registered_by is None:
            return Registration(None, None)
        try:
            registrar = self.load(Organisation, registered_by)
        except NotFound:
            return Registration(registered_by, None)
        if registrar.kind is OrganisationKind.COUNCIL:
            return Registration(registered_by, registered_by)
        return Registration(registered_by, registrar.registered_by)

    def _manageable(
        self, actor: Actor, organisation_id: UUID, expected_version: int | None
    ) -> Organisation:
        organisation = self.load(Organisation, organisation_id, expected_version)
        policy.may_manage_members(
            actor,
            organisation_id,
            organisation.slug,
            Registration(organisation.registered_by, None),
        )
        return organisation

    # -- people --------------------------------------------------------------------------------

    def register_person(self, command: cmd.RegisterPerson, actor: Actor) -> Receipt:
        """A new person with a fresh id; the details go to the personal-data store only.

        The details are written in the transaction that records the Registered event, so no
        personal data is ever left behind without a person to erase it through.
        """
        clean = check_person_details("details", command.details)
        person = Person.register(actor, uuid4(), tuple(clean))
        store = self.personal_data.put_step(person.id, clean)
        return self.commit(person, within=InTransaction(writes=(store,)))

    def visible_person(self, actor: Actor, person_id: UUID) -> Person:
        """The person, if this actor may see them (else 404, as for an unknown id)."""
        person = self.load(Person, person_id)
        policy.require_person_visible(actor, person_id, self.registration(person.registered_by))
        return person

    def person_details(self, person_id: UUID, person: Person | None = None) -> dict[str, str]:
        """The person's details; after erasure every known field reads "[removed]".

        Details missing without an erasure event can only come from an erasure that deleted
        the data but could not record its marker, so they also read as removed. A caller
        that has just loaded the person passes it, to save a second read.
        """
        if person is None or person.id != person_id:
            person = self.load(Person, person_id)
        stored = None if person.erased else self.personal_data.get(person_id)
        if stored is None:
            return dict.fromkeys(person.detail_fields, REMOVED)
        return stored

    def erase_person(self, command: cmd.ErasePerson, actor: Actor) -> Receipt:
        """GDPR erasure: delete the details and the person's key, and record the marker.

        All three in the transaction that records the Erased event: an erasure is either
        complete or not recorded at all (and then a retry erases). The deleted bytes may
        linger in free pages and the WAL until ``coprod privacy purge``.
        """
        person_id, expected_version = command.person_id, command.expected_version
        person = self.load(Person, person_id)
        policy.may_erase_person(actor, person_id, self.registration(person.registered_by))
        if expected_version is not None and person.version != expected_version:
            # Checked after the policy, so a stale version tells nobody the person exists.
            raise StaleVersion("person", person_id, expected_version, person.version)
        person.erase(actor)
        erase = self.personal_data.erase_step(person_id)
        return self.commit(person, within=InTransaction(writes=(erase,)))

    def get_person(self, person_id: UUID) -> Person:
        return self.load(Person, person_id)
