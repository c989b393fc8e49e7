"""After a meeting: recording that it took place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.events import CaseEvent
from mend.cases.kernel import require_on_case
from mend.core import audit
from mend.core.roles import Perm


def mark_meeting_held(*, actor, meeting: m.Meeting) -> m.Meeting:
    """A planned meeting that has started is recorded as held (cancelled ones stay cancelled)."""
    require_on_case(actor, Perm.WORK_CASES, meeting.case)
    with transaction.atomic():
        meeting = m.Meeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
        if meeting.status != c.MeetingStatus.PLANNED:
            raise ValidationError(_("Only a planned meeting can be marked as held."))
        if meeting.starts_at > timezone.now():
            raise ValidationError(_("A meeting cannot be marked as held before it starts."))
        meeting.status = c.MeetingStatus.HELD
        meeting.save(update_fields=["status"])
        audit.record(
            CaseEvent.MEETING_HELD,
            actor=actor,
            organisation=meeting.organisation,
            obj=meeting.case,
            changes={"meeting": meeting.pk, "status": [c.MeetingStatus.PLANNED, meeting.status]},
        )
    return meeting
