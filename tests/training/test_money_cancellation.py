"""Cancelling sessions through the pages: choose sessions, read the quote with every tier checked,
confirm (credit notes, fee invoice, the client emailed with the PDFs), and the refusals."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from tests.pages import error_summary, page_text
from tests.training.money_support import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(org, make_member):
    return Money(org, make_member)


def session_ids(engagement):
    with organisation_scope(engagement.organisation):
        return [s.pk for s in engagement.sessions.order_by("starts_at")]


def ask_for_quote(client, engagement, sessions, reason="The school is closing for a week"):
    url = reverse("training_cancel", args=[engagement.pk])
    form = client.get(url).context["form"]
    return client.post(
        url,
        {
            "sessions": [str(pk) for pk in sessions],
            "reason": reason,
            "submission_id": form.initial["submission_id"],
        },
    )


def test_the_cancel_page_offers_every_scheduled_session_ticked(money, signed_in):
    engagement = money.signed(days=(20, 40))
    client = signed_in(money.office, money.org)
    response = client.get(reverse("training_cancel", args=[engagement.pk]))
    boxes = re.findall(r'<input[^>]*name="sessions"[^>]*>', response.content.decode())
    assert len(boxes) == 2 and all(" checked" in box for box in boxes)
    assert "£750.00" in page_text(response)


def test_the_quote_lists_every_tier_checked_with_its_reason_and_the_one_charged(money, signed_in):
    engagement = money.signed(days=(20, 40))
    client = signed_in(money.office, money.org)
    response = ask_for_quote(client, engagement, session_ids(engagement))
    with organisation_scope(money.org):
        quote = m.CancellationQuote.objects.get(engagement=engagement)
    assert response["Location"] == reverse("training_cancellation_quote", args=[quote.pk])
    text = page_text(client.get(response["Location"]))
    assert "The whole engagement (every scheduled session)" in text
    assert "The school is closing for a week" in text
    near, far = text.split("Session on ")[1:3]
    # The session 20 days away: every tier checked, the 30-day tier charged.
    assert (
        "Applies, less severe After signing: 10%. Applies: the agreement was signed before this "
        "cancellation."
    ) in near
    assert (
        "Charged Within 30 days of delivery: 50%. Applies: 20 days before delivery is within 30 "
        "days."
    ) in near
    assert (
        "Does not apply Within 14 days of delivery: 100%. Does not apply: 20 days before delivery "
        "is more than 14 days."
    ) in near
    # The session 40 days away: only "after signing" applies.
    assert (
        "Charged After signing: 10%. Applies: the agreement was signed before this cancellation."
    ) in far
    assert (
        "Does not apply Within 30 days of delivery: 50%. Does not apply: 40 days before delivery "
        "is more than 30 days."
    ) in far
    assert (
        "Does not apply Within 14 days of delivery: 100%. Does not apply: 40 days before delivery "
        "is more than 14 days."
    ) in far
    assert "Days before delivery 20" in text and "Days before delivery 40" in text
    assert "Fee for this session £375.00 (50%)" in text
    assert "Fee for this session £75.00 (10%)" in text
    assert "Cancellation fee £450.00" in text
    assert "A fee invoice for £450.00" in text
    assert "Carys Hughes (carys.hughes@glanmorfa.example) is emailed" in text
    assert "Confirm cancellation" in text


def test_the_minimum_fee_top_up_is_shown_on_the_quote(money, signed_in):
    with organisation_scope(money.org):
        actions.update_cancellation_policy(
            actor=money.admin,
            organisation=money.org,
            tiers=[{"kind": "after_signing", "percent": "10"}],
            minimum_fee="200",
            free_postponement_days=14,
            free_postponements=1,
        )
    engagement = money.signed(days=(60,))
    client = signed_in(money.office, money.org)
    response = ask_for_quote(client, engagement, session_ids(engagement))
    text = page_text(client.get(response["Location"]))
    assert "£200.00 for preparation and resources; top-up added: £125.00" in text
    assert "Cancellation fee £200.00" in text


def test_confirming_credits_the_invoice_issues_the_fee_invoice_and_emails_the_client(
    money, signed_in, django_capture_on_commit_callbacks
):
    engagement, invoice = money.invoiced(days=(20, 40))
    first, _second = session_ids(engagement)
    client = signed_in(money.office, money.org)
    quote_url = ask_for_quote(client, engagement, [first])["Location"]
    quote_page = page_text(client.get(quote_url))
    assert f"A credit note for £750.00 of invoice {invoice.number}" in quote_page
    quote_pk = int(quote_url.rstrip("/").split("/")[-1])
    # The email is sent when the transaction commits; outside tests that is inside the request
    # (and its organisation scope), so the callbacks run inside the scope here too.
    with (
        organisation_scope(money.org),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("training_cancellation_confirm", args=[quote_pk]))
    assert response["Location"] == reverse("training_engagement", args=[engagement.pk])
    with organisation_scope(money.org):
        credit = m.Invoice.objects.get(kind=c.InvoiceKind.CREDIT_NOTE)
        fee = m.Invoice.objects.get(cancellation_id=quote_pk, kind=c.InvoiceKind.INVOICE)
        statuses = [s.status for s in engagement.sessions.order_by("starts_at")]
    assert credit.credits == invoice and credit.total == Decimal("750.00")
    assert fee.total == Decimal("375.00")
    assert statuses == ["cancelled", "scheduled"]
    shown = page_text(client.get(response["Location"]))
    assert (
        f"Cancellation confirmed. Fee invoice {fee.number} issued for £375.00. "
        f"Credit notes issued: {credit.number}."
    ) in shown
    (email,) = mail.outbox
    assert email.to == ["carys.hughes@glanmorfa.example"]
    assert engagement.reference in email.subject
    assert [(name, kind) for name, _content, kind in email.attachments] == [
        (f"{credit.number}.pdf", "application/pdf"),
        (f"{fee.number}.pdf", "application/pdf"),
    ]
    assert all(content.startswith(b"%PDF") for _n, content, _k in email.attachments)
    # The confirmed quote shows what happened, and no button.
    confirmed = client.get(quote_url)
    text = page_text(confirmed)
    assert "Cancellation confirmed" in text and fee.number in text and credit.number in text
    assert reverse("training_cancellation_confirm", args=[quote_pk]) not in (
        confirmed.content.decode()
    )


def test_confirming_twice_is_refused_with_a_message(money, signed_in):
    engagement = money.signed(days=(40,))
    client = signed_in(money.office, money.org)
    quote_url = ask_for_quote(client, engagement, session_ids(engagement))["Location"]
    confirm = quote_url + "confirm/"
    assert client.post(confirm).status_code == 302
    response = client.post(confirm, follow=True)
    assert "This cancellation has already been confirmed." in page_text(response)
    with organisation_scope(money.org):
        assert m.Invoice.objects.filter(engagement=engagement).count() == 1


def test_a_quote_made_on_another_day_is_refused_with_a_clear_message(money, signed_in, monkeypatch):
    from mend.training.money import actions as money_actions

    engagement = money.signed(days=(20,))
    client = signed_in(money.office, money.org)
    quote_url = ask_for_quote(client, engagement, session_ids(engagement))["Location"]
    made_on = timezone.localdate()
    tomorrow = made_on + timedelta(days=1)
    monkeypatch.setattr(money_actions.timezone, "localdate", lambda *args: tomorrow)
    response = client.post(quote_url + "confirm/", follow=True)
    text = page_text(response)
    assert (
        f"This quote was worked out for {made_on:%d/%m/%Y}. Fees depend on the date, so work "
        "out a new quote for today."
    ) in text
    assert "This quote was worked out on another day." in text
    assert "Confirm cancellation" not in text
    with organisation_scope(money.org):
        assert not m.Invoice.objects.exists()
        assert engagement.sessions.get().status == c.SessionStatus.SCHEDULED


def test_an_older_quote_cannot_be_confirmed_once_a_newer_one_exists(money, signed_in):
    engagement = money.signed(days=(20, 40))
    first, second = session_ids(engagement)
    client = signed_in(money.office, money.org)
    old_url = ask_for_quote(client, engagement, [first])["Location"]
    new_url = ask_for_quote(client, engagement, [first, second])["Location"]
    text = page_text(client.get(old_url))
    assert "A newer quote has been worked out for this engagement." in text
    assert new_url in client.get(old_url).content.decode()
    response = client.post(old_url + "confirm/", follow=True)
    assert "The sessions have changed since this quote was made." in page_text(response)


def test_choosing_no_session_is_refused_on_the_form(money, signed_in):
    engagement = money.signed(days=(20,))
    client = signed_in(money.office, money.org)
    response = ask_for_quote(client, engagement, [])
    assert response.status_code == 200
    assert error_summary(response) == ["Choose at least one session to cancel."]
    assert 'value="The school is closing for a week"' not in response.content.decode()
    assert "The school is closing for a week" in response.content.decode()


def test_an_unsigned_engagement_is_cancelled_without_a_fee(money, signed_in):
    from tests.training.support import engagement_with_sessions, soon

    with organisation_scope(money.org):
        engagement = engagement_with_sessions(money.office, money.org, [soon(5)])
    client = signed_in(money.office, money.org)
    assert "no cancellation fee applies" in page_text(
        client.get(reverse("training_cancel", args=[engagement.pk]))
    )
    quote_url = ask_for_quote(client, engagement, session_ids(engagement))["Location"]
    text = page_text(client.get(quote_url))
    assert "No tiers: no agreement was signed." in text
    assert "Cancellation fee £0.00" in text and "No fee invoice: no fee is due." in text
    response = client.post(quote_url + "confirm/", follow=True)
    assert "Cancellation confirmed. No cancellation fee is due." in page_text(response)
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.CANCELLED
