"""A person's own details (contact, language), changed from one of the cases they are part of."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mend.cases import models as m
from mend.cases.access import visible_case_ids
from mend.cases.assessment.actions import update_party
from mend.cases.events import CaseEvent
from mend.cases.kernel import check_version
from mend.core import access, audit
from mend.core.roles import Perm
from mend.people.models import Language, Person

PERSON_FIELDS = {
    "first_name",
    "last_name",
    "date_of_birth",
    "postcode",
    "contact",
    "preferred_language",
    "other_language",
    "needs_interpreter",
}


def _require_on_person(actor, person: Person) -> None:
    """`actor` may work on at least one case this person is part of."""
    if not access.has_perm(actor, Perm.WORK_CASES, person.organisation):
        raise PermissionDenied(_("You cannot change this person's details."))
    parties = m.Party.objects.filter(person=person)
    ids = visible_case_ids(actor, Perm.WORK_CASES)
    if ids is not None:
        parties = parties.filter(case__in=ids)
    if not parties.exists():
        raise PermissionDenied(_("You cannot change this person's details."))


def update_person(*, actor, person: Person, version: int | None, **fields) -> Person:
    """Change a person's own details. The second of two editors is refused (nothing is lost)."""
    _require_on_person(actor, person)
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise ValidationError(_("Those details cannot be changed here."))
    if "first_name" in fields and not (fields["first_name"] or "").strip():
        raise ValidationError({"first_name": _("Enter the person's first name.")})
    language = fields.get("preferred_language")
    if language is not None and language not in Language.values:
        raise ValidationError({"preferred_language": _("Choose the person's preferred language.")})
    if language == Language.OTHER and not (fields.get("other_language") or "").strip():
        raise ValidationError({"other_language": _("Enter which language.")})
    if language is not None and language != Language.OTHER:
        fields["other_language"] = ""
    for name in ("first_name", "last_name", "postcode", "other_language"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        check_version(locked, version)
        changed = []
        for name, value in fields.items():
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        if changed:
            locked.version += 1
            locked.save()
            audit.record(
                CaseEvent.PERSON_CHANGED,
                actor=actor,
                organisation=locked.organisation,
                obj=locked,
                changes=dict.fromkeys(sorted(changed), audit.REDACTED),
            )
    return locked


def update_party_details(
    *,
    actor,
    party: m.Party,
    party_version: int | None,
    person_version: int | None,
    party_fields: dict,
    person_fields: dict,
) -> m.Party:
    """A party's details and their person's, together: both saved or neither."""
    with transaction.atomic():
        update_person(actor=actor, person=party.person, version=person_version, **person_fields)
        return update_party(actor=actor, party=party, version=party_version, **party_fields)
