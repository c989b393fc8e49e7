"""Work on the case: activities, processes and meetings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from mend.cases import choices as c
from mend.cases.models.cases import Case
from mend.cases.models.parties import Party
from mend.core.fields import EncryptedTextField
from mend.core.tenancy import OrganisationOwned

if TYPE_CHECKING:
    from mend.core.models import Membership

MEMBERSHIP = "core.Membership"


class Activity(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=c.ActivityKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    duration_minutes = models.PositiveIntegerField(default=0)
    practitioners: models.ManyToManyField[Membership, Any] = models.ManyToManyField(
        MEMBERSHIP, blank=True, related_name="+"
    )
    parties = models.ManyToManyField(Party, blank=True, related_name="activities")
    # Whose information the notes hold (shown on every screen that shows them).
    belongs_to = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class Process(OrganisationOwned):
    """A restorative process chosen from the menu of services."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="processes")
    kind = models.CharField(max_length=20, choices=c.ProcessKind.choices)
    parties = models.ManyToManyField(Party, blank=True, related_name="processes")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"


class Meeting(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    process = models.ForeignKey(
        Process, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    kind = models.CharField(max_length=20, choices=c.ProcessKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300)
    attendees = models.ManyToManyField(Party, related_name="meetings")
    facilitators: models.ManyToManyField[Membership, Any] = models.ManyToManyField(
        MEMBERSHIP, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=c.MeetingStatus.choices, default=c.MeetingStatus.PLANNED
    )
    cancelled_reason = models.CharField(max_length=300, blank=True)
    uid = models.CharField(max_length=80, editable=False)  # stable iCalendar UID
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind} {self.starts_at:%Y-%m-%d}"
