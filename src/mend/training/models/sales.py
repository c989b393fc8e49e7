"""Clients, their contacts, courses, enquiries, engagements, proposals and agreements."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.core.tenancy import OrganisationOwned
from mend.training import choices as c
from mend.training.models.base import (
    MONEY,
    ImmutableOnceIssued,
    IssuedTotals,
    bilingual,
)

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
        # A contact_id means the contact row exists.
        return (
            cast(ClientContact, self.contact).language if self.contact_id else self.client.language
        )


class Proposal(ImmutableOnceIssued, OrganisationOwned, IssuedTotals):
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
