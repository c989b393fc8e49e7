"""Outcomes: support referrals, agreements and their items, payments, feedback and case studies."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from mend.cases import choices as c
from mend.cases.models.cases import Case
from mend.cases.models.parties import Party
from mend.cases.models.work import Meeting
from mend.core.fields import EncryptedTextField
from mend.core.tenancy import OrganisationManager, OrganisationOwned

MEMBERSHIP = "core.Membership"


class SupportReferral(OrganisationOwned):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="support_referrals")
    service = models.CharField(max_length=20, choices=c.SupportService.choices)
    provider = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=c.SupportStatus.choices, default=c.SupportStatus.SUGGESTED
    )
    referred_on = models.DateField(null=True, blank=True)
    outcome = EncryptedTextField(blank=True)
    updated_on = models.DateField(default=timezone.localdate)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.service}"


class Agreement(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agreements")
    made_on = models.DateField(default=timezone.localdate)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: agreement {self.pk}"


class AgreementItem(OrganisationOwned):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=c.AgreementItemKind.choices)
    responsible = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    serves = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    description = EncryptedTextField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=c.AgreementItemStatus.choices, default=c.AgreementItemStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.kind}"

    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), Decimal("0.00"))


class Payment(OrganisationOwned):
    item = models.ForeignKey(AgreementItem, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    paid_on = models.DateField()

    class Meta:
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.amount}"


class FeedbackRequest(OrganisationOwned):
    """A one-time survey link for one party (no sign-in). Only the token's hash is stored."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="feedback_requests")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)  # 1..5
    felt_safe = models.BooleanField(null=True, blank=True)
    felt_heard = models.BooleanField(null=True, blank=True)
    would_recommend = models.BooleanField(null=True, blank=True)
    comments = EncryptedTextField(blank=True)
    may_quote_anonymously = models.BooleanField(default=False)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.party_id}: feedback"


class CaseStudy(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_studies")
    title = models.CharField(max_length=200)
    narrative = models.TextField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganisationManager()  # type: ignore[misc]  # stubs type the inherited manager as a ClassVar
    across_organisations = models.Manager()  # the public case-studies page

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title
