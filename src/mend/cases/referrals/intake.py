"""Referrals come in: cases, references, people and parties."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.events import CaseEvent
from mend.cases.kernel import require_on_case
from mend.core import access, audit
from mend.core.roles import Perm
from mend.people.models import Person, name_key, postcode_key


def next_reference(organisation, on: date) -> str:
    """Gapless per organisation and year: the counter row is locked while the number is taken."""
    counter, _created = m.CaseCounter.objects.get_or_create(organisation=organisation, year=on.year)
    counter = m.CaseCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    prefix = "".join(ch for ch in organisation.slug.upper() if ch.isalnum())[:6] or "CASE"
    return f"{prefix}-{on.year}-{counter.last:05d}"


def create_case(
    *,
    actor,
    organisation,
    case_type: m.CaseType,
    source: str,
    summary: str = "",
    referring_agency: str = "",
    referrer_contact: dict | None = None,
    justice_stage: str = c.JusticeStage.NONE,
    sharing_basis: str = "",
    sharing_reference: str = "",
    incident_date: date | None = None,
    reported_on: date | None = None,
    enhanced_rights: bool = False,
    harmed_initiated: bool = False,
    complexity_factors=(),
    team=None,
) -> m.Case:
    """Record a referral. `actor` is None for a public self-referral."""
    if actor is not None and not (
        access.has_perm(actor, Perm.CREATE_CASES, organisation)
        or access.has_perm(actor, Perm.REFER, organisation)
    ):
        raise ValidationError(_("You cannot enter referrals for this organisation."))
    if source not in c.Source.values:
        raise ValidationError({"source": _("Choose where the referral came from.")})
    if source == c.Source.AGENCY and not referring_agency.strip():
        raise ValidationError({"referring_agency": _("Enter the referring agency.")})
    if reported_on and reported_on > timezone.localdate():
        raise ValidationError(
            {"reported_on": _("The date the crime was reported cannot be in the future.")}
        )
    with transaction.atomic():
        today = timezone.localdate()
        case = m.Case.objects.create(
            organisation=organisation,
            reference=next_reference(organisation, today),
            case_type=case_type,
            source=source,
            # Only partner-agency referrers follow their referrals; staff entering one do not.
            referrer=actor
            if actor is not None
            and access.has_perm(actor, Perm.REFER, organisation)
            and not access.has_perm(actor, Perm.CREATE_CASES, organisation)
            else None,
            referring_agency=referring_agency.strip(),
            referrer_contact=referrer_contact,
            summary=summary,
            justice_stage=justice_stage,
            sharing_basis=sharing_basis,
            sharing_reference=sharing_reference,
            received_on=today,
            incident_date=incident_date,
            reported_on=reported_on,
            enhanced_rights=enhanced_rights,
            harmed_initiated=harmed_initiated,
            team=team,
        )
        if complexity_factors:
            case.complexity_factors.set(complexity_factors)
        m.StatusChange.objects.create(
            organisation=organisation,
            case=case,
            transition="refer",
            from_status="",
            to_status=c.Status.REFERRED,
            by=actor if actor is not None else None,
        )
        audit.record(
            CaseEvent.REFERRED,
            actor=actor,
            organisation=organisation,
            obj=case,
            changes={
                "source": [None, source],
                "case_type": [None, case_type.code],
                "summary": audit.REDACTED if summary else None,
            },
        )
    return case


def likely_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    postcode: str = "",
    limit: int = 10,
) -> list[tuple[Person, list[str]]]:
    """People already known who may be the same human, with the reasons (offered, never forced).

    Runs inside the current organisation scope. Same last name plus any of: same date of birth,
    same postcode, same first name or initial; or same date of birth and same postcode.
    """
    last, first, code = name_key(last_name), name_key(first_name), postcode_key(postcode)
    if not last and not (date_of_birth and code):
        return []
    from django.db.models import Q

    query = Q(last_name_key=last) if last else Q()
    if date_of_birth and code:
        query |= Q(date_of_birth=date_of_birth, postcode_key=code)
    found = []
    for person in Person.objects.filter(query).order_by("last_name", "first_name")[:200]:
        reasons = []
        if last and person.last_name_key == last:
            reasons.append(_("same last name"))
        if date_of_birth and person.date_of_birth == date_of_birth:
            reasons.append(_("same date of birth"))
        if code and person.postcode_key == code:
            reasons.append(_("same postcode"))
        if first and person.first_name_key == first:
            reasons.append(_("same first name"))
        elif first and person.first_name_key[:1] == first[:1]:
            reasons.append(_("same first initial"))
        if len(reasons) >= 2:
            found.append((person, reasons))
    found.sort(key=lambda pair: -len(pair[1]))
    return found[:limit]


def add_party(
    *,
    actor,
    case: m.Case,
    role: str,
    person: Person | None = None,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    contact: dict | None = None,
    preferred_language: str = "en",
    other_language: str = "",
    needs_interpreter: bool = False,
    contact_preferences: dict | None = None,
    accessibility_needs: str = "",
    safety_flags: str = "",
    never_disclose: str = "",
    is_under_18: bool = False,
    supports: m.Party | None = None,
) -> m.Party:
    """Add a party: an existing person (chosen from the likely duplicates) or a new one."""
    if actor is not None:
        require_on_case(actor, Perm.WORK_CASES, case)
    if role not in c.PartyRole.values:
        raise ValidationError({"role": _("Choose the person's part in the case.")})
    if person is None and not first_name.strip():
        raise ValidationError({"first_name": _("Enter the person's first name.")})
    with transaction.atomic():
        if person is None:
            person = Person.objects.create(
                organisation=case.organisation,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                date_of_birth=date_of_birth,
                postcode=postcode.strip(),
                contact=contact,
                preferred_language=preferred_language,
                other_language=other_language,
                needs_interpreter=needs_interpreter,
            )
        elif person.organisation_id != case.organisation_id:
            raise ValidationError(_("That person is not known to this organisation."))
        party = m.Party.objects.create(
            organisation=case.organisation,
            case=case,
            person=person,
            role=role,
            supports=supports,
            contact_preferences=contact_preferences,
            accessibility_needs=accessibility_needs,
            safety_flags=safety_flags,
            never_disclose=never_disclose,
            is_under_18=is_under_18,
        )
        audit.record(
            CaseEvent.PARTY_ADDED,
            actor=actor,
            organisation=case.organisation,
            obj=party,
            changes={"case": [None, case.pk], "role": [None, role], "person": [None, person.pk]},
        )
    return party
