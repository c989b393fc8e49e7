"""The cancellation policy and invoice settings pages, and the money panel of the engagement page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import models as m
from mend.training.defaults import cancellation_policy, training_settings
from mend.training.money.panel import money_panel
from tests.pages import error_summary, page_text
from tests.training.money_support import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(org, make_member):
    return Money(org, make_member)


def policy_post(client, **changes):
    """Post the policy form as shown, with `changes` applied (tier rows: tier_<n>_<part>)."""
    form = client.get(reverse("training_policy")).context["form"]
    data = {"rows": form.tier_count}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = value
    data.update(changes)
    return client.post(reverse("training_policy"), {k: v for k, v in data.items() if v != ""})


def tiers(org):
    with organisation_scope(org):
        return [
            (t.kind, t.days, t.percent)
            for t in cancellation_policy(org).tiers.order_by("kind", "-days")
        ]


def test_the_policy_page_shows_the_tiers_two_spare_rows_and_the_signed_agreement_note(
    money, signed_in
):
    client = signed_in(money.admin, money.org)
    response = client.get(reverse("training_policy"))
    assert response.context["form"].tier_count == 5
    text = page_text(response)
    assert "Signed agreements keep the policy they were signed with." in text
    assert "Tier 5" in text and "Tier 6" not in text
    html = response.content.decode()
    for name, value in (("tier_1_percent", "10"), ("tier_2_percent", "50"), ("tier_3_days", "14")):
        assert re.search(rf'name="{name}"[^>]*value="{value}"', html), name
    settings_page = client.get(reverse("training_settings")).content.decode()
    assert re.search(r'name="vat_rate"[^>]*value="20"', settings_page)


def test_an_administrator_adds_a_tier_and_removes_one(money, signed_in):
    client = signed_in(money.admin, money.org)
    response = policy_post(
        client,
        tier_1_remove="on",  # after signing, 10%
        tier_4_kind="within_days",
        tier_4_days="7",
        tier_4_percent="75",
        minimum_fee="150.00",
    )
    assert response.status_code == 302
    assert tiers(money.org) == [
        ("within_days", 30, Decimal("50.00")),
        ("within_days", 14, Decimal("100.00")),
        ("within_days", 7, Decimal("75.00")),
    ]
    with organisation_scope(money.org):
        policy = cancellation_policy(money.org)
    assert (policy.minimum_fee, policy.version) == (Decimal("150.00"), 2)
    assert "Cancellation policy saved." in page_text(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tier_4_percent": "40"}, "Tier 4: choose the kind of tier."),
        ({"tier_2_percent": "150"}, "Ensure this value is less than or equal to 100."),
        (
            {"tier_4_kind": "within_days", "tier_4_days": "30", "tier_4_percent": "60"},
            "Tier 4: tier 2 already uses 30 days.",
        ),
        (
            {"tier_4_kind": "within_days", "tier_4_percent": "60"},
            "Tier 4: enter how many days before delivery it starts.",
        ),
        (
            {"tier_4_kind": "after_signing", "tier_4_percent": "5"},
            "There can be only one 'after signing' tier.",
        ),
        (
            {"tier_1_remove": "on", "tier_2_remove": "on", "tier_3_remove": "on"},
            "Keep at least one tier, or the policy charges nothing.",
        ),
        ({"minimum_fee": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_a_wrong_policy_is_refused_with_a_message_and_nothing_changes(
    money, signed_in, changes, message
):
    client = signed_in(money.admin, money.org)
    response = policy_post(client, **changes)
    assert response.status_code == 200
    assert message in error_summary(response)
    assert len(tiers(money.org)) == 3
    with organisation_scope(money.org):
        assert cancellation_policy(money.org).version == 1


def test_a_policy_changed_by_someone_else_meanwhile_is_not_overwritten(money, signed_in):
    client = signed_in(money.admin, money.org)
    form = client.get(reverse("training_policy")).context["form"]
    with organisation_scope(money.org):
        actions.update_cancellation_policy(
            actor=money.admin,
            organisation=money.org,
            tiers=[{"kind": "after_signing", "percent": "20"}],
            minimum_fee="0",
            free_postponement_days=14,
            free_postponements=1,
        )
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["rows"] = form.tier_count
    response = client.post(reverse("training_policy"), data)
    assert error_summary(response)[0].startswith("Someone else changed this record")
    assert tiers(money.org) == [("after_signing", None, Decimal("20.00"))]


def test_only_administrators_edit_the_policy_and_settings(money, signed_in):
    client = signed_in(money.office, money.org)
    assert client.get(reverse("training_policy")).status_code == 403
    assert client.get(reverse("training_settings")).status_code == 403


def settings_post(client, **changes):
    form = client.get(reverse("training_settings")).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(changes)
    return client.post(reverse("training_settings"), {k: v for k, v in data.items() if v != ""})


def test_invoice_settings_are_saved_and_used_for_the_next_invoice(money, signed_in):
    client = signed_in(money.admin, money.org)
    response = settings_post(
        client,
        invoice_prefix="cwm",
        credit_note_prefix="CWMC",
        vat_registered="on",
        vat_number="GB 123 4567 89",
        payment_terms_days="14",
        payment_details="Sort code 00-00-00",
    )
    assert response.status_code == 302
    with organisation_scope(money.org):
        row = training_settings(money.org)
    assert (row.invoice_prefix, row.vat_registered, row.payment_terms_days) == ("CWM", True, 14)
    _engagement, invoice = money.invoiced()
    assert invoice.number == "CWM-000001"
    assert (invoice.vat_amount, invoice.total) == (Decimal("150.00"), Decimal("900.00"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"vat_registered": "on", "vat_number": ""}, "vat_number", "Enter the VAT number"),
        ({"credit_note_prefix": "INV"}, "credit_note_prefix", "Credit notes need a different"),
        ({"invoice_prefix": "IN V"}, "invoice_prefix", "Use letters, numbers and hyphens only"),
        ({"vat_rate": "101"}, "vat_rate", "Ensure this value is less than or equal to 100."),
    ],
)
def test_wrong_invoice_settings_are_refused_on_the_field(money, signed_in, changes, field, message):
    client = signed_in(money.admin, money.org)
    response = settings_post(client, **changes)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    with organisation_scope(money.org):
        assert training_settings(money.org).version == 1


# ---------------------------------------------------------------- the engagement page's panel


def panel_html(user, org, engagement):
    request = RequestFactory().get("/")
    request.user = user
    context = money_panel(request, engagement)
    return context, render_to_string(
        "training/money/_engagement_panel.html", {**context, "engagement": engagement}
    )


def read(html: str) -> str:
    return page_text(type("Page", (), {"content": html.encode()}))


def test_the_panel_shows_invoices_with_outstanding_and_the_buttons_allowed(money):
    engagement, invoice = money.invoiced(days=(20, 40))
    money.pay(invoice, "300.00")
    with organisation_scope(money.org):
        _context, html = panel_html(money.office, money.org, engagement)
    text = read(html)
    assert "Invoices and credit notes: £1,200.00 outstanding" in text
    assert f"{invoice.number} Invoice" in text and "£1,500.00 £1,200.00 Part paid" in text
    assert "Cancel sessions" in text


def test_a_signed_engagement_not_yet_invoiced_offers_issue_invoice(money):
    engagement = money.signed(days=(40,))
    with organisation_scope(money.org):
        _context, html = panel_html(money.office, money.org, engagement)
    assert "No invoices yet." in read(html)
    assert reverse("training_engagement_invoice", args=[engagement.pk]) in html


def test_the_panel_offers_no_invoice_once_every_session_is_invoiced(money):
    engagement, _invoice = money.invoiced(days=(40,))
    with organisation_scope(money.org):
        _context, html = panel_html(money.office, money.org, engagement)
    assert "Issue invoice" not in html and "Cancel sessions" in html


def test_a_trainer_sees_no_money_on_the_engagement_page(money, make_member):
    trainer = make_member(money.org, Role.TRAINER, email="twm.trainer@example.test").user
    engagement, _invoice = money.invoiced()
    with organisation_scope(money.org):
        context, html = panel_html(trainer, money.org, engagement)
    assert context == {"money_panel": None}
    assert html.strip() == ""


def test_the_panel_runs_the_same_queries_for_a_small_or_large_engagement(money, count_queries):
    small, _ = money.invoiced(days=(40,))
    large, invoice = money.invoiced(days=tuple(range(20, 32)))
    for _ in range(3):
        money.pay(invoice, "10.00")
    with organisation_scope(money.org):
        quote = actions.quote_cancellation(actor=money.office, engagement=large)
        actions.quote_cancellation(actor=money.office, engagement=large)
        assert quote.pk
        panel_html(money.office, money.org, small)  # memberships cached on the user
        with count_queries.counting() as few:
            panel_html(money.office, money.org, small)
        with count_queries.counting() as many:
            context, _html = panel_html(money.office, money.org, large)
    assert len(context["money_panel"]["quotes"]) == 2
    assert len(many) == len(few)


def test_the_engagement_page_includes_the_money_panel(money, signed_in):
    engagement, invoice = money.invoiced()
    client = signed_in(money.office, money.org)
    text = page_text(client.get(reverse("training_engagement", args=[engagement.pk])))
    assert "Invoices and cancellations" in text
    assert f"{invoice.number} Invoice" in text
    with organisation_scope(money.org):
        assert m.Invoice.objects.count() == 1
