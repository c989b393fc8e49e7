"""Work on the case: activities, processes from the menu of services, meetings (scheduled,
cancelled, held)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases import workflow
from mend.cases.events import CaseEvent
from mend.core import access, audit
from mend.core.changes import lock
from mend.core.models import Membership
from mend.core.roles import Perm


class MeetingRefused(ValidationError):
    """The meeting may not be scheduled; `error_dict` says what is missing, by field or by the
    thing missing (`messages` lists every reason)."""

    def __init__(self, reasons: workflow.Reasons):
        super().__init__(reasons)


def _same_case(case: m.Case, parties: Iterable[m.Party]) -> list[m.Party]:
    parties = list(parties)
    if any(p.case_id != case.pk for p in parties):
        raise ValidationError(_("Everyone involved must be part of this case."))
    return parties


def _staff_of(case: m.Case, memberships: Iterable[Membership]) -> list[Membership]:
    memberships = list(memberships)
    if any(ms.organisation_id != case.organisation_id or not ms.is_active for ms in memberships):
        raise ValidationError(_("Choose active members of this organisation."))
    return memberships


def _audit_on_case(event: str, actor: Any, case: m.Case, changes: dict[str, Any]) -> None:
    """Every event of a case's work is recorded against the case."""
    audit.record(event, actor=actor, organisation=case.organisation, obj=case, changes=changes)


def _planned(meeting: m.Meeting, refusal: str) -> m.Meeting:
    """The meeting, locked for a change that only a planned meeting may have (else `refusal`)."""
    meeting = lock(meeting)
    if meeting.status != c.MeetingStatus.PLANNED:
        raise ValidationError(refusal)
    return meeting


def record_activity(
    *,
    actor: Any,
    case: m.Case,
    kind: str,
    occurred_at: datetime,
    duration_minutes: int = 0,
    practitioners: Iterable[Membership] = (),
    parties: Iterable[m.Party] = (),
    belongs_to: m.Party | None = None,
    notes: str = "",
) -> m.Activity:
    access.require(actor, Perm.WORK_CASES, case)
    if kind not in c.ActivityKind.values:
        raise ValidationError({"kind": _("Choose what kind of contact this was.")})
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An activity cannot be recorded in the future.")})
    if duration_minutes < 0 or duration_minutes > 24 * 60:
        raise ValidationError(
            {"duration_minutes": _("Enter a duration between 0 and 1440 minutes.")}
        )
    parties = _same_case(case, parties)
    practitioners = _staff_of(case, practitioners)
    if belongs_to is not None:
        _same_case(case, [belongs_to])
    with transaction.atomic():
        activity = m.Activity.objects.create(
            organisation=case.organisation,
            case=case,
            kind=kind,
            occurred_at=occurred_at,
            duration_minutes=duration_minutes,
            belongs_to=belongs_to,
            notes=notes,
            recorded_by=actor,
        )
        activity.practitioners.set(practitioners)
        activity.parties.set(parties)
        _audit_on_case(
            CaseEvent.ACTIVITY_RECORDED,
            actor,
            case,
            {"kind": [None, kind], "notes": audit.REDACTED if notes else None},
        )
    return activity


def choose_process(*, actor: Any, case: m.Case, kind: str, parties: Iterable[m.Party]) -> m.Process:
    access.require(actor, Perm.WORK_CASES, case)
    if kind not in c.ProcessKind.values:
        raise ValidationError({"kind": _("Choose a process from the menu of services.")})
    parties = _same_case(case, parties)
    if not parties:
        raise ValidationError({"parties": _("Choose who takes part.")})
    with transaction.atomic():
        process = m.Process.objects.create(organisation=case.organisation, case=case, kind=kind)
        process.parties.set(parties)
        _audit_on_case(CaseEvent.PROCESS_CHOSEN, actor, case, {"process": [None, kind]})
    return process


def schedule_meeting(
    *,
    actor: Any,
    case: m.Case,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    attendees: Iterable[m.Party],
    facilitators: Iterable[Membership] = (),
    process: m.Process | None = None,
) -> m.Meeting:
    """No direct meeting unless risk is signed off at the required level, every attending party
    has current consent, has had a preparation meeting, and the principles are recorded."""
    access.require(actor, Perm.WORK_CASES, case)
    attendees = _same_case(case, attendees)
    facilitators = _staff_of(case, facilitators)
    reasons: workflow.Reasons = {}
    if kind not in c.ProcessKind.values:
        workflow.add_reason(reasons, "kind", _("Choose the kind of meeting."))
    if not venue.strip():
        workflow.add_reason(reasons, "venue", _("Enter the venue (or the video link's name)."))
    if ends_at <= starts_at:
        workflow.add_reason(reasons, "ends_at", _("The meeting must end after it starts."))
    if starts_at < timezone.now():
        workflow.add_reason(reasons, "starts_at", _("A meeting cannot be scheduled in the past."))
    if not attendees:
        workflow.add_reason(reasons, "attendees", _("Choose who will attend."))
    with transaction.atomic():
        case = lock(case)
        if kind in c.DIRECT_PROCESSES:
            workflow.merge_reasons(reasons, workflow.direct_contact_blockers(case, attendees))
        if reasons:
            raise MeetingRefused(reasons)
        meeting = m.Meeting.objects.create(
            organisation=case.organisation,
            case=case,
            process=process,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue.strip(),
            uid=f"{uuid.uuid4()}@mend",
        )
        meeting.attendees.set(attendees)
        meeting.facilitators.set(facilitators)
        _audit_on_case(
            CaseEvent.MEETING_SCHEDULED,
            actor,
            case,
            {"meeting": [None, meeting.pk], "kind": [None, kind]},
        )
    return meeting


def cancel_meeting(*, actor: Any, meeting: m.Meeting, reason: str) -> m.Meeting:
    access.require(actor, Perm.WORK_CASES, meeting)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic():
        meeting = _planned(meeting, _("Only a planned meeting can be cancelled."))
        meeting.status, meeting.cancelled_reason = c.MeetingStatus.CANCELLED, reason.strip()
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancelled_reason", "sequence"])
        _audit_on_case(CaseEvent.MEETING_CANCELLED, actor, meeting.case, {"meeting": meeting.pk})
    return meeting


def mark_meeting_held(*, actor: Any, meeting: m.Meeting) -> m.Meeting:
    """A planned meeting that has started is recorded as held (cancelled ones stay cancelled)."""
    access.require(actor, Perm.WORK_CASES, meeting)
    with transaction.atomic():
        meeting = _planned(meeting, _("Only a planned meeting can be marked as held."))
        if meeting.starts_at > timezone.now():
            raise ValidationError(_("A meeting cannot be marked as held before it starts."))
        meeting.status = c.MeetingStatus.HELD
        meeting.save(update_fields=["status"])
        _audit_on_case(
            CaseEvent.MEETING_HELD,
            actor,
            meeting.case,
            {"meeting": meeting.pk, "status": [c.MeetingStatus.PLANNED, meeting.status]},
        )
    return meeting
