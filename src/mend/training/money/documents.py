"""Training PDFs: invoices and credit notes (here), quotes and certificates (their areas).

Each document is built from its own issued row (an invoice is rendered from the invoice as it
was issued, never from the client's current details)."""

from __future__ import annotations

from mend.core.documents import render_pdf
from mend.training import models as m
from mend.training.defaults import training_settings


def invoice_pdf(invoice: m.Invoice) -> bytes:
    settings_row = training_settings(invoice.organisation)
    context = {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "organisation_name": invoice.organisation.display_name(invoice.language),
        "vat_number": settings_row.vat_number if invoice.vat_rate is not None else "",
        "payment_details": settings_row.payment_details,
        "credits": invoice.credits,
    }
    return render_pdf("training/pdf/invoice.html", context, invoice.language)


def invoice_filename(invoice: m.Invoice) -> str:
    return f"{invoice.number}.pdf"
