"""Trainers, delivery sessions and their trainers, attendees, registers, certificates and
evaluation surveys."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mend.core.models import Membership

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.core.tenancy import OrganisationOwned
from mend.training import choices as c
from mend.training.models.base import MEMBERSHIP, MONEY, bilingual
from mend.training.models.sales import Engagement


class TrainerProfile(OrganisationOwned):
    """A member's level as a trainer: only intermediate and advanced trainers are allocated."""

    membership = models.OneToOneField(
        MEMBERSHIP, on_delete=models.CASCADE, related_name="trainer_profile"
    )
    level = models.CharField(_("trainer level"), max_length=20, choices=c.TrainerLevel.choices)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.level}"

    @property
    def can_be_allocated(self) -> bool:
        return self.level in c.ALLOCATABLE_LEVELS


class DeliverySession(OrganisationOwned):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    value = models.DecimalField(_("value"), validators=[MinValueValidator(0)], **MONEY)
    materials = models.TextField(_("materials"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=c.SessionStatus.choices,
        default=c.SessionStatus.SCHEDULED,
    )
    original_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    postponements = models.PositiveIntegerField(default=0, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancellation = models.ForeignKey(
        "CancellationQuote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled_sessions",
    )
    trainers: models.ManyToManyField[Membership, SessionTrainer] = models.ManyToManyField(
        MEMBERSHIP, through="SessionTrainer", related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def delivery_date(self):
        """The session's date in Europe/London (what 'days before delivery' counts from)."""
        return timezone.localtime(self.starts_at).date()


class SessionTrainer(OrganisationOwned):
    session = models.ForeignKey(
        DeliverySession, on_delete=models.CASCADE, related_name="allocations"
    )
    membership = models.ForeignKey(MEMBERSHIP, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(_("lead trainer"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="session_trainer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.membership_id}"


# ---------------------------------------------------------------- delivery


class Attendee(OrganisationOwned):
    """Someone the client puts on the engagement's attendee list."""

    # Not columns: set by `delivery.queries` for display.
    present: bool | None
    completed: bool
    cert: Certificate | None

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=c.Language.choices, default="en"
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["engagement", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Attendance(OrganisationOwned):
    session = models.ForeignKey(
        DeliverySession, on_delete=models.CASCADE, related_name="attendance"
    )
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "attendee"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.attendee_id}: {self.present}"


class Certificate(OrganisationOwned):
    """A certificate of completion; anyone holding the code can check it is genuine."""

    code = models.CharField(max_length=20, unique=True, editable=False)
    holder_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    course_title_cy = models.CharField(max_length=200, blank=True)
    cpd_hours = models.DecimalField(max_digits=6, decimal_places=1)
    completed_on = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    language = models.CharField(max_length=2, choices=c.Language.choices, default="en")
    attendee = models.OneToOneField(
        Attendee, on_delete=models.PROTECT, null=True, blank=True, related_name="certificate"
    )
    enrolment = models.OneToOneField(
        "Enrolment", on_delete=models.PROTECT, null=True, blank=True, related_name="certificate"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.code

    @property
    def course_label(self) -> str:
        return bilingual(self.course_title, self.course_title_cy)


class EvaluationRequest(OrganisationOwned):
    """A one-time confidence survey link for one attendee, before or after the course."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="evaluations")
    stage = models.CharField(max_length=10, choices=c.SurveyStage.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    # {question code: 1..5} (see training.evaluation.QUESTIONS)
    answers = models.JSONField(default=dict, blank=True)
    comments = models.TextField(blank=True)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["attendee", "stage"], name="evaluation_once_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.attendee_id}: {self.stage}"
