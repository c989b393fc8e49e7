"""Background work of the training business (django-tasks; docs/decisions/0015).

Emails that carry PDFs (certificates, cancellation notices with their invoices and credit notes)
are rendered and sent by a task after the transaction commits, so a request issuing certificates
for a whole class never waits for WeasyPrint. Tasks take ids (their arguments are stored as JSON)
and read their rows in the row's own organisation."""

from __future__ import annotations

from django_tasks import task

from mend.core.tenancy import organisation_scope, unscoped
from mend.training import models as m
from mend.training.delivery.certificates import email_certificate as send_certificate
from mend.training.money.notices import tell_client_of_cancellation


@task()
def email_certificate(certificate_id: int, email: str) -> None:
    with unscoped():
        certificate = m.Certificate.objects.select_related("organisation").get(pk=certificate_id)
    with organisation_scope(certificate.organisation):
        send_certificate(certificate, email)


@task()
def email_cancellation(quote_id: int) -> None:
    with unscoped():
        quote = m.CancellationQuote.objects.select_related("organisation").get(pk=quote_id)
    with organisation_scope(quote.organisation):
        engagement = m.Engagement.objects.select_related("client", "contact").get(
            pk=quote.engagement_id
        )
        invoices = list(quote.invoices.order_by("kind", "sequence"))
        credit_notes = [i for i in invoices if i.kind == "credit_note"]
        fees = [i for i in invoices if i.kind == "invoice"]
        tell_client_of_cancellation(engagement, quote, fees[0] if fees else None, credit_notes)
