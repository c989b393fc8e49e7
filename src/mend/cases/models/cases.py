"""The case itself: its reference counter, status history, allocations and tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.cases.models.configuration import CaseType, ComplexityFactor
from mend.core.fields import EncryptedJSONField, EncryptedTextField
from mend.core.tenancy import OrganisationOwned

MEMBERSHIP = "core.Membership"


class Case(OrganisationOwned):
    reference = models.CharField(_("reference"), max_length=32, editable=False)
    case_type = models.ForeignKey(CaseType, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=c.Status.choices, default=c.Status.REFERRED
    )
    paused_from = models.CharField(max_length=20, choices=c.Status.choices, blank=True)
    pause_reason = models.CharField(_("why the case is paused"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=c.Source.choices)
    # The partner-agency user who referred (they may follow its status, nothing more).
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referring_agency = models.CharField(_("referring agency"), max_length=200, blank=True)
    # {"name", "role", "email", "phone"} of the referrer
    referrer_contact = EncryptedJSONField(null=True, blank=True)
    summary = EncryptedTextField(_("what happened"), blank=True)
    justice_stage = models.CharField(
        _("criminal-justice stage"),
        max_length=20,
        choices=c.JusticeStage.choices,
        default=c.JusticeStage.NONE,
    )
    sharing_basis = models.CharField(
        _("information-sharing basis"), max_length=30, choices=c.SharingBasis.choices, blank=True
    )
    sharing_reference = models.CharField(_("agreement reference"), max_length=100, blank=True)
    received_on = models.DateField(_("referral received"), default=timezone.localdate)
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    # Victims' Code clocks start when the crime was reported.
    reported_on = models.DateField(_("date the crime was reported"), null=True, blank=True)
    enhanced_rights = models.BooleanField(_("victim entitled to enhanced rights"), default=False)
    # The enhanced pathway may only begin at the request of the person harmed.
    harmed_initiated = models.BooleanField(_("requested by the person harmed"), default=False)
    information_offered_on = models.DateField(null=True, blank=True)
    support_referred_on = models.DateField(null=True, blank=True)
    bank_holiday_region = models.CharField(
        max_length=3, choices=[("ENG", _("England")), ("WLS", _("Wales"))], default="WLS"
    )
    complexity_factors = models.ManyToManyField(ComplexityFactor, blank=True, related_name="+")
    team = models.ForeignKey(
        "core.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_on = models.DateField(null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=30, choices=c.ClosureReason.choices, blank=True
    )
    closure_notes = EncryptedTextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference")
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "-received_on", "-id"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in c.OPEN_STATUSES


class CaseCounter(OrganisationOwned):
    """Gapless case references per organisation and year (locked while a number is taken)."""

    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class StatusChange(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, choices=c.Status.choices)
    to_status = models.CharField(max_length=20, choices=c.Status.choices)
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class Allocation(OrganisationOwned):
    """Who works on a case: lead, co-workers (including external professionals), observers."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    membership = models.ForeignKey(MEMBERSHIP, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=c.AllocationRole.choices)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "membership"],
                condition=models.Q(ended_on=None),
                name="one_current_allocation_per_person",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_on=None, role="lead"),
                name="one_current_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.membership_id} ({self.role})"


class Task(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, blank=True)
    party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    assignee = models.ForeignKey(
        MEMBERSHIP, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "done_on", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """Timeline tasks are named in the reader's language; others as they were written."""
        if self.kind.startswith("timeline:"):
            kind = self.kind.removeprefix("timeline:")
            if kind in c.TimelineStepKind.values:
                return str(c.TimelineStepKind(kind).label)
        return self.title
