"""Training actions: invoices, credit notes and payments.

Issued invoices never change (models.ImmutableOnceIssued); `issuing.issue_document` numbers and
writes each one. Cancellations and postponements are in `money.cancellation`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import lock
from mend.core.models import Organisation, User
from mend.core.roles import Perm
from mend.training import choices as c
from mend.training import models as m
from mend.training import workflow
from mend.training.events import TrainingEvent
from mend.training.money.issuing import LineSpec, issue_document, session_label
from mend.training.money.queries import outstanding, uninvoiced_sessions
from mend.training.workflow import refresh_status

__all__ = [
    "LineSpec",
    "credit_invoice",
    "invoice_engagement",
    "issue_invoice",
    "record_payment",
]


def issue_invoice(
    *,
    actor: User,
    organisation: Organisation,
    client: m.Client,
    lines: list[LineSpec],
    engagement: m.Engagement | None = None,
    notes: str = "",
) -> m.Invoice:
    """Issue an invoice with these lines (for example for resources or an e-learning licence)."""
    access.require(actor, Perm.TRAINING_FINANCE, organisation)
    if client.organisation_id != organisation.pk or (
        engagement is not None and engagement.organisation_id != organisation.pk
    ):
        raise ValidationError({"client": _("Choose a client from the list.")})
    for line in lines:
        if not line.description.strip():
            raise ValidationError(_("Every line needs a description."))
        if Decimal(line.amount) <= 0:
            raise ValidationError(_("Every line needs an amount of more than 0."))
    with transaction.atomic():
        invoice = issue_document(
            actor=actor,
            organisation=organisation,
            kind=c.InvoiceKind.INVOICE,
            client=client,
            lines=lines,
            engagement=engagement,
            notes=notes,
        )
        if engagement is not None:
            refresh_status(engagement)
    return invoice


def invoice_engagement(*, actor: User, engagement: m.Engagement) -> m.Invoice:
    """Invoice every session of a signed engagement that has not been invoiced yet."""
    access.require(actor, Perm.TRAINING_FINANCE, engagement)
    organisation = engagement.organisation
    if engagement.status not in workflow.INVOICEABLE:
        raise ValidationError(_("Only a signed engagement can be invoiced."))
    with transaction.atomic():
        locked = lock(engagement)
        sessions = uninvoiced_sessions(locked)
        if not sessions:
            raise ValidationError(_("Every session of this engagement has been invoiced already."))
        lines = [LineSpec(session_label(s, locked.language), s.value, session=s) for s in sessions]
        invoice = issue_document(
            actor=actor,
            organisation=organisation,
            kind=c.InvoiceKind.INVOICE,
            client=locked.client,
            lines=lines,
            engagement=locked,
        )
        refresh_status(locked)
    return invoice


def record_payment(
    *,
    actor: User,
    invoice: m.Invoice,
    amount: Decimal | str,
    received_on: date,
    method: str,
    reference: str = "",
) -> m.Payment:
    access.require(actor, Perm.TRAINING_FINANCE, invoice)
    if invoice.is_credit_note:
        raise ValidationError(_("Payments are recorded against invoices, not credit notes."))
    try:
        amount = Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValidationError({"amount": _("Enter the amount in pounds and pence.")}) from exc
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": _("Enter an amount of more than 0, in pounds and pence.")})
    if method not in c.PaymentMethod.values:
        raise ValidationError({"method": _("Choose how it was paid.")})
    if received_on is None:
        raise ValidationError({"received_on": _("Enter the date the payment was received.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    with transaction.atomic():
        locked = lock(invoice)
        owed = outstanding(locked)
        if amount > owed:
            raise ValidationError(
                {
                    "amount": _("This is more than the %(owed)s still owed on %(number)s.")
                    % {"owed": f"£{owed:,.2f}", "number": locked.number}
                }
            )
        payment = m.Payment.objects.create(
            organisation=locked.organisation,
            invoice=locked,
            amount=amount,
            received_on=received_on,
            method=method,
            reference=reference.strip()[:100],
            recorded_by=actor,
        )
        audit.record(
            TrainingEvent.PAYMENT_RECORDED,
            actor=actor,
            organisation=locked.organisation,
            obj=payment,
            changes={"invoice": locked.number, "amount": str(amount)},
        )
        if locked.engagement_id:
            refresh_status(cast(m.Engagement, locked.engagement))
    return payment


def credit_invoice(*, actor: User, invoice: m.Invoice, reason: str) -> m.Invoice:
    """Cancel an issued invoice in full with a credit note (a mistake, a price agreed again).

    Sessions it charged can then be invoiced again. An invoice with payments or a credit note
    against it already is refused: refunds are outside Mend for now."""
    access.require(actor, Perm.TRAINING_FINANCE, invoice)
    if invoice.is_credit_note:
        raise ValidationError(_("A credit note cannot itself be credited."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the invoice is being credited.")})
    with transaction.atomic():
        locked = lock(invoice)
        if locked.credit_notes.exists():
            raise ValidationError(_("This invoice already has a credit note against it."))
        if locked.payments.exists():
            raise ValidationError(
                _(
                    "Payments have been recorded against this invoice, so it cannot be credited "
                    "in Mend: arrange the refund with your bookkeeper."
                )
            )
        note = issue_document(
            actor=actor,
            organisation=locked.organisation,
            kind=c.InvoiceKind.CREDIT_NOTE,
            client=locked.client,
            engagement=locked.engagement,
            credits=locked,
            vat_rate=locked.vat_rate,
            notes=reason[:1000],
            lines=[
                LineSpec(line.description, line.amount, line.quantity, line.session)
                for line in locked.lines.all()
            ],
        )
        audit.record_for(
            TrainingEvent.INVOICE_CREDITED,
            locked,
            actor=actor,
            changes={"credit_note": note.number, "reason": reason[:200]},
        )
        if locked.engagement_id:
            # Its sessions are no longer invoiced: the engagement may go back to "delivered".
            refresh_status(m.Engagement.objects.get(pk=locked.engagement_id))
    return note
