"""The training business: clients, courses, engagements under a Service Level Agreement, delivery,
money (invoices, credit notes, payments, cancellation fees), certificates, evaluation, e-learning.

Money is `Decimal` to the penny. Issued documents (proposals, SLAs once accepted, cancellation
quotes, invoices and credit notes) are immutable: `ImmutableOnceIssued` refuses to save an issued row
again, and every change of state is an action in `training.actions`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mend.core.tenancy import OrganisationOwned
from mend.training import choices as c

MEMBERSHIP = "core.Membership"
MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")
PERCENT = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}


def bilingual(english: str, welsh: str, language: str | None = None) -> str:
    language = language or get_language() or "en"
    return welsh if language == "cy" and welsh else english


class ImmutableError(RuntimeError):
    """An issued document was about to be changed in place."""


class ImmutableOnceIssued(models.Model):
    """Saving an existing row again raises, unless the action names the fields it may set
    (`save(update_fields=...)` with fields listed in `MUTABLE_FIELDS`, such as a confirmation)."""

    MUTABLE_FIELDS: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= self.MUTABLE_FIELDS:
                raise ImmutableError(
                    f"{type(self).__name__} {self.pk} is issued and cannot change."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{type(self).__name__} {self.pk} is issued and cannot be deleted.")


# ---------------------------------------------------------------- configuration


class TrainingSettings(OrganisationOwned):
    """One row per organisation: invoicing settings (installed with defaults)."""

    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=10, default="INV")
    credit_note_prefix = models.CharField(
        _("credit note number prefix"), max_length=10, default="CRN"
    )
    vat_registered = models.BooleanField(_("registered for VAT"), default=False)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), default=Decimal("20.00"), **PERCENT)
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=30)
    payment_details = models.TextField(_("how to pay"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="training_settings_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: training settings"


class CancellationPolicy(OrganisationOwned):
    """The organisation's cancellation policy now. Signing an SLA copies it onto the SLA."""

    # A fixed amount for preparation and resources already produced: the fee for a cancellation
    # is at least this, never more than the value cancelled. 0 means no minimum.
    minimum_fee = models.DecimalField(_("minimum fee"), default=ZERO, **MONEY)
    # Postponing a session is free when asked for at least this many days before it, up to
    # `free_postponements` times per session; otherwise it has to be cancelled.
    free_postponement_days = models.PositiveIntegerField(
        _("free postponement: at least this many days' notice"), default=14
    )
    free_postponements = models.PositiveIntegerField(_("free postponements per session"), default=1)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="cancellation_policy_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: cancellation policy v{self.version}"


class CancellationTier(OrganisationOwned):
    policy = models.ForeignKey(CancellationPolicy, on_delete=models.CASCADE, related_name="tiers")
    kind = models.CharField(_("kind"), max_length=20, choices=c.TierKind.choices)
    days = models.PositiveIntegerField(_("days before delivery"), null=True, blank=True)
    percent = models.DecimalField(_("percentage of the value"), **PERCENT)

    class Meta:
        ordering = ["policy", "kind", "-days"]

    def __str__(self) -> str:
        return f"{self.kind} {self.days}: {self.percent}%"


class DocumentCounter(OrganisationOwned):
    """Gapless numbers per organisation and key (an invoice prefix, 'ENG-2026', 'Q-2026').

    The row is locked while a number is taken, so concurrent issuers queue and none skips."""

    key = models.CharField(max_length=30)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="document_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


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


# ---------------------------------------------------------------- clients and enquiries


class Client(OrganisationOwned):
    name = models.CharField(_("organisation name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=c.Sector.choices)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language for documents"), max_length=2, choices=c.Language.choices, default="en"
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ClientContact(OrganisationOwned):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=c.ContactRole.choices)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=c.Language.choices, default="en"
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["client", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class Course(OrganisationOwned):
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_cy = models.TextField(_("summary in Welsh"), blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=c.Audience.choices)
    format = models.CharField(_("format"), max_length=20, choices=c.CourseFormat.choices)
    duration_hours = models.DecimalField(
        _("duration (hours)"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    cpd_hours = models.DecimalField(
        _("CPD hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    rjc_approved = models.BooleanField(
        _("approved by the Restorative Justice Council"), default=False
    )
    price = models.DecimalField(_("price per session"), validators=[MinValueValidator(0)], **MONEY)
    is_active = models.BooleanField(_("offered"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="course_code_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return bilingual(self.title, self.title_cy)


class Enquiry(OrganisationOwned):
    """A request for training, from the public form or entered by staff."""

    received_at = models.DateTimeField(default=timezone.now, editable=False)
    from_public_form = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=c.EnquiryStatus.choices, default=c.EnquiryStatus.NEW
    )
    organisation_name = models.CharField(_("organisation name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=c.Sector.choices)
    contact_name = models.CharField(_("your name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="enquiries"
    )
    participants = models.PositiveIntegerField(_("number of people"), null=True, blank=True)
    preferred_dates = models.CharField(_("preferred dates"), max_length=300, blank=True)
    message = models.TextField(_("what you are looking for"), blank=True)
    language = models.CharField(max_length=2, choices=c.Language.choices, default="en")
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="enquiries"
    )
    contact = models.ForeignKey(
        ClientContact, on_delete=models.SET_NULL, null=True, blank=True, related_name="enquiries"
    )
    closed_reason = models.CharField(_("reason"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.received_at:%Y-%m-%d})"


# ---------------------------------------------------------------- engagements


class Engagement(OrganisationOwned):
    """One piece of bespoke training for a client, from enquiry to payment."""

    reference = models.CharField(_("reference"), max_length=20, editable=False)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="engagements")
    contact = models.ForeignKey(
        ClientContact, on_delete=models.PROTECT, null=True, blank=True, related_name="engagements"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="engagements")
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=c.EngagementStatus.choices,
        default=c.EngagementStatus.ENQUIRY,
    )
    participants = models.PositiveIntegerField(_("number of people"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="engagement_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def language(self) -> str:
        return self.contact.language if self.contact_id else self.client.language


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
    trainers = models.ManyToManyField(MEMBERSHIP, through="SessionTrainer", related_name="+")
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


class Proposal(ImmutableOnceIssued, OrganisationOwned):
    """A quote sent to the client: a snapshot of the lines and total, in the client's language."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="proposals")
    number = models.CharField(max_length=30, editable=False)
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    valid_until = models.DateField(_("valid until"))
    language = models.CharField(max_length=2, choices=c.Language.choices, default="en")
    # [{"description": str, "quantity": "1", "unit_price": "750.00", "amount": "750.00"}]
    lines = models.JSONField(default=list)
    subtotal = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    vat_amount = models.DecimalField(default=ZERO, **MONEY)
    total = models.DecimalField(**MONEY)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class ServiceLevelAgreement(OrganisationOwned):
    """The agreement sent to a client contact by a one-time secure link and accepted there.

    Only the token's hash is stored. On acceptance the organisation's cancellation policy is
    copied into `policy_snapshot`: later policy edits never change a signed agreement."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="slas")
    contact = models.ForeignKey(ClientContact, on_delete=models.PROTECT, related_name="slas")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=c.SlaStatus.choices, default=c.SlaStatus.SENT)
    sent_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    language = models.CharField(max_length=2, choices=c.Language.choices, default="en")
    # What the client agrees to: sessions (date, venue, value), total, terms; fixed when sent.
    terms = models.JSONField(default=dict)
    total = models.DecimalField(**MONEY)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_name = models.CharField(max_length=200, blank=True)
    accepted_job_title = models.CharField(max_length=120, blank=True)
    accepted_ip = models.GenericIPAddressField(null=True, blank=True)
    accepted_user_agent = models.CharField(max_length=300, blank=True)
    policy_snapshot = models.JSONField(null=True, blank=True)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.engagement_id}: SLA {self.status}"


class CancellationQuote(ImmutableOnceIssued, OrganisationOwned):
    """What cancelling these sessions on this date costs, with every tier checked and why.

    Shown to staff before they confirm; confirming stamps it (the only fields that change)."""

    MUTABLE_FIELDS = frozenset({"confirmed_at", "confirmed_by"})

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="cancellation_quotes"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_on = models.DateField()
    session_ids = models.JSONField(default=list)
    whole_engagement = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    # The engine's result (training.cancellation.Quote.as_json): lines with every tier checked.
    result = models.JSONField(default=dict)
    policy_snapshot = models.JSONField(null=True, blank=True)
    cancelled_value = models.DecimalField(**MONEY)
    fee_total = models.DecimalField(**MONEY)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.engagement_id}: cancellation {self.cancelled_on}"


# ---------------------------------------------------------------- invoices


class Invoice(ImmutableOnceIssued, OrganisationOwned):
    """An invoice or credit note. Issued means immutable; numbers are gapless per prefix."""

    kind = models.CharField(max_length=20, choices=c.InvoiceKind.choices)
    prefix = models.CharField(max_length=10, editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("number"), max_length=30, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    # The invoice a credit note cancels (all or part of).
    credits = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    cancellation = models.ForeignKey(
        CancellationQuote, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    issue_date = models.DateField()
    due_date = models.DateField()
    language = models.CharField(max_length=2, choices=c.Language.choices, default="en")
    # Who it is addressed to, as it was when issued.
    client_name = models.CharField(max_length=200)
    client_address = models.TextField(blank=True)
    sector = models.CharField(max_length=20, choices=c.Sector.choices)
    subtotal = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    vat_amount = models.DecimalField(default=ZERO, **MONEY)
    total = models.DecimalField(**MONEY)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "prefix", "sequence"], name="invoice_sequence_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "number"], name="invoice_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == c.InvoiceKind.CREDIT_NOTE


class InvoiceLine(ImmutableOnceIssued, OrganisationOwned):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1"))
    unit_price = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)
    # The delivery session this line charges or credits, when it is one.
    session = models.ForeignKey(
        DeliverySession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position}"


class Payment(OrganisationOwned):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY)
    received_on = models.DateField(_("received on"))
    method = models.CharField(_("method"), max_length=20, choices=c.PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount}"


# ---------------------------------------------------------------- delivery


class Attendee(OrganisationOwned):
    """Someone the client puts on the engagement's attendee list."""

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


# ---------------------------------------------------------------- e-learning


class Module(OrganisationOwned):
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_cy = models.TextField(_("summary in Welsh"), blank=True)
    cpd_hours = models.DecimalField(
        _("CPD hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)]
    )
    pass_mark = models.PositiveIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_published = models.BooleanField(_("published"), default=False)
    open_to_public = models.BooleanField(_("anyone can sign up"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return bilingual(self.title, self.title_cy)


class Lesson(OrganisationOwned):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title in Welsh"), max_length=200, blank=True)
    # Rich text, sanitised by training.richtext before it is saved.
    body = models.TextField(_("text"))
    body_cy = models.TextField(_("text in Welsh"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["module", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return bilingual(self.title, self.title_cy)


class QuizQuestion(OrganisationOwned):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=500)
    text_cy = models.CharField(_("question in Welsh"), max_length=500, blank=True)

    class Meta:
        ordering = ["module", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        return bilingual(self.text, self.text_cy)


class QuizChoice(OrganisationOwned):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(_("position"))
    text = models.CharField(_("answer"), max_length=300)
    text_cy = models.CharField(_("answer in Welsh"), max_length=300, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        return bilingual(self.text, self.text_cy)


class Learner(OrganisationOwned):
    """Someone taking e-learning with this organisation: a member, or a public sign-up."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("full name"), max_length=200)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="learners"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    across_organisations = models.Manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="learner_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(OrganisationOwned):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="enrolments")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="enrolments")
    enrolled_at = models.DateTimeField(default=timezone.now, editable=False)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    completed_lessons = models.JSONField(default=list, blank=True)
    best_score = models.PositiveIntegerField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "module"], name="enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.module_id}"


class QuizAttempt(OrganisationOwned):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    answers = models.JSONField(default=dict)  # {question id: choice id}
    score = models.PositiveIntegerField()  # percent
    passed = models.BooleanField()

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.score}%"


class CpdEntry(OrganisationOwned):
    """CPD hours on a practitioner's record (credited when a member passes e-learning)."""

    membership = models.ForeignKey(MEMBERSHIP, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    completed_on = models.DateField(_("completed on"))
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.SET_NULL, null=True, blank=True, related_name="cpd_entry"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.hours}h"
