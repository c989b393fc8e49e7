"""Invoice settings, the cancellation policy, document numbers, cancellation quotes, invoices,
credit notes and payments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mend.core.tenancy import OrganisationOwned
from mend.training import choices as c
from mend.training.models.base import (
    MONEY,
    PERCENT,
    ZERO,
    ImmutableOnceIssued,
    IssuedTotals,
)
from mend.training.models.delivery import DeliverySession
from mend.training.models.sales import Client, Engagement

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

    @property
    def charged_vat_rate(self) -> Decimal | None:
        """The VAT rate new quotes and invoices charge: None when not registered for VAT."""
        return self.vat_rate if self.vat_registered else None


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


class Invoice(ImmutableOnceIssued, OrganisationOwned, IssuedTotals):
    """An invoice or credit note. Issued means immutable; numbers are gapless per prefix."""

    # Not columns: set by `money.queries` annotations and views for display.
    paid: Decimal
    credited: Decimal
    outstanding: Decimal
    status: str
    status_label: StrOrPromise
    status_tag: str

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
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        # The invoice list's keyset pages (newest issue date first).
        indexes = [models.Index(fields=["organisation", "-issue_date", "-id"])]
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
