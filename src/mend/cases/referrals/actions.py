"""Referrals that come from outside: partner agencies signed in, and people referring themselves."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.assessment.actions import handover_errors
from mend.cases.events import CaseEvent
from mend.cases.referrals.intake import add_party, create_case
from mend.core import access, audit
from mend.core.roles import Perm

# What a referrer told us about the people involved, kept as they gave it (inside the encrypted
# referrer_contact) so that their status page never shows what practitioners learn later.
PROVIDED_KEY = "provided"


def _contact(phone: str, email: str) -> dict | None:
    contact = {k: v.strip() for k, v in (("phone", phone), ("email", email)) if v and v.strip()}
    return contact or None


def _person_given(person: dict) -> bool:
    return bool((person.get("first_name") or "").strip())


def _record_handover(*, actor, case: m.Case, level: str, handover_file) -> m.RiskAssessment:
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
    audit.record(
        CaseEvent.RISK_ASSESSED,
        actor=actor,
        organisation=case.organisation,
        obj=case,
        changes={"level": [None, level], "handover": True},
    )
    return assessment


def enter_referral(
    *,
    actor,
    organisation,
    handover_file=None,
    handover_level: str = "",
    **details,
) -> m.Case:
    """Staff enter a referral (from an agency, the person themselves or internally).

    `details` are create_case's keyword arguments. With a file, the referrer's risk assessment is
    kept as the case's handover.
    """
    if not access.has_perm(actor, Perm.CREATE_CASES, organisation):
        raise PermissionDenied(_("You cannot enter referrals for this organisation."))
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
        case = create_case(actor=actor, organisation=organisation, **details)
        if case.referrer_id is not None:
            # create_case takes anyone holding REFER (administrators too) for the referrer; a
            # referral entered by staff was referred by the agency in referrer_contact.
            m.Case.objects.filter(pk=case.pk).update(referrer=None)
            case.referrer = None
        if handover_file is not None:
            _record_handover(
                actor=actor, case=case, level=handover_level, handover_file=handover_file
            )
    return case


def submit_partner_referral(
    *,
    actor,
    organisation,
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
    handover_file,
    handover_level: str,
    people: dict[str, dict] | None = None,
) -> m.Case:
    """A signed-in partner agency refers a case, with its risk assessment handed over.

    `people` maps a party role (harmed, responsible) to what the referrer knows of that person:
    {"first_name", "last_name", "phone", "email", "safe_times"}. The referrer becomes the case's
    referrer and may follow its status, nothing more.
    """
    if not access.has_perm(actor, Perm.REFER, organisation):
        raise PermissionDenied(_("You cannot refer cases to this organisation."))
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
        if role in (c.PartyRole.HARMED, c.PartyRole.RESPONSIBLE) and _person_given(person)
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
        case = create_case(
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
        _record_handover(actor=actor, case=case, level=handover_level, handover_file=handover_file)
        for role, person in people.items():
            safe_times = (person.get("safe_times") or "").strip()
            # actor=None: a referrer may add the people they refer, but not work on the case.
            add_party(
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
    organisation,
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
        case = create_case(
            actor=None,
            organisation=organisation,
            case_type=case_type,
            source=c.Source.SELF,
            summary=summary,
            harmed_initiated=role == c.PartyRole.HARMED,
        )
        if role != c.PartyRole.HARMED and case.harmed_initiated:
            # create_case marks every self-referral as asked for by the person harmed; the
            # enhanced pathway may only begin at their request, so correct it for anyone else.
            m.Case.objects.filter(pk=case.pk).update(harmed_initiated=False)
            case.harmed_initiated = False
        party = add_party(
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
