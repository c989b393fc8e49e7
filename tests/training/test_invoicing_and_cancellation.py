"""Invoices, credit notes, payments, cancellations and postponements through the actions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from mend.core.models import AuditEvent
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.money.documents import invoice_pdf
from tests.training.support import at, signed_engagement, soon

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(org, make_member):
    return make_member(org, Role.OFFICE, email="owain.office@example.test").user


@pytest.fixture
def admin(org, make_member):
    return make_member(org, Role.ADMINISTRATOR, email="alys.admin@example.test").user


@pytest.fixture
def scope(org):
    with organisation_scope(org):
        yield


def pdf_text(data: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_policy_edited_after_signing_does_not_change_the_signed_agreement(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(60)])
    actions.update_cancellation_policy(
        actor=admin,
        organisation=org,
        tiers=[
            {"kind": "after_signing", "percent": "25"},
            {"kind": "within_days", "days": "45", "percent": "80"},
        ],
        minimum_fee="0",
        free_postponement_days=14,
        free_postponements=1,
    )
    quote = actions.quote_cancellation(actor=admin, engagement=engagement)
    assert quote.fee_total == Decimal("75.00")  # 10% of 750 under the policy signed
    assert [t["percent"] for t in quote.policy_snapshot["tiers"]] == ["10.00", "50.00", "100.00"]
    # An agreement signed after the edit uses the new policy: 60 days away, so 25% after signing.
    later = signed_engagement(admin, org, [soon(60)], client=engagement.client)
    assert actions.quote_cancellation(actor=admin, engagement=later).fee_total == Decimal("187.50")


def test_cancelling_part_of_an_engagement_charges_and_credits_only_those_sessions(
    org, admin, scope
):
    engagement = signed_engagement(admin, org, [soon(10), soon(20), soon(45)])
    invoice = actions.invoice_engagement(actor=admin, engagement=engagement)
    assert invoice.total == Decimal("2250.00")
    second = engagement.sessions.order_by("starts_at")[1]
    quote = actions.quote_cancellation(actor=admin, engagement=engagement, sessions=[second])
    assert not quote.whole_engagement
    assert quote.fee_total == Decimal("375.00")  # 20 days: 50% of 750
    credit_notes, fee_invoice = actions.confirm_cancellation(actor=admin, quote=quote)
    (credit,) = credit_notes
    assert credit.kind == c.InvoiceKind.CREDIT_NOTE
    assert credit.credits == invoice
    assert [(line.session_id, line.amount) for line in credit.lines.all()] == [
        (second.pk, Decimal("750.00"))
    ]
    assert fee_invoice.total == Decimal("375.00")
    assert "50% within 30 days" in fee_invoice.lines.get().description
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.SIGNED
    assert list(engagement.sessions.values_list("status", flat=True)) == [
        c.SessionStatus.SCHEDULED,
        c.SessionStatus.CANCELLED,
        c.SessionStatus.SCHEDULED,
    ]
    assert actions.outstanding(invoice) == Decimal("1500.00")


def test_cancelling_everything_credits_the_invoice_issues_the_fee_and_tells_the_client(
    org, admin, scope, django_capture_on_commit_callbacks
):
    engagement = signed_engagement(admin, org, [soon(20), soon(40)])
    invoice = actions.invoice_engagement(actor=admin, engagement=engagement)
    quote = actions.quote_cancellation(actor=admin, engagement=engagement, reason="Budget cut")
    assert quote.whole_engagement
    with django_capture_on_commit_callbacks(execute=True):
        credit_notes, fee_invoice = actions.confirm_cancellation(actor=admin, quote=quote)
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.CANCELLED
    assert credit_notes[0].total == invoice.total
    assert actions.outstanding(invoice) == Decimal("0.00")
    # 20 days: 50% of 750; 40 days: 10% of 750.
    assert [line.amount for line in fee_invoice.lines.all()] == [
        Decimal("375.00"),
        Decimal("75.00"),
    ]
    (email,) = mail.outbox
    assert email.to == ["carys.hughes@glanmorfa.example"]
    assert fee_invoice.number in email.body and credit_notes[0].number in email.body
    attachments = {name: data for name, data, _mime in email.attachments}
    assert set(attachments) == {f"{fee_invoice.number}.pdf", f"{credit_notes[0].number}.pdf"}
    text = pdf_text(attachments[f"{fee_invoice.number}.pdf"])
    assert fee_invoice.number in text and "450.00" in text and "Ysgol Gynradd Glan Morfa" in text
    assert invoice.number in pdf_text(attachments[f"{credit_notes[0].number}.pdf"])
    quote.refresh_from_db()
    assert quote.confirmed_by == admin
    assert AuditEvent.objects.filter(action="training.cancellation_confirmed").count() == 1


def test_cancelling_before_the_agreement_is_signed_costs_nothing(org, admin, scope):
    from tests.training.support import engagement_with_sessions

    engagement = engagement_with_sessions(admin, org, [soon(5)])
    quote = actions.quote_cancellation(actor=admin, engagement=engagement)
    assert quote.fee_total == Decimal("0.00")
    assert quote.result["signed"] is False
    credit_notes, fee_invoice = actions.confirm_cancellation(actor=admin, quote=quote)
    assert (credit_notes, fee_invoice) == ([], None)
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.CANCELLED


def test_a_quote_cannot_be_confirmed_twice_nor_after_the_sessions_changed(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(20), soon(40)])
    first = actions.quote_cancellation(actor=admin, engagement=engagement)
    second = actions.quote_cancellation(actor=admin, engagement=engagement)
    with pytest.raises(ValidationError, match="changed since this quote"):
        actions.confirm_cancellation(actor=admin, quote=first)
    actions.confirm_cancellation(actor=admin, quote=second)
    with pytest.raises(ValidationError, match="already been confirmed"):
        actions.confirm_cancellation(actor=admin, quote=second)


def test_a_quote_made_on_another_day_must_be_worked_out_again(org, admin, scope, monkeypatch):
    engagement = signed_engagement(admin, org, [soon(20)])
    quote = actions.quote_cancellation(actor=admin, engagement=engagement)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("mend.training.money.actions.timezone.localdate", lambda *a, **k: tomorrow)
    with pytest.raises(ValidationError, match="work out a new quote for today"):
        actions.confirm_cancellation(actor=admin, quote=quote)


def test_issued_documents_are_immutable(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(20)])
    invoice = actions.invoice_engagement(actor=admin, engagement=engagement)
    invoice.total = Decimal("1.00")
    with pytest.raises(m.ImmutableError):
        invoice.save()
    with pytest.raises(m.ImmutableError):
        invoice.delete()
    line = invoice.lines.get()
    line.amount = Decimal("1.00")
    with pytest.raises(m.ImmutableError):
        line.save()
    quote = actions.quote_cancellation(actor=admin, engagement=engagement)
    quote.fee_total = Decimal("0")
    with pytest.raises(m.ImmutableError):
        quote.save()
    invoice.refresh_from_db()
    assert invoice.total == Decimal("750.00")


def test_vat_is_charged_only_when_the_organisation_is_registered(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(20), soon(50)])
    plain = actions.invoice_engagement(actor=admin, engagement=engagement)
    assert (plain.vat_rate, plain.vat_amount, plain.total) == (
        None,
        Decimal("0.00"),
        Decimal("1500.00"),
    )
    actions.update_training_settings(
        actor=admin, organisation=org, vat_registered=True, vat_number="GB123456789"
    )
    quote = actions.quote_cancellation(actor=admin, engagement=engagement)
    credit_notes, fee = actions.confirm_cancellation(actor=admin, quote=quote)
    # The credit note follows the invoice it credits (no VAT); the new fee invoice charges VAT.
    assert credit_notes[0].vat_rate is None and credit_notes[0].total == Decimal("1500.00")
    assert fee.subtotal == Decimal("450.00")  # 375 + 75
    assert (fee.vat_rate, fee.vat_amount, fee.total) == (
        Decimal("20.00"),
        Decimal("90.00"),
        Decimal("540.00"),
    )
    assert "GB123456789" in pdf_text(invoice_pdf(fee))


def test_payments_settle_an_invoice_and_may_not_exceed_what_is_owed(org, admin, office, scope):
    engagement = signed_engagement(admin, org, [soon(20)])
    invoice = actions.invoice_engagement(actor=office, engagement=engagement)
    actions.record_payment(
        actor=office,
        invoice=invoice,
        amount="300.00",
        received_on=timezone.localdate(),
        method=c.PaymentMethod.BANK_TRANSFER,
    )
    assert actions.outstanding(invoice) == Decimal("450.00")
    with pytest.raises(ValidationError, match="more than the £450.00 still owed"):  # noqa: RUF043
        actions.record_payment(
            actor=office,
            invoice=invoice,
            amount="450.01",
            received_on=timezone.localdate(),
            method=c.PaymentMethod.BANK_TRANSFER,
        )
    with pytest.raises(ValidationError, match="cannot be in the future"):
        actions.record_payment(
            actor=office,
            invoice=invoice,
            amount="1.00",
            received_on=timezone.localdate() + timedelta(days=1),
            method=c.PaymentMethod.CARD,
        )


def test_delivered_invoiced_and_paid_follow_from_sessions_and_money(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(20)])
    session = engagement.sessions.get()
    m.DeliverySession.objects.filter(pk=session.pk).update(status=c.SessionStatus.DELIVERED)
    actions.refresh_status(engagement)
    assert engagement.status == c.EngagementStatus.DELIVERED
    invoice = actions.invoice_engagement(actor=admin, engagement=engagement)
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.INVOICED
    actions.record_payment(
        actor=admin,
        invoice=invoice,
        amount=invoice.total,
        received_on=timezone.localdate(),
        method=c.PaymentMethod.BANK_TRANSFER,
    )
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.PAID


def test_only_finance_roles_issue_invoices(org, make_member, admin, scope):
    trainer = make_member(org, Role.TRAINER, email="tomos.trainer@example.test").user
    engagement = signed_engagement(admin, org, [soon(20)])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.invoice_engagement(actor=trainer, engagement=engagement)
    assert not m.Invoice.objects.exists()


# ---------------------------------------------------------------- postponement


def test_a_session_can_be_postponed_free_with_enough_notice_once(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(20)])
    session = engagement.sessions.get()
    new_day = soon(50)
    moved = actions.postpone_session(
        actor=admin,
        session=session,
        starts_at=at(new_day),
        ends_at=at(new_day, 15),
        reason="Ofsted",
    )
    assert moved.delivery_date == new_day
    assert moved.original_starts_at == session.starts_at
    assert not m.Invoice.objects.exists()
    with pytest.raises(ValidationError, match="allows 1 free postponement"):
        actions.postpone_session(
            actor=admin, session=moved, starts_at=at(soon(80)), ends_at=at(soon(80), 15)
        )


def test_a_late_postponement_is_refused_and_the_session_stays_put(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(10)])
    session = engagement.sessions.get()
    with pytest.raises(ValidationError, match="at least 14 days' notice; this session is 10"):
        actions.postpone_session(
            actor=admin, session=session, starts_at=at(soon(40)), ends_at=at(soon(40), 15)
        )
    session.refresh_from_db()
    assert session.delivery_date == soon(10) and session.postponements == 0


# ---------------------------------------------------------------- crediting an invoice


def test_crediting_an_invoice_cancels_it_in_full_and_its_sessions_can_be_invoiced_again(
    org, admin, scope
):
    engagement = signed_engagement(admin, org, [soon(-3)])
    session = engagement.sessions.get()
    m.DeliverySession.objects.filter(pk=session.pk).update(status=c.SessionStatus.DELIVERED)
    invoice = actions.invoice_engagement(actor=admin, engagement=engagement)
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.INVOICED
    with pytest.raises(ValidationError, match="Enter why"):
        actions.credit_invoice(actor=admin, invoice=invoice, reason="  ")
    note = actions.credit_invoice(actor=admin, invoice=invoice, reason="Wrong price agreed")
    assert (note.kind, note.credits, note.total, note.notes) == (
        c.InvoiceKind.CREDIT_NOTE,
        invoice,
        invoice.total,
        "Wrong price agreed",
    )
    assert actions.outstanding(invoice) == Decimal("0.00")
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.DELIVERED
    with pytest.raises(ValidationError, match="already has a credit note"):
        actions.credit_invoice(actor=admin, invoice=invoice, reason="Again")
    again = actions.invoice_engagement(actor=admin, engagement=engagement)
    assert [line.session_id for line in again.lines.all()] == [session.pk]
    engagement.refresh_from_db()
    assert engagement.status == c.EngagementStatus.INVOICED


def test_a_cancellation_credits_only_the_invoice_still_standing(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(20)])
    first = actions.invoice_engagement(actor=admin, engagement=engagement)
    actions.credit_invoice(actor=admin, invoice=first, reason="Sent to the wrong address")
    second = actions.invoice_engagement(actor=admin, engagement=engagement)
    quote = actions.quote_cancellation(actor=admin, engagement=engagement)
    credit_notes, _fee = actions.confirm_cancellation(actor=admin, quote=quote)
    assert [note.credits for note in credit_notes] == [second]
    assert actions.outstanding(first) == actions.outstanding(second) == Decimal("0.00")


def test_a_paid_invoice_cannot_be_credited(org, admin, scope):
    engagement = signed_engagement(admin, org, [soon(20)])
    invoice = actions.invoice_engagement(actor=admin, engagement=engagement)
    actions.record_payment(
        actor=admin,
        invoice=invoice,
        amount="10.00",
        received_on=timezone.localdate(),
        method=c.PaymentMethod.CARD,
    )
    with pytest.raises(ValidationError, match="arrange the refund"):
        actions.credit_invoice(actor=admin, invoice=invoice, reason="Mistake")
    assert not m.Invoice.objects.filter(kind=c.InvoiceKind.CREDIT_NOTE).exists()


def test_an_invoice_is_never_issued_to_another_organisations_client(
    org, other_org, admin, make_member, scope
):
    from tests.training.support import school_client

    other_admin = make_member(other_org, Role.ADMINISTRATOR, email="a@elsewhere.test").user
    with organisation_scope(other_org):
        elsewhere, _contact = school_client(other_admin, other_org)
    with pytest.raises(ValidationError):
        actions.issue_invoice(
            actor=admin,
            organisation=org,
            client=elsewhere,
            lines=[actions.LineSpec("Resources pack", Decimal("40.00"))],
        )


def test_the_credit_page_issues_the_credit_note(org, admin, client, signed_in):
    from django.urls import reverse

    from tests.pages import error_summary

    with organisation_scope(org):
        engagement = signed_engagement(admin, org, [soon(20)])
        invoice = actions.invoice_engagement(actor=admin, engagement=engagement)
    signed_in(admin, org)
    url = reverse("training_invoice_credit", args=[invoice.pk])
    page = client.get(reverse("training_invoice", args=[invoice.pk]))
    assert url in page.content.decode()
    refused = client.post(url, {"reason": ""})
    assert "Enter why the invoice is being credited." in error_summary(refused)
    response = client.post(url, {"reason": "Price agreed again"})
    with organisation_scope(org):
        note = m.Invoice.objects.get(kind=c.InvoiceKind.CREDIT_NOTE)
    assert response.status_code == 302
    assert response["Location"] == reverse("training_invoice", args=[note.pk])
    assert url not in client.get(reverse("training_invoice", args=[invoice.pk])).content.decode()
