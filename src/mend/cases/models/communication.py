"""Communication between parties: shuttle messages and letters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from mend.cases import choices as c
from mend.cases.models.cases import Case
from mend.cases.models.parties import Party
from mend.core.fields import EncryptedJSONField, EncryptedTextField
from mend.core.tenancy import OrganisationOwned

MEMBERSHIP = "core.Membership"


class ShuttleMessage(OrganisationOwned):
    """A message from one party to another, carried by the practitioner after approval."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shuttle_messages")
    sender = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    status = models.CharField(
        max_length=20, choices=c.MessageStatus.choices, default=c.MessageStatus.DRAFT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Why the practitioner did not pass the message on (may quote it, so encrypted).
    withheld_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.sender_id} -> {self.recipient_id}"


class Letter(OrganisationOwned):
    """A letter (e.g. of apology) guided by the restorative questions."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    writer = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    answers = EncryptedJSONField(null=True, blank=True)  # {question key: text}
    body = EncryptedTextField(blank=True)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(
        max_length=20, choices=c.LetterStatus.choices, default=c.LetterStatus.DRAFT
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    # The practitioner's note when screening sent the letter back to draft.
    screening_note = EncryptedTextField(blank=True)
    recipient_opted_in_on = models.DateField(null=True, blank=True)
    route = models.CharField(max_length=20, choices=c.DeliveryRoute.choices, blank=True)
    route_agency = models.CharField(max_length=200, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    read_on = models.DateField(null=True, blank=True)
    # The recipient decides whether the writer learns that the letter was read.
    writer_may_know_read = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id}: letter {self.pk}"
