"""The invoice pages: the list with balances and filters, an invoice with its payments and credit
notes, recording a payment, the PDF, and issuing an invoice from the engagement."""

from __future__ import annotations

import html
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mend.core.models import AccessLog
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import models as m
from mend.training.money.queries import with_balances
from tests.pages import error_summary, page_text
from tests.training.money_support import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(org, make_member):
    return Money(org, make_member)


def test_an_invoice_of_750_with_a_300_payment_shows_450_outstanding(money, signed_in):
    engagement, invoice = money.invoiced()
    client = signed_in(money.office, money.org)
    url = reverse("training_invoice", args=[invoice.pk])
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "amount": "300.00",
            "received_on": timezone.localdate().isoformat(),
            "method": "bank_transfer",
            "reference": "BACS 1234",
            "submission_id": form.initial["submission_id"],
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    text = page_text(client.get(url))
    assert "Payment of £300.00 recorded against INV-000001." in text
    assert "Total £750.00" in text
    assert "Paid £300.00" in text
    assert "Outstanding £450.00" in text
    assert "Part paid" in text
    assert "BACS 1234" in text
    assert "Issued invoices cannot be changed; issue a credit note" in text
    listing = page_text(client.get(reverse("training_invoices")))
    assert f"INV-000001 Invoice {engagement.client.name} {engagement.reference}" in listing
    assert "£750.00 £450.00 Part paid" in listing


def test_the_same_payment_submitted_twice_is_recorded_once(money, signed_in):
    _engagement, invoice = money.invoiced()
    client = signed_in(money.office, money.org)
    url = reverse("training_invoice", args=[invoice.pk])
    data = {
        "amount": "100",
        "received_on": timezone.localdate().isoformat(),
        "method": "card",
        "submission_id": client.get(url).context["form"].initial["submission_id"],
    }
    client.post(url, data)
    client.post(url, data)
    with organisation_scope(money.org):
        assert invoice.payments.count() == 1


def test_a_payment_over_what_is_owed_is_refused_on_the_form(money, signed_in):
    _engagement, invoice = money.invoiced()
    money.pay(invoice, "300.00")
    client = signed_in(money.office, money.org)
    response = client.post(
        reverse("training_invoice", args=[invoice.pk]),
        {
            "amount": "450.01",
            "received_on": timezone.localdate().isoformat(),
            "method": "cheque",
        },
    )
    assert response.status_code == 200
    assert error_summary(response) == ["This is more than the £450.00 still owed on INV-000001."]
    assert response.context["form"].errors["amount"]
    assert 'value="450.01"' in response.content.decode()
    with organisation_scope(money.org):
        assert invoice.payments.count() == 1


def test_a_payment_dated_in_the_future_is_refused_on_the_form(money, signed_in):
    _engagement, invoice = money.invoiced()
    client = signed_in(money.office, money.org)
    response = client.post(
        reverse("training_invoice", args=[invoice.pk]),
        {
            "amount": "10",
            "received_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "method": "cheque",
        },
    )
    assert error_summary(response) == ["The date received cannot be in the future."]


def test_a_paid_invoice_offers_no_payment_form_and_shows_paid(money, signed_in):
    _engagement, invoice = money.invoiced()
    money.pay(invoice, "750.00")
    client = signed_in(money.office, money.org)
    response = client.get(reverse("training_invoice", args=[invoice.pk]))
    text = page_text(response)
    assert "Outstanding £0.00" in text and "Paid" in text
    assert "Record a payment" not in text


def test_a_credit_note_links_to_the_invoice_it_credits_and_back(money, signed_in):
    engagement, invoice = money.invoiced(days=(20, 40))
    with organisation_scope(money.org):
        first = engagement.sessions.order_by("starts_at").first()
        quote = actions.quote_cancellation(
            actor=money.office, engagement=engagement, sessions=[first]
        )
        (credit,), fee = actions.confirm_cancellation(actor=money.office, quote=quote)
    client = signed_in(money.office, money.org)
    note_page = client.get(reverse("training_invoice", args=[credit.pk]))
    text = page_text(note_page)
    assert f"Credit note {credit.number}" in text
    assert f"Credits invoice {invoice.number}" in text
    assert reverse("training_invoice", args=[invoice.pk]) in note_page.content.decode()
    assert "Record a payment" not in text
    invoice_page = client.get(reverse("training_invoice", args=[invoice.pk]))
    assert reverse("training_invoice", args=[credit.pk]) in invoice_page.content.decode()
    text = page_text(invoice_page)
    assert f"{credit.number} : £750.00 credited" in text
    assert "Credited £750.00" in text and "Outstanding £750.00" in text
    assert fee.total == Decimal("375.00")  # 20 days away: 50% of £750


def test_the_list_filters_by_kind_and_status(money, signed_in):
    school = money.client("Ysgol Bro Dinefwr")
    paid = money.invoice(school, "100.00")
    money.pay(paid, "100.00")
    part = money.invoice(school, "200.00")
    money.pay(part, "50.00")
    due = money.invoice(school, "300.00")
    client = signed_in(money.office, money.org)

    def numbers(**query):
        response = client.get(reverse("training_invoices"), query)
        return [i.number for i in response.context["page"]]

    assert numbers() == [due.number, part.number, paid.number]
    assert numbers(status="paid") == [paid.number]
    assert numbers(status="part_paid") == [part.number]
    assert numbers(status="due") == [due.number]
    assert numbers(status="overdue") == []
    assert numbers(kind="credit_note") == []


def test_overdue_starts_the_day_after_the_due_date(money):
    school = money.client("Ysgol Bro Dinefwr")
    invoice = money.invoice(school, "100.00")
    with organisation_scope(money.org):

        def status_on(day):
            return with_balances(m.Invoice.objects.filter(pk=invoice.pk), day).get().status

        assert status_on(invoice.due_date) == "due"
        assert status_on(invoice.due_date + timedelta(days=1)) == "overdue"


def test_the_invoice_list_runs_the_same_queries_for_2_or_20_invoices(
    money, signed_in, count_queries
):
    school = money.client("Ysgol Bro Dinefwr")
    for _ in range(2):
        money.pay(money.invoice(school, "100.00"), "10.00")
    client = signed_in(money.office, money.org)
    url = reverse("training_invoices")
    client.get(url)
    with count_queries.counting() as small:
        assert client.get(url).status_code == 200
    for _ in range(18):
        money.pay(money.invoice(school, "100.00"), "10.00")
    with count_queries.counting() as large:
        response = client.get(url)
    assert len(response.context["page"]) == 20
    assert len(large) == len(small)


def test_the_list_pages_keep_the_filter(money, signed_in, settings):
    settings.MEND_PAGE_SIZE = 2
    school = money.client("Ysgol Bro Dinefwr")
    for _ in range(3):
        money.invoice(school, "100.00")
    client = signed_in(money.office, money.org)
    response = client.get(reverse("training_invoices"), {"status": "due"})
    next_url = response.context["page"].next_url
    assert next_url.startswith(reverse("training_invoices") + "?status=due&after=")
    assert html.escape(next_url) in response.content.decode()
    second = client.get(next_url).context["page"]
    assert len(second) == 1
    assert second.first_url == reverse("training_invoices") + "?status=due"


def test_the_pdf_is_the_issued_invoice_and_its_download_is_logged(money, signed_in):
    engagement, invoice = money.invoiced()
    client = signed_in(money.office, money.org)
    response = client.get(reverse("training_invoice_pdf", args=[invoice.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="INV-000001.pdf"' in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "INV-000001" in text and "750.00" in text and engagement.reference in text
    log = AccessLog.objects.get(object_type="training.invoice", object_id=str(invoice.pk))
    assert (log.kind, log.user) == ("export", money.office)


def test_issue_invoice_from_the_engagement_invoices_every_session_not_yet_invoiced(
    money, signed_in
):
    engagement = money.signed(days=(30, 40))
    client = signed_in(money.office, money.org)
    response = client.post(reverse("training_engagement_invoice", args=[engagement.pk]))
    with organisation_scope(money.org):
        invoice = m.Invoice.objects.get(engagement=engagement)
    assert response["Location"] == reverse("training_invoice", args=[invoice.pk])
    assert invoice.total == Decimal("1500.00")
    again = client.post(reverse("training_engagement_invoice", args=[engagement.pk]), follow=True)
    assert "Every session of this engagement has been invoiced already." in page_text(again)
    with organisation_scope(money.org):
        assert m.Invoice.objects.filter(engagement=engagement).count() == 1


def test_an_engagement_not_yet_signed_cannot_be_invoiced(money, signed_in):
    from tests.training.support import engagement_with_sessions, soon

    with organisation_scope(money.org):
        engagement = engagement_with_sessions(money.office, money.org, [soon(30)])
    client = signed_in(money.office, money.org)
    response = client.post(
        reverse("training_engagement_invoice", args=[engagement.pk]), follow=True
    )
    assert "Only a signed engagement can be invoiced." in page_text(response)
    with organisation_scope(money.org):
        assert not m.Invoice.objects.exists()
