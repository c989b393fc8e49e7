"""Reading a case's work: the meeting invitations (iCalendar)."""

from __future__ import annotations

from django.utils import timezone

from mend.cases import choices as c
from mend.cases import models as m


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
