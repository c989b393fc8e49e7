"""Work on the case: activities, processes from the menu of services, meetings."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases import workflow
from mend.cases.events import CaseEvent
from mend.cases.kernel import lock_case, require_on_case
from mend.core import audit
from mend.core.roles import Perm


class MeetingRefused(ValidationError):
    def __init__(self, reasons: list[str]):
        super().__init__(reasons)
        self.reasons = reasons


def _same_case(case: m.Case, parties) -> list[m.Party]:
    parties = list(parties)
    if any(p.case_id != case.pk for p in parties):
        raise ValidationError(_("Everyone involved must be part of this case."))
    return parties


def _staff_of(case: m.Case, memberships) -> list:
    memberships = list(memberships)
    if any(ms.organisation_id != case.organisation_id or not ms.is_active for ms in memberships):
        raise ValidationError(_("Choose active members of this organisation."))
    return memberships


def record_activity(
    *,
    actor,
    case: m.Case,
    kind: str,
    occurred_at: datetime,
    duration_minutes: int = 0,
    practitioners=(),
    parties=(),
    belongs_to: m.Party | None = None,
    notes: str = "",
) -> m.Activity:
    require_on_case(actor, Perm.WORK_CASES, case)
    if kind not in c.ActivityKind.values:
        raise ValidationError({"kind": _("Choose what kind of contact this was.")})
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
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
        audit.record(
            CaseEvent.ACTIVITY_RECORDED,
            actor=actor,
            organisation=case.organisation,
            obj=case,
            changes={"kind": [None, kind], "notes": audit.REDACTED if notes else None},
        )
    return activity


def choose_process(*, actor, case: m.Case, kind: str, parties) -> m.Process:
    require_on_case(actor, Perm.WORK_CASES, case)
    if kind not in c.ProcessKind.values:
        raise ValidationError({"kind": _("Choose a process from the menu of services.")})
    parties = _same_case(case, parties)
    if not parties:
        raise ValidationError({"parties": _("Choose who takes part.")})
    with transaction.atomic():
        process = m.Process.objects.create(organisation=case.organisation, case=case, kind=kind)
        process.parties.set(parties)
        audit.record(
            CaseEvent.PROCESS_CHOSEN,
            actor=actor,
            organisation=case.organisation,
            obj=case,
            changes={"process": [None, kind]},
        )
    return process


def schedule_meeting(
    *,
    actor,
    case: m.Case,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    attendees,
    facilitators=(),
    process: m.Process | None = None,
) -> m.Meeting:
    """No direct meeting unless risk is signed off at the required level, every attending party
    has current consent, has had a preparation meeting, and the principles are recorded."""
    require_on_case(actor, Perm.WORK_CASES, case)
    attendees = _same_case(case, attendees)
    facilitators = _staff_of(case, facilitators)
    reasons = []
    if kind not in c.ProcessKind.values:
        reasons.append(_("Choose the kind of meeting."))
    if not venue.strip():
        reasons.append(_("Enter the venue (or the video link's name)."))
    if ends_at <= starts_at:
        reasons.append(_("The meeting must end after it starts."))
    if starts_at < timezone.now():
        reasons.append(_("A meeting cannot be scheduled in the past."))
    if not attendees:
        reasons.append(_("Choose who will attend."))
    with transaction.atomic():
        case = lock_case(case)
        if kind in c.DIRECT_PROCESSES:
            reasons.extend(workflow.direct_contact_blockers(case, attendees))
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
        audit.record(
            CaseEvent.MEETING_SCHEDULED,
            actor=actor,
            organisation=case.organisation,
            obj=case,
            changes={"meeting": [None, meeting.pk], "kind": [None, kind]},
        )
    return meeting


def cancel_meeting(*, actor, meeting: m.Meeting, reason: str) -> m.Meeting:
    require_on_case(actor, Perm.WORK_CASES, meeting.case)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic():
        meeting = m.Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != c.MeetingStatus.PLANNED:
            raise ValidationError(_("Only a planned meeting can be cancelled."))
        meeting.status, meeting.cancelled_reason = c.MeetingStatus.CANCELLED, reason.strip()
        meeting.sequence += 1
        meeting.save(update_fields=["status", "cancelled_reason", "sequence"])
        audit.record(
            CaseEvent.MEETING_CANCELLED,
            actor=actor,
            organisation=meeting.organisation,
            obj=meeting.case,
            changes={"meeting": meeting.pk},
        )
    return meeting


def meeting_invitation(meeting: m.Meeting, *, for_party: m.Party | None = None) -> bytes:
    """An iCalendar invitation. For a party it names no other party: only time, venue, kind."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Mend//Restorative practice//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.status == c.MeetingStatus.CANCELLED else "REQUEST")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", str(c.ProcessKind(meeting.kind).label))
    event.add("location", meeting.venue)
    if meeting.status == c.MeetingStatus.CANCELLED:
        event.add("status", "CANCELLED")
    if for_party is None:
        event.add("description", f"{meeting.case.reference}")
    calendar.add_component(event)
    return calendar.to_ical()
