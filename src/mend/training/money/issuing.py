"""Issuing an invoice or a credit note: the one place a document is numbered and written.

Called inside an action's transaction (the action has checked permission). Numbers come from
`numbering.next_number`, so they are gapless per organisation and prefix; issued documents never
change (models.ImmutableOnceIssued)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import audit
from mend.training import choices as c
from mend.training import models as m
from mend.training.defaults import training_settings
from mend.training.events import TrainingEvent
from mend.training.money import engine
from mend.training.money.numbering import next_number

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineSpec:
    description: str
    amount: Decimal
    quantity: Decimal = Decimal("1")
    session: m.DeliverySession | None = None


# ---------------------------------------------------------------- issuing


def issue_document(
    *,
    actor,
    organisation,
    kind: str,
    client: m.Client,
    lines: list[LineSpec],
    engagement: m.Engagement | None = None,
    credits: m.Invoice | None = None,
    cancellation: m.CancellationQuote | None = None,
    notes: str = "",
    vat_rate: Decimal | bool | None = False,
) -> m.Invoice:
    """Issue one invoice or credit note inside the caller's transaction (no permission check)."""
    if not lines:
        raise ValidationError(_("There is nothing to invoice."))
    settings_row = training_settings(organisation)
    if vat_rate is False:  # not given: the organisation's current setting
        vat_rate = settings_row.charged_vat_rate
    prefix = (
        settings_row.credit_note_prefix
        if kind == c.InvoiceKind.CREDIT_NOTE
        else settings_row.invoice_prefix
    )
    subtotal = sum((engine.money(line.amount) for line in lines), ZERO)
    today = timezone.localdate()
    language = engagement.language if engagement is not None else client.language
    sequence = next_number(organisation, f"invoice:{prefix}")
    invoice = m.Invoice.objects.create(
        organisation=organisation,
        kind=kind,
        prefix=prefix,
        sequence=sequence,
        number=f"{prefix}-{sequence:06d}",
        engagement=engagement,
        client=client,
        credits=credits,
        cancellation=cancellation,
        issued_by=actor,
        issue_date=today,
        due_date=today + timedelta(days=settings_row.payment_terms_days),
        language=language,
        client_name=client.name,
        client_address=client.address,
        sector=client.sector,
        # `vat_rate` is now a rate or None: the False default was replaced above.
        **engine.with_vat(subtotal, cast(Decimal | None, vat_rate)),
        notes=notes,
    )
    m.InvoiceLine.objects.bulk_create(
        m.InvoiceLine(
            organisation=organisation,
            invoice=invoice,
            position=position,
            description=line.description[:300],
            quantity=line.quantity,
            unit_price=engine.money(Decimal(line.amount) / Decimal(line.quantity)),
            amount=engine.money(line.amount),
            session=line.session,
        )
        for position, line in enumerate(lines, start=1)
    )
    audit.record(
        TrainingEvent.CREDIT_NOTE_ISSUED
        if kind == c.InvoiceKind.CREDIT_NOTE
        else TrainingEvent.INVOICE_ISSUED,
        actor=actor,
        organisation=organisation,
        obj=invoice,
        changes={
            "number": [None, invoice.number],
            "total": [None, str(invoice.total)],
            "credits": credits.number if credits else None,
        },
    )
    return invoice


def session_label(session: m.DeliverySession, language: str) -> str:
    course = m.bilingual(
        session.engagement.course.title, session.engagement.course.title_cy, language
    )
    when = timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
    return f"{course}: {when}"
