"""Emails the money area sends the client (run by background tasks after the change commits)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from mend.core.tenancy import organisation_scope
from mend.training import models as m
from mend.training.money.documents import invoice_pdf


def tell_client_of_cancellation(
    engagement: m.Engagement,
    quote: m.CancellationQuote,
    fee_invoice: m.Invoice | None,
    credit_notes: list[m.Invoice],
) -> None:
    """Email the client contact the confirmation with its documents (run by a task)."""
    contact = engagement.contact
    if contact is None or not contact.email:
        return

    # Runs after commit, possibly outside the request's scope: work in the engagement's organisation.
    with organisation_scope(engagement.organisation), translation.override(contact.language):
        context = {
            "engagement": engagement,
            "contact": contact,
            "quote": quote,
            "fee_invoice": fee_invoice,
            "credit_notes": credit_notes,
            "organisation": engagement.organisation.display_name(contact.language),
        }
        subject = _("Cancellation confirmed: %(reference)s") % {"reference": engagement.reference}
        body = render_to_string("training/email/cancellation.txt", context)
        message = EmailMessage(subject, body, None, [contact.email])
        for document in [*credit_notes, *([fee_invoice] if fee_invoice else [])]:
            message.attach(f"{document.number}.pdf", invoice_pdf(document), "application/pdf")
    message.send()
