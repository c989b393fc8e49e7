"""The aged-debt report (buckets by days past due, as of today) and the bookkeeping CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from mend.core.models import AuditEvent
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training.money.queries import aged_debt, safe_cell
from tests.pages import page_text
from tests.training.money_support import Money

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(org, make_member):
    return Money(org, make_member)


BUCKETS = ["not_due", "1_30", "31_60", "61_90", "over_90"]


@pytest.mark.parametrize(
    ("days_past_due", "bucket"),
    [
        (-5, "not_due"),
        (0, "not_due"),  # due today is not yet due
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "over_90"),
        (400, "over_90"),
    ],
)
def test_an_invoice_falls_in_the_bucket_of_its_days_past_due(money, days_past_due, bucket):
    invoice = money.invoice(money.client("Ysgol Bro Dinefwr"), "120.00")
    with organisation_scope(money.org):
        report = aged_debt(invoice.due_date + timedelta(days=days_past_due))
    (row,) = report.rows
    expected = [Decimal("120.00") if key == bucket else Decimal("0.00") for key in BUCKETS]
    assert row.amounts == expected
    assert report.totals == expected
    assert row.invoices[0].days_past_due == days_past_due


def test_aged_debt_counts_what_is_outstanding_by_client_and_leaves_out_paid_invoices(money):
    dinefwr = money.client("Ysgol Bro Dinefwr")
    council = money.client("Cyngor Sir Ceredigion")
    part = money.invoice(dinefwr, "750.00")
    money.pay(part, "300.00")
    paid = money.invoice(dinefwr, "100.00")
    money.pay(paid, "100.00")
    money.invoice(council, "200.00")
    with organisation_scope(money.org):
        report = aged_debt(part.due_date + timedelta(days=45))
    assert [(r.client_name, r.total) for r in report.rows] == [
        ("Cyngor Sir Ceredigion", Decimal("200.00")),
        ("Ysgol Bro Dinefwr", Decimal("450.00")),
    ]
    assert report.totals[2] == Decimal("650.00") and report.total == Decimal("650.00")
    assert [i.number for r in report.rows for i in r.invoices] == ["INV-000003", "INV-000001"]


def test_the_aged_debt_page_states_its_counting_rule_and_the_amounts(money, signed_in):
    money.invoice(money.client("Ysgol Bro Dinefwr"), "1234.50")
    client = signed_in(money.office, money.org)
    text = page_text(client.get(reverse("training_aged_debt")))
    assert "An invoice due today is not yet due" in text
    assert "Ysgol Bro Dinefwr £1,234.50 £0.00 £0.00 £0.00 £0.00 £1,234.50" in text


def test_the_aged_debt_page_lists_the_most_overdue_and_totals_them_all(
    money, signed_in, monkeypatch
):
    from mend.training.money import queries

    monkeypatch.setattr(queries, "AGED_DEBT_SHOWN", 2)
    school = money.client("Ysgol Bro Dinefwr")
    made = [money.invoice(school, "100.00") for _ in range(3)]
    with organisation_scope(money.org):
        for days, invoice in zip([10, 40, 70], made, strict=True):
            type(invoice).objects.filter(pk=invoice.pk).update(
                due_date=invoice.issue_date - timedelta(days=days)
            )
    client = signed_in(money.office, money.org)

    response = client.get(reverse("training_aged_debt"))
    report = response.context["report"]
    text = page_text(response)

    assert report.count == 3 and report.shown == 2
    assert [i.pk for r in report.rows for i in r.invoices] == [made[2].pk, made[1].pk]
    assert report.total == Decimal("300.00")  # the totals count every outstanding invoice
    assert "The 2 most overdue of 3 outstanding invoices" in text
    assert "All overdue invoices, in the invoice list" in text


def test_the_aged_debt_page_runs_the_same_queries_for_few_or_many_invoices(
    money, signed_in, count_queries
):
    school = money.client("Ysgol Bro Dinefwr")
    money.invoice(school, "10.00")
    client = signed_in(money.office, money.org)
    url = reverse("training_aged_debt")
    client.get(url)
    with count_queries.counting() as small:
        client.get(url)
    for n in range(10):
        money.pay(money.invoice(money.client(f"School {n}"), "100.00"), "1.00")
    with count_queries.counting() as large:
        response = client.get(url)
    assert len(response.context["report"].rows) == 11
    assert len(large) == len(small)


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_csv_has_one_row_per_line_with_vat_on_the_first_line_and_credit_notes_negative(
    money, signed_in
):
    with organisation_scope(money.org):
        actions.update_training_settings(
            actor=money.admin, organisation=money.org, vat_registered=True, vat_number="GB123"
        )
    engagement, invoice = money.invoiced(days=(20, 40), values=["500.00", "250.00"])
    with organisation_scope(money.org):
        second = engagement.sessions.order_by("starts_at").last()
        quote = actions.quote_cancellation(
            actor=money.office, engagement=engagement, sessions=[second]
        )
        (credit,), fee = actions.confirm_cancellation(actor=money.office, quote=quote)
    client = signed_in(money.office, money.org)
    response = client.get(reverse("training_invoices_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert header == [
        "Number",
        "Kind",
        "Issue date",
        "Due date",
        "Client",
        "Sector",
        "Description",
        "Net",
        "VAT rate (%)",
        "VAT",
        "Total",
        "Credits invoice",
    ]
    by_number = {}
    for row in rows:
        by_number.setdefault(row[0], []).append(row)
    first, other = by_number[invoice.number]
    # £750 net, VAT 20% = £150 on the invoice, carried on its first line.
    assert first[1] == "Invoice" and first[4] == engagement.client.name
    assert first[5] == "School or college"
    assert (first[7], first[8], first[9], first[10]) == ("500.00", "20.00", "150.00", "650.00")
    assert (other[7], other[9], other[10]) == ("250.00", "0.00", "250.00")
    (note,) = by_number[credit.number]
    assert note[1] == "Credit note" and note[3] == ""
    assert (note[7], note[9], note[10], note[11]) == (
        "-250.00",
        "-50.00",
        "-300.00",
        invoice.number,
    )
    (fee_row,) = by_number[fee.number]
    assert fee_row[7] == str(fee.subtotal) and fee_row[10] == str(fee.total)
    total = sum(Decimal(r[10]) for r in rows)
    assert total == invoice.total - credit.total + fee.total
    event = AuditEvent.objects.get(action="training.invoices_exported")
    assert event.actor == money.office and event.changes["invoices"] == 3


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(money, signed_in):
    hostile = money.client('=HYPERLINK("http://evil.example")')
    money.invoice(hostile, "10.00", description="+1+cmd|' /C calc'!A0")
    money.invoice(money.client("@Home School"), "20.00", description="-2 bad")
    client = signed_in(money.office, money.org)
    _header, *rows = read_csv(client.get(reverse("training_invoices_csv")))
    cells = [(r[4], r[6]) for r in rows]
    assert cells == [
        ('\'=HYPERLINK("http://evil.example")', "'+1+cmd|' /C calc'!A0"),
        ("'@Home School", "'-2 bad"),
    ]
    assert safe_cell("Ysgol") == "Ysgol" and safe_cell("\t=1") == "'\t=1"


def test_the_csv_is_only_for_those_who_handle_money(money, signed_in, make_member):
    from mend.core.roles import Role

    trainer = make_member(money.org, Role.TRAINER, email="twm.trainer@example.test").user
    client = signed_in(trainer, money.org)
    assert client.get(reverse("training_invoices_csv")).status_code == 403
    assert not AuditEvent.objects.filter(action="training.invoices_exported").exists()
