"""Referrals come in: cases and their parties, entered by staff, referred by partner agencies
signed in, and by people referring themselves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases import workflow
from mend.cases.assessment.actions import handover_errors
from mend.cases.events import CaseEvent
from mend.cases.referrals.numbering import next_reference
from mend.cases.referrals.queries import PROVIDED_KEY
from mend.core import access, audit
from mend.core.models import Organisation, Team
from mend.core.roles import Perm
from mend.people.models import Person


def _contact(phone: str, email: str) -> dict | None:
    contact = {k: v.strip() for k, v in (("phone", phone), ("email", email)) if v and v.strip()}
    return contact or None


def _person_given(person: dict) -> bool:
    return bool((person.get("first_name") or "").strip())


def _record_handover(
    *, actor: Any, case: m.Case, level: str, handover_file: UploadedFile
) -> m.RiskAssessment:
    """The referrer's risk assessment, handed over with the referral (the caller's transaction).

    Not actions.record_risk_assessment: that asks for WORK_CASES on the case, which the person
    entering a referral (office staff, a practitioner outside the case's team) may not have.
    """
    assessment = m.RiskAssessment.objects.create(
        organisation=case.organisation,
        case=case,
        level=level,
        assessed_by=actor,
        is_handover=True,
        document=handover_file,
        document_name=(handover_file.name or "")[:200],
    )
    audit.record_for(
        CaseEvent.RISK_ASSESSED,
        case,
        actor=actor,
        changes={"level": [None, level], "handover": True},
    )
    return assessment


class CaseDetails(TypedDict, total=False):
    """What `create_case` is told about the referral beyond its organisation, type and source
    (see `_create_case`)."""

    summary: str
    referring_agency: str
    referrer_contact: dict | None
    justice_stage: str
    sharing_basis: str
    sharing_reference: str
    incident_date: date | None
    reported_on: date | None
    enhanced_rights: bool
    harmed_initiated: bool
    complexity_factors: Iterable[m.ComplexityFactor]
    team: Team | None


def create_case(
    *,
    actor: Any,
    organisation: Organisation,
    case_type: m.CaseType,
    source: str,
    **details: Unpack[CaseDetails],
) -> m.Case:
    """Record a referral. `actor` is None for a public self-referral."""
    if actor is not None and not (
        access.can(actor, Perm.CREATE_CASES, organisation)
        or access.can(actor, Perm.REFER, organisation)
    ):
        raise ValidationError(_("You cannot enter referrals for this organisation."))
    return _create_case(
        actor=actor, organisation=organisation, case_type=case_type, source=source, **details
    )


def _create_case(
    *,
    actor: Any,
    organisation: Organisation,
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
    complexity_factors: Iterable[m.ComplexityFactor] = (),
    team: Team | None = None,
) -> m.Case:
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
        case = m.Case.objects.create(  # type: ignore[misc]  # EncryptedJSONField is typed as its text base; it stores a dict
            organisation=organisation,
            reference=next_reference(organisation, today),
            case_type=case_type,
            source=source,
            # Only partner-agency referrers follow their referrals; staff entering one do not.
            referrer=actor
            if actor is not None
            and access.can(actor, Perm.REFER, organisation)
            and not access.can(actor, Perm.CREATE_CASES, organisation)
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


class PartyDetails(TypedDict, total=False):
    """What `add_party` is told about the party beyond its case and role (see `_add_party`)."""

    person: Person | None
    first_name: str
    last_name: str
    date_of_birth: date | None
    postcode: str
    contact: dict | None
    preferred_language: str
    other_language: str
    needs_interpreter: bool
    contact_preferences: dict | None
    accessibility_needs: str
    safety_flags: str
    never_disclose: str
    is_under_18: bool
    supports: m.Party | None


def add_party(*, actor: Any, case: m.Case, role: str, **details: Unpack[PartyDetails]) -> m.Party:
    """Add a party: an existing person (chosen from the likely duplicates) or a new one."""
    access.require(actor, Perm.WORK_CASES, case)
    return _add_party(actor=actor, case=case, role=role, **details)


def _add_party(
    *,
    actor: Any,
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
    """A party added by an action that has already checked who may do it (for a referral
    coming in, `actor` is the referrer or None: they add the people they refer, nothing more)."""
    if role not in c.PartyRole.values:
        raise ValidationError({"role": _("Choose the person's part in the case.")})
    if person is None and not first_name.strip():
        raise ValidationError({"first_name": _("Enter the person's first name.")})
    with transaction.atomic():
        if person is None:
            person = Person.objects.create(  # type: ignore[misc]  # EncryptedJSONField is typed as its text base; it stores a dict
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
        party = m.Party.objects.create(  # type: ignore[misc]  # EncryptedJSONField is typed as its text base; it stores a dict
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


def enter_referral(
    *,
    actor: Any,
    organisation: Organisation,
    handover_file: UploadedFile | None = None,
    handover_level: str = "",
    **details: Any,
) -> m.Case:
    """Staff enter a referral (from an agency, the person themselves or internally).

    `details` are create_case's keyword arguments. With a file, the referrer's risk assessment is
    kept as the case's handover.
    """
    access.require(actor, Perm.CREATE_CASES, organisation)
    if handover_file is not None:
        errors = {}
        problems = handover_errors(handover_file)
        if problems:
            errors["handover_file"] = problems
        if handover_level not in c.RiskLevel.values:
            errors["handover_level"] = [_("Choose the risk level from the referrer's assessment.")]
        if errors:
            raise ValidationError(errors)
    with transaction.atomic():
        # Staff hold CREATE_CASES, so the case has no referrer to follow it: the agency that
        # referred is in referrer_contact.
        case = _create_case(actor=actor, organisation=organisation, **details)
        if handover_file is not None:
            _record_handover(
                actor=actor, case=case, level=handover_level, handover_file=handover_file
            )
    return case


def submit_partner_referral(
    *,
    actor: Any,
    organisation: Organisation,
    case_type: m.CaseType,
    referring_agency: str,
    referrer_role: str = "",
    referrer_phone: str = "",
    summary: str,
    justice_stage: str = c.JusticeStage.NONE,
    sharing_basis: str,
    sharing_reference: str = "",
    incident_date: date | None = None,
    reported_on: date | None = None,
    enhanced_rights: bool = False,
    harmed_initiated: bool = False,
    handover_file: UploadedFile | None,
    handover_level: str,
    people: dict[str, dict] | None = None,
) -> m.Case:
    """A signed-in partner agency refers a case, with its risk assessment handed over.

    `people` maps a party role (harmed, responsible) to what the referrer knows of that person:
    {"first_name", "last_name", "phone", "email", "safe_times"}. The referrer becomes the case's
    referrer and may follow its status, nothing more.
    """
    access.require(actor, Perm.REFER, organisation)
    errors: dict[str, list[str]] = {}
    if sharing_basis not in c.SharingBasis.values:
        errors["sharing_basis"] = [_("Choose the basis on which you are sharing this information.")]
    if handover_file is None:
        errors["handover_file"] = [_("Upload your risk assessment.")]
    elif handover_errors(handover_file):
        errors["handover_file"] = handover_errors(handover_file)
    if handover_level not in c.RiskLevel.values:
        errors["handover_level"] = [_("Choose the risk level from your assessment.")]
    if not summary.strip():
        errors["summary"] = [_("Say what happened.")]
    people = {
        role: person
        for role, person in (people or {}).items()
        if role in workflow.PRINCIPAL_ROLES and _person_given(person)
    }
    if not people:
        errors["__all__"] = [
            _("Give the first name of the person harmed, the person responsible, or both.")
        ]
    if errors:
        raise ValidationError(errors)
    provided = {
        "summary": summary,
        "people": [
            {
                "role": role,
                "name": f"{p.get('first_name', '').strip()} {p.get('last_name', '').strip()}".strip(),
                "phone": (p.get("phone") or "").strip(),
                "email": (p.get("email") or "").strip(),
                "safe_times": (p.get("safe_times") or "").strip(),
            }
            for role, p in people.items()
        ],
    }
    with transaction.atomic():
        case = _create_case(
            actor=actor,
            organisation=organisation,
            case_type=case_type,
            source=c.Source.AGENCY,
            summary=summary,
            referring_agency=referring_agency,
            referrer_contact={
                "name": actor.full_name,
                "role": referrer_role.strip(),
                "email": actor.email,
                "phone": referrer_phone.strip(),
                PROVIDED_KEY: provided,
            },
            justice_stage=justice_stage,
            sharing_basis=sharing_basis,
            sharing_reference=sharing_reference.strip(),
            incident_date=incident_date,
            reported_on=reported_on,
            enhanced_rights=enhanced_rights,
            harmed_initiated=harmed_initiated,
        )
        assert handover_file is not None  # refused above when missing
        _record_handover(actor=actor, case=case, level=handover_level, handover_file=handover_file)
        for role, person in people.items():
            safe_times = (person.get("safe_times") or "").strip()
            # actor=None: a referrer may add the people they refer, but not work on the case.
            _add_party(
                actor=None,
                case=case,
                role=role,
                first_name=person.get("first_name", ""),
                last_name=person.get("last_name", ""),
                contact=_contact(person.get("phone", ""), person.get("email", "")),
                contact_preferences={"safe_times": safe_times} if safe_times else None,
            )
        audit.record(
            CaseEvent.PARTNER_REFERRAL,
            actor=actor,
            organisation=organisation,
            obj=case,
            changes={"people": [None, sorted(people)], "handover": [None, True]},
        )
    return case


def submit_self_referral(
    *,
    organisation: Organisation,
    case_type: m.CaseType,
    summary: str,
    role: str,
    first_name: str,
    last_name: str = "",
    phone: str = "",
    email: str = "",
    safe_times: str = "",
    preferred_language: str = "en",
    other_language: str = "",
    accessibility_needs: str = "",
) -> tuple[m.Case, m.Party]:
    """Someone refers themselves on the public form (nobody signed in).

    The case starts as a self-referral with the person as its first party. Consent is taken
    later by a practitioner.
    """
    if not case_type.is_active or case_type.organisation_id != organisation.pk:
        raise ValidationError({"case_type": _("Choose the kind of help you are looking for.")})
    if role not in (c.PartyRole.HARMED, c.PartyRole.RESPONSIBLE, c.PartyRole.COMMUNITY):
        raise ValidationError({"role": _("Say how you were involved.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Tell us briefly what happened.")})
    if not (phone.strip() or email.strip()):
        raise ValidationError(_("Give a phone number or an email address so we can contact you."))
    with transaction.atomic():
        case = _create_case(
            actor=None,
            organisation=organisation,
            case_type=case_type,
            source=c.Source.SELF,
            summary=summary,
            # The enhanced pathway may only begin at the request of the person harmed.
            harmed_initiated=role == c.PartyRole.HARMED,
        )
        party = _add_party(
            actor=None,
            case=case,
            role=role,
            first_name=first_name,
            last_name=last_name,
            contact=_contact(phone, email),
            preferred_language=preferred_language,
            other_language=other_language.strip() if preferred_language == "other" else "",
            contact_preferences={"safe_times": safe_times.strip()} if safe_times.strip() else None,
            accessibility_needs=accessibility_needs.strip(),
        )
    return case, party
