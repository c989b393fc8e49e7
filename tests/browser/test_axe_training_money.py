"""axe finds no accessibility violations on the money pages (invoices, issuing an invoice with and
without errors, an invoice with a payment refused, a credit note, aged debt, cancelling sessions,
a quote before and after confirming, the cancellation policy with errors, invoice settings), in
English and Welsh."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


def build_money(organisation):
    """An invoiced engagement part paid, one with a confirmed cancellation (credit note and fee
    invoice) and one with a quote waiting to be confirmed."""
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member
    from mend.training import actions
    from tests.training.support import signed_engagement, soon

    admin = make_member(organisation, Role.ADMINISTRATOR, full_name="Alys Price")
    with organisation_scope(organisation):
        actor = admin.user
        paid = signed_engagement(actor, organisation, [soon(40)])
        invoice = actions.invoice_engagement(actor=actor, engagement=paid)
        actions.record_payment(
            actor=actor,
            invoice=invoice,
            amount="300.00",
            received_on=soon(0),
            method="bank_transfer",
            reference="BACS 1234",
        )
        cancelled = signed_engagement(actor, organisation, [soon(20), soon(45)], client=paid.client)
        actions.invoice_engagement(actor=actor, engagement=cancelled)
        first = cancelled.sessions.order_by("starts_at").first()
        confirmed = actions.quote_cancellation(
            actor=actor, engagement=cancelled, sessions=[first], reason="Staff training day moved"
        )
        (credit,), _fee = actions.confirm_cancellation(actor=actor, quote=confirmed)
        waiting_engagement = signed_engagement(
            actor, organisation, [soon(10), soon(20), soon(60)], client=paid.client
        )
        waiting = actions.quote_cancellation(
            actor=actor, engagement=waiting_engagement, reason="Budget withdrawn"
        )
    return {
        "admin": admin,
        "invoice": invoice,
        "credit": credit,
        "confirmed": confirmed,
        "waiting": waiting,
        "waiting_engagement": waiting_engagement,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_money_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    world = build_money(organisation)
    sign_in_as(world["admin"].user, organisation)
    if language == "cy":
        use_welsh()

    def payment_refused():
        page.goto(reverse("training_invoice", args=[world["invoice"].pk]))
        page.locator("input[name=amount]").fill("9999")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    def credit_with_errors():
        page.goto(reverse("training_invoice_credit", args=[world["invoice"].pk]))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    def invoice_new_with_errors():
        page.goto(reverse("training_invoice_new"))
        page.locator("input[name=line_2_description]").fill("Resources pack")
        page.locator("input[name=line_3_amount]").fill("0")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    def policy_with_errors():
        page.goto(reverse("training_policy"))
        page.locator("input[name=tier_4_percent]").fill("40")
        page.locator("input[name=tier_2_percent]").fill("150")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("invoices", reverse("training_invoices")),
            ("invoice-new", reverse("training_invoice_new")),
            ("invoice-new-with-errors", invoice_new_with_errors),
            ("invoice", reverse("training_invoice", args=[world["invoice"].pk])),
            ("invoice-payment-refused", payment_refused),
            ("credit-note", reverse("training_invoice", args=[world["credit"].pk])),
            ("invoice-credit", reverse("training_invoice_credit", args=[world["invoice"].pk])),
            ("invoice-credit-with-errors", credit_with_errors),
            ("aged-debt", reverse("training_aged_debt")),
            ("cancel", reverse("training_cancel", args=[world["waiting_engagement"].pk])),
            ("quote", reverse("training_cancellation_quote", args=[world["waiting"].pk])),
            (
                "quote-confirmed",
                reverse("training_cancellation_quote", args=[world["confirmed"].pk]),
            ),
            ("policy", reverse("training_policy")),
            ("policy-with-errors", policy_with_errors),
            ("settings", reverse("training_settings")),
            # The engagement page belongs to the sales area (and its own axe test): here only
            # the money panel within it is checked.
            (
                "engagement-panel",
                reverse("training_engagement", args=[world["waiting_engagement"].pk]),
                "section[aria-labelledby=money-panel-heading]",
            ),
        ],
        language,
        prefix="training-money-",
    )
    assert csp_reports.reports == []
