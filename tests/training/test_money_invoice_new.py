"""Issuing a free-form invoice to a client (resources, an e-learning licence, consultancy): the
lines and their total, VAT when the organisation is registered, rows left empty, a row half
filled in, a double submit, who may issue one, and another organisation's client."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope, unscoped
from mend.training import actions
from mend.training import models as m
from tests.pages import error_summary, page_text
from tests.training.money_support import Money

pytestmark = pytest.mark.django_db

URL = reverse("training_invoice_new")


@pytest.fixture
def money(org, make_member):
    return Money(org, make_member)


def _submission_id(client, url=URL) -> str:
    return client.get(url).context["form"].initial["submission_id"]


def _post(client, data, **lines):
    """POST the form: `lines` as line_<n>_description / line_<n>_amount values."""
    return client.post(URL, {**data, **lines})


def _invoices(org):
    with organisation_scope(org):
        return list(m.Invoice.objects.order_by("pk"))


def test_an_invoice_with_two_lines_totals_them(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    client = signed_in(money.office, money.org)
    response = _post(
        client,
        {"client": school.pk, "notes": "PO 4471", "submission_id": _submission_id(client)},
        line_1_description="Restorative classroom resources pack",
        line_1_amount="120.50",
        line_2_description="E-learning licence, 30 staff",
        line_2_amount="450",
    )
    (invoice,) = _invoices(money.org)
    assert response.status_code == 302
    assert response["Location"] == reverse("training_invoice", args=[invoice.pk])
    assert invoice.client_name == "Ysgol Bro Dysynni"
    assert invoice.engagement is None
    assert invoice.subtotal == Decimal("570.50")
    assert invoice.vat_rate is None
    assert invoice.total == Decimal("570.50")
    assert invoice.notes == "PO 4471"
    with organisation_scope(money.org):
        lines = [(line.description, line.amount) for line in invoice.lines.order_by("position")]
    assert lines == [
        ("Restorative classroom resources pack", Decimal("120.50")),
        ("E-learning licence, 30 staff", Decimal("450.00")),
    ]
    text = page_text(client.get(response["Location"]))
    assert f"Invoice {invoice.number} issued for £570.50." in text


def test_vat_is_added_when_the_organisation_is_registered(money, signed_in):
    with organisation_scope(money.org):
        actions.update_training_settings(
            actor=money.admin,
            organisation=money.org,
            vat_registered=True,
            vat_number="GB123456789",
            vat_rate=Decimal("20"),
        )
    school = money.client("Ysgol Bro Dysynni")
    client = signed_in(money.office, money.org)
    form_page = page_text(client.get(URL))
    assert "VAT at 20% will be added to the total." in form_page
    _post(
        client,
        {"client": school.pk, "submission_id": _submission_id(client)},
        line_1_description="Consultancy: behaviour policy review",
        line_1_amount="400.00",
        line_2_description="Resources pack",
        line_2_amount="100.00",
    )
    (invoice,) = _invoices(money.org)
    assert invoice.subtotal == Decimal("500.00")
    assert invoice.vat_rate == Decimal("20.00")
    assert invoice.vat_amount == Decimal("100.00")
    assert invoice.total == Decimal("600.00")


def test_the_page_says_no_vat_is_added_and_an_issued_invoice_cannot_be_changed(money, signed_in):
    text = page_text(signed_in(money.office, money.org).get(URL))
    assert "No VAT will be added: the organisation is not registered for VAT." in text
    assert "An issued invoice cannot be changed or deleted" in text


def test_rows_left_empty_are_ignored(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    client = signed_in(money.office, money.org)
    _post(
        client,
        {"client": school.pk, "submission_id": _submission_id(client)},
        line_1_description="",
        line_1_amount="",
        line_2_description="Resources pack",
        line_2_amount="75.00",
        line_3_description="   ",
        line_3_amount="",
    )
    (invoice,) = _invoices(money.org)
    with organisation_scope(money.org):
        assert [line.description for line in invoice.lines.all()] == ["Resources pack"]
    assert invoice.total == Decimal("75.00")


def test_a_form_with_no_lines_is_refused(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    client = signed_in(money.office, money.org)
    response = _post(client, {"client": school.pk, "submission_id": _submission_id(client)})
    assert response.status_code == 200
    assert error_summary(response) == ["Enter at least one line: a description and an amount."]
    assert _invoices(money.org) == []


def test_a_row_with_only_a_description_names_the_row_and_keeps_what_was_typed(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    client = signed_in(money.office, money.org)
    response = _post(
        client,
        {"client": school.pk, "notes": "PO 4471", "submission_id": _submission_id(client)},
        line_1_description="Resources pack",
        line_1_amount="75.00",
        line_2_description="Consultancy day",
        line_3_amount="0",
        line_4_amount="12.345",
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "Line 2: enter the amount.",
        "Line 3: enter an amount of more than £0.",
        "Line 4: enter the amount in pounds and pence, like 120.50.",
    ]
    html = response.content.decode()
    assert 'value="Consultancy day"' in html
    assert 'value="Resources pack"' in html
    assert 'value="12.345"' in html
    assert "PO 4471" in html
    assert f'<option value="{school.pk}" selected>' in html
    assert _invoices(money.org) == []


def test_a_row_with_only_an_amount_asks_for_its_description(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    client = signed_in(money.office, money.org)
    response = _post(
        client,
        {"client": school.pk, "submission_id": _submission_id(client)},
        line_5_amount="40.00",
    )
    assert error_summary(response) == ["Line 5: enter a description."]
    assert _invoices(money.org) == []


def test_the_same_invoice_submitted_twice_is_issued_once(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    client = signed_in(money.office, money.org)
    data = {
        "client": school.pk,
        "submission_id": _submission_id(client),
        "line_1_description": "Resources pack",
        "line_1_amount": "75.00",
    }
    first = client.post(URL, data)
    second = client.post(URL, data)
    (invoice,) = _invoices(money.org)
    target = reverse("training_invoice", args=[invoice.pk])
    assert first["Location"] == second["Location"] == target


def test_a_client_in_the_link_is_chosen_already(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    money.client("Ysgol Penglais")
    response = signed_in(money.office, money.org).get(f"{URL}?client={school.pk}")
    assert response.context["form"]["client"].value() == school.pk


@pytest.mark.parametrize("role", [Role.TRAINER, Role.EVALUATOR, Role.PRACTITIONER])
def test_a_role_that_does_not_handle_money_cannot_issue_an_invoice(
    money, make_member, signed_in, role
):
    school = money.client("Ysgol Bro Dysynni")
    user = make_member(money.org, role, email=f"{role}@example.test").user
    client = signed_in(user, money.org)
    assert client.get(URL).status_code == 403
    response = client.post(
        URL,
        {"client": school.pk, "line_1_description": "Resources pack", "line_1_amount": "75"},
    )
    assert response.status_code == 403
    assert _invoices(money.org) == []


def test_another_organisations_client_cannot_be_invoiced(money, other_org, make_member, signed_in):
    theirs = Money(other_org, make_member).client("Ysgol Elsewhere")
    client = signed_in(money.office, money.org)
    link = client.get(f"{URL}?client={theirs.pk}")
    assert link.context["form"]["client"].value() is None
    assert "Ysgol Elsewhere" not in page_text(link)
    response = _post(
        client,
        {"client": theirs.pk, "submission_id": _submission_id(client)},
        line_1_description="Resources pack",
        line_1_amount="75.00",
    )
    assert error_summary(response) == ["Choose a client from the list."]
    with unscoped():
        assert not m.Invoice.objects.exists()


def test_an_inactive_client_is_not_offered(money, signed_in):
    school = money.client("Ysgol Bro Dysynni")
    with organisation_scope(money.org):
        actions.update_client(actor=money.office, client=school, is_active=False)
    response = signed_in(money.office, money.org).get(URL)
    assert "Ysgol Bro Dysynni" not in page_text(response)


def test_the_invoices_list_links_to_issuing_one(money, signed_in):
    response = signed_in(money.office, money.org).get(reverse("training_invoices"))
    assert f'href="{URL}"' in response.content.decode()
    assert "Issue an invoice" in page_text(response)
