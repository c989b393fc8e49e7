"""Consent: free, informed, recorded; withdrawal stops the process for that party at once."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.events import CaseEvent
from mend.cases.kernel import lock_case, require_on_case
from mend.cases.workflow import party_label
from mend.core import audit
from mend.core.roles import Perm


def give_consent(
    *, actor, party: m.Party, scope: str, method: str, given_on: date | None = None
) -> m.Consent:
    require_on_case(actor, Perm.WORK_CASES, party.case)
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
        audit.record(
            CaseEvent.CONSENT_GIVEN,
            actor=actor,
            organisation=party.organisation,
            obj=party,
            changes={"consent": [None, scope], "method": [None, method]},
        )
    return consent


def withdraw_consent(*, actor, consent: m.Consent, method: str) -> m.Consent:
    """Takes effect at once: planned meetings with this party are cancelled, the case pauses
    with the reason shown, and the other side's practitioner is tasked to tell them safely."""
    party = consent.party
    case = party.case
    require_on_case(actor, Perm.WORK_CASES, case)
    if consent.withdrawn_on:
        raise ValidationError(_("This consent has already been withdrawn."))
    if method not in c.ConsentMethod.values:
        raise ValidationError({"method": _("Choose how the withdrawal was made.")})
    today = timezone.localdate()
    with transaction.atomic():
        case = lock_case(case)
        consent.withdrawn_on, consent.withdrawal_method = today, method
        consent.withdrawn_recorded_by = actor
        consent.save(update_fields=["withdrawn_on", "withdrawal_method", "withdrawn_recorded_by"])
        changes = {"consent_withdrawn": consent.scope}
        if consent.scope == c.ConsentScope.TAKE_PART:
            changes.update(_stop_process_for(case, party, actor, today))
        elif consent.scope == c.ConsentScope.CASE_STUDY:
            # A published story comes down the moment anyone in it withdraws.
            taken_down = m.CaseStudy.objects.filter(case=case, published_at__isnull=False).update(
                published_at=None
            )
            changes["case_studies_unpublished"] = taken_down
        audit.record(
            CaseEvent.CONSENT_WITHDRAWN,
            actor=actor,
            organisation=party.organisation,
            obj=party,
            changes=changes,
        )
    return consent


def practitioner_working_with(case: m.Case, party: m.Party):
    """Who works with this party: the allocated practitioner who was most recently in contact
    with them; failing that a co-worker, then the lead. None if nobody is allocated."""
    current = {a.membership_id: a for a in case.allocations.filter(ended_on=None)}
    recent = (
        m.Activity.objects.filter(case=case, parties=party, practitioners__in=list(current))
        .order_by("-occurred_at", "-id")
        .prefetch_related("practitioners")
        .first()
    )
    if recent is not None:
        for membership in recent.practitioners.all():
            if membership.pk in current:
                return membership
    for role in (c.AllocationRole.CO_WORKER, c.AllocationRole.LEAD):
        for allocation in current.values():
            if allocation.role == role:
                return allocation.membership
    return None


def _stop_process_for(case: m.Case, party: m.Party, actor, today) -> dict:
    cancelled = list(
        m.Meeting.objects.filter(
            case=case,
            attendees=party,
            status=c.MeetingStatus.PLANNED,
            starts_at__gte=timezone.now(),
        )
    )
    reason = _("%(party)s withdrew consent to take part.") % {"party": party_label(party)}
    for meeting in cancelled:
        meeting.status, meeting.cancelled_reason = c.MeetingStatus.CANCELLED, reason
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancelled_reason", "sequence"])
    others = [
        p
        for p in case.parties.all()
        if p.pk != party.pk and p.role in (c.PartyRole.HARMED, c.PartyRole.RESPONSIBLE)
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
    if case.status in c.OPEN_STATUSES and case.status != c.Status.PAUSED:
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
