"""A party's consent (given, withdrawn: withdrawal stops the process for that party at once)
and a person's own details (contact, language), changed from one of the cases they are part of."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases import workflow
from mend.cases.assessment.actions import update_party
from mend.cases.events import CaseEvent
from mend.cases.parties.queries import planned_meetings_with, practitioner_working_with
from mend.cases.workflow import party_label
from mend.core import access, audit
from mend.core.changes import lock, update_fields
from mend.core.roles import Perm
from mend.people.models import Language, Person

# ---------------------------------------------------------------- consent


def give_consent(
    *, actor: Any, party: m.Party, scope: str, method: str, given_on: date | None = None
) -> m.Consent:
    access.require(actor, Perm.WORK_CASES, party)
    if scope not in c.ConsentScope.values:
        raise ValidationError({"scope": _("Choose what the consent is for.")})
    if method not in c.ConsentMethod.values:
        raise ValidationError({"method": _("Choose how the consent was given.")})
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Consent cannot be dated in the future.")})
    with transaction.atomic():
        if m.Consent.objects.filter(party=party, scope=scope, withdrawn_on=None).exists():
            raise ValidationError(_("This consent is already recorded and current."))
        consent = m.Consent.objects.create(
            organisation=party.organisation,
            party=party,
            scope=scope,
            method=method,
            given_on=given_on,
            recorded_by=actor,
        )
        audit.record_for(
            CaseEvent.CONSENT_GIVEN,
            party,
            actor=actor,
            changes={"consent": [None, scope], "method": [None, method]},
        )
    return consent


def withdraw_consent(*, actor: Any, consent: m.Consent, method: str) -> m.Consent:
    """Takes effect at once: planned meetings with this party are cancelled, the case pauses
    with the reason shown, and the other side's practitioner is tasked to tell them safely."""
    access.require(actor, Perm.WORK_CASES, consent)
    party = consent.party
    case = party.case
    if consent.withdrawn_on:
        raise ValidationError(_("This consent has already been withdrawn."))
    if method not in c.ConsentMethod.values:
        raise ValidationError({"method": _("Choose how the withdrawal was made.")})
    today = timezone.localdate()
    with transaction.atomic():
        case = lock(case)
        consent.withdrawn_on, consent.withdrawal_method = today, method
        consent.withdrawn_recorded_by = actor
        consent.save(update_fields=["withdrawn_on", "withdrawal_method", "withdrawn_recorded_by"])
        changes: dict[str, Any] = {"consent_withdrawn": consent.scope}
        if consent.scope == c.ConsentScope.TAKE_PART:
            changes.update(_stop_process_for(case, party, actor, today))
        elif consent.scope == c.ConsentScope.CASE_STUDY:
            # A published story comes down the moment anyone in it withdraws.
            taken_down = m.CaseStudy.objects.filter(case=case, published_at__isnull=False).update(
                published_at=None
            )
            changes["case_studies_unpublished"] = taken_down
        audit.record_for(
            CaseEvent.CONSENT_WITHDRAWN,
            party,
            actor=actor,
            changes=changes,
        )
    return consent


def _stop_process_for(case: m.Case, party: m.Party, actor: Any, today: date) -> dict[str, Any]:
    cancelled = list(planned_meetings_with(case, party))
    reason = _("%(party)s withdrew consent to take part.") % {"party": party_label(party)}
    for meeting in cancelled:
        meeting.status, meeting.cancelled_reason = c.MeetingStatus.CANCELLED, reason
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancelled_reason", "sequence"])
    others = [
        p for p in case.parties.all() if p.pk != party.pk and p.role in workflow.PRINCIPAL_ROLES
    ]
    for other in others:
        m.Task.objects.create(
            organisation=case.organisation,
            case=case,
            kind="inform_withdrawal",
            party=other,
            title=_("Tell %(party)s safely that the process has stopped")
            % {"party": party_label(other)},
            assignee=practitioner_working_with(case, other),
            due_on=today,
        )
    if case.status in workflow.ACTIVE_STATUSES:
        old = case.status
        case.paused_from, case.pause_reason, case.status = old, reason, c.Status.PAUSED
        case.version += 1
        case.save()
        m.StatusChange.objects.create(
            organisation=case.organisation,
            case=case,
            transition="pause",
            from_status=old,
            to_status=c.Status.PAUSED,
            reason=reason,
            by=actor,
        )
    return {"meetings_cancelled": [mt.pk for mt in cancelled], "paused": True}


# ---------------------------------------------------------------- a person's details


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


def _require_on_person(actor: Any, person: Person) -> None:
    """`actor` may work on at least one case this person is part of (the case row rule)."""
    access.require(actor, Perm.WORK_CASES, person)
    parties = m.Party.objects.filter(person=person)
    if not access.filter_queryset(parties, actor, Perm.WORK_CASES).exists():
        raise PermissionDenied(_("You cannot change this person's details."))


def update_person(*, actor: Any, person: Person, version: int | None, **fields: Any) -> Person:
    """Change a person's own details. The second of two editors is refused (nothing is lost)."""
    _require_on_person(actor, person)
    return _update_person(actor, person, version, fields)


def _update_person(actor: Any, person: Person, version: int | None, fields: dict) -> Person:
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
    locked, _changes = update_fields(
        person, fields, actor=actor, action=CaseEvent.PERSON_CHANGED, version=version
    )
    return locked


def update_party_details(
    *,
    actor: Any,
    party: m.Party,
    party_version: int | None,
    person_version: int | None,
    party_fields: dict[str, Any],
    person_fields: dict[str, Any],
) -> m.Party:
    """A party's details and their person's, together: both saved or neither."""
    access.require(actor, Perm.WORK_CASES, party)
    with transaction.atomic():
        _update_person(actor, party.person, person_version, dict(person_fields))
        return update_party(actor=actor, party=party, version=party_version, **party_fields)
