"""The training dashboard: pipeline, income by month and sector, cancellations and fees.

The money is made through the actions (invoice_engagement, record_payment, quote_cancellation,
confirm_cancellation) with the clock set to the moment each happened, so invoices get the issue
date they would really have had (Europe/London), and the page's figures are checked to the penny.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.dashboards import queries as d
from tests.pages import error_summary, page_text
from tests.training.support import LONDON, engagement_with_sessions, signed_engagement

pytestmark = pytest.mark.django_db

URL = "/training/dashboard/"
FY2025 = {"basis": "financial", "year": "2025"}


@contextmanager
def clock(year, month, day, hour=12, minute=0):
    """Everything inside happens at this London wall-clock moment (for the actions' dates)."""
    moment = datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def client_in(actor, org, name, sector):
    client = actions.create_client(
        actor=actor, organisation=org, name=name, sector=sector, address="1 High Street"
    )
    actions.add_contact(
        actor=actor,
        client=client,
        name="Rhian Evans",
        role=c.ContactRole.BOOKING,
        email=f"rhian@{sector.replace('_', '-')}.example",
    )
    return client


def enquiry(org, received_at):
    # No enquiry action exists in this area: the row is made as the public form would make it.
    return m.Enquiry.objects.create(
        organisation=org,
        received_at=received_at,
        organisation_name="Ysgol Bro Dysynni",
        sector=c.Sector.SCHOOL,
        contact_name="Elin Owen",
        email="elin@brodysynni.example",
    )


class Books:
    """A year of training money for one organisation, VAT-registered at 20%.

    Financial year 2025 (1 April 2025 to 31 March 2026):
    - A (school): £750 invoiced 00:30 BST on 1 July 2025; £900 paid (with VAT) on 15 August.
    - E (third sector): £300 session cancelled at 00:30 BST on 1 September 2025, 4 days before
      delivery: 100% fee, £300 fee invoice.
    - D (health): £1,000 invoiced on 1 October 2025; on 10 November one £500 session is cancelled
      21 days before delivery: credit note £500, fee 50% = £250.
    - B (local authority): £600 invoiced 23:30 BST on 31 March 2026; £100 paid that day.
    Financial year 2026: C (local authority): £400 invoiced 00:30 BST on 1 April 2026.
    Not yet signed: F (enquiry, £200 + £150) and G (agreement sent, £250).
    """

    def __init__(self, org, make_member):
        self.org = org
        self.admin = make_member(org, Role.ADMINISTRATOR, email="owain.books@example.test")
        actor = self.admin.user
        with organisation_scope(org):
            actions.update_training_settings(
                actor=actor, organisation=org, vat_registered=True, vat_number="GB123456789"
            )
            school = client_in(actor, org, "Ysgol Glan Morfa", c.Sector.SCHOOL)
            council = client_in(actor, org, "Ceredigion County Council", c.Sector.LOCAL_AUTHORITY)
            health = client_in(actor, org, "Hywel Dda Health Board", c.Sector.HEALTH)
            charity = client_in(actor, org, "Aber Youth Project", c.Sector.THIRD_SECTOR)
            with clock(2025, 5, 1):
                self.a = signed_engagement(actor, org, [date(2025, 7, 10)], ["750.00"], school)
                self.b = signed_engagement(actor, org, [date(2026, 4, 20)], ["600.00"], council)
                self.c = signed_engagement(actor, org, [date(2026, 5, 20)], ["400.00"], council)
                self.d = signed_engagement(
                    actor, org, [date(2025, 12, 1), date(2025, 12, 15)], ["500.00"] * 2, health
                )
                self.e = signed_engagement(actor, org, [date(2025, 9, 5)], ["300.00"], charity)
                self.f = engagement_with_sessions(
                    actor, org, [date(2026, 6, 1), date(2026, 6, 2)], ["200.00", "150.00"], school
                )
                self.g = engagement_with_sessions(
                    actor, org, [date(2026, 6, 10)], ["250.00"], school
                )
                actions.send_sla(actor=actor, engagement=self.g)
            with clock(2025, 7, 1, 0, 30):
                self.a_invoice = actions.invoice_engagement(actor=actor, engagement=self.a)
            with clock(2025, 8, 15):
                actions.record_payment(
                    actor=actor,
                    invoice=self.a_invoice,
                    amount="900.00",
                    received_on=date(2025, 8, 15),
                    method=c.PaymentMethod.BANK_TRANSFER,
                )
            with clock(2025, 9, 1, 0, 30):
                quote = actions.quote_cancellation(actor=actor, engagement=self.e)
                actions.confirm_cancellation(actor=actor, quote=quote)
            with clock(2025, 10, 1):
                actions.invoice_engagement(actor=actor, engagement=self.d)
            with clock(2025, 11, 10):
                first = self.d.sessions.order_by("starts_at").first()
                quote = actions.quote_cancellation(
                    actor=actor, engagement=self.d, sessions=[first], reason="Exams"
                )
                self.d_credit_notes, self.d_fee = actions.confirm_cancellation(
                    actor=actor, quote=quote
                )
            with clock(2026, 3, 31, 23, 30):
                b_invoice = actions.invoice_engagement(actor=actor, engagement=self.b)
                actions.record_payment(
                    actor=actor,
                    invoice=b_invoice,
                    amount="100.00",
                    received_on=date(2026, 3, 31),
                    method=c.PaymentMethod.CARD,
                )
            with clock(2026, 4, 1, 0, 30):
                self.c_invoice = actions.invoice_engagement(actor=actor, engagement=self.c)


@pytest.fixture
def books(org, make_member):
    return Books(org, make_member)


def figures(org, **period):
    with organisation_scope(org):
        return d.dashboard(d.Period(**period))


# ---------------------------------------------------------------- reading the page


class Tables(HTMLParser):
    """Every table on the page: {caption: [[cell text, ...] per row]} (header row first)."""

    def __init__(self, html):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows = self._row = self._text = None
        self._in_caption = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._text = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td"):
            self._row.append(" ".join(self._text.split()))
            self._text = None
        elif tag == "tr":
            self._rows.append(self._row)
        elif tag == "table":
            self.tables[" ".join(self._caption.split())] = self._rows

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._text is not None:
            self._text += data


def tables(response) -> dict[str, list[list[str]]]:
    return Tables(response.content.decode()).tables


def column(table, header) -> dict[str, str]:
    """One column of a table: {row header: cell}."""
    at = table[0].index(header)
    return {row[0]: row[at] for row in table[1:]}


def chart(response, chart_id) -> str:
    found = re.search(
        rf'<svg[^>]*aria-labelledby="{chart_id}-title".*?</svg>', response.content.decode(), re.S
    )
    assert found, f"no chart {chart_id}"
    return found.group(0)


# ---------------------------------------------------------------- income


def test_income_is_counted_by_issue_date_net_of_vat_and_credit_notes_subtract(books, signed_in):
    with organisation_scope(books.org):
        assert books.a_invoice.subtotal == Decimal("750.00")
        assert books.a_invoice.total == Decimal("900.00")  # VAT was charged
        assert books.d_credit_notes[0].subtotal == Decimal("500.00")
        assert books.d_fee.subtotal == Decimal("250.00")
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL, FY2025)
    assert response.status_code == 200
    by_month = tables(response)["Net invoiced by month, before VAT, financial year 2025 to 2026"]
    assert [row[0] for row in by_month[1:]] == [
        "April 2025", "May 2025", "June 2025", "July 2025", "August 2025", "September 2025",
        "October 2025", "November 2025", "December 2025", "January 2026", "February 2026",
        "March 2026", "Total",
    ]  # fmt: skip
    net = column(by_month, "Net invoiced")
    assert net == {
        "April 2025": "£0.00",
        "May 2025": "£0.00",
        "June 2025": "£0.00",
        "July 2025": "£750.00",
        "August 2025": "£0.00",
        "September 2025": "£300.00",
        "October 2025": "£1,000.00",
        "November 2025": "−£250.00",
        "December 2025": "£0.00",
        "January 2026": "£0.00",
        "February 2026": "£0.00",
        "March 2026": "£600.00",
        "Total": "£2,400.00",
    }
    assert column(by_month, "Invoiced")["November 2025"] == "£250.00"
    assert column(by_month, "Credit notes")["November 2025"] == "£500.00"
    assert column(by_month, "Invoiced")["Total"] == "£2,900.00"
    assert "Counted by the date the invoice was issued" in page_text(response)


def test_income_by_sector_uses_the_sector_on_the_invoice(books, signed_in):
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL, FY2025)
    table = tables(response)[
        "Net invoiced by client sector, before VAT, financial year 2025 to 2026"
    ]
    assert column(table, "Net invoiced") == {
        "School or college": "£750.00",
        "Local authority": "£600.00",
        "NHS or health": "£750.00",
        "Criminal justice": "£0.00",
        "Third sector": "£300.00",
        "Business": "£0.00",
        "Total": "£2,400.00",
    }
    assert column(table, "Credit notes")["NHS or health"] == "£500.00"


def test_an_invoice_issued_at_half_past_midnight_bst_on_the_first_belongs_to_that_month(books):
    # It was issued at 00:30 BST on 1 July, which is 23:30 on 30 June in UTC.
    assert datetime(2025, 7, 1, 0, 30, tzinfo=LONDON).astimezone(UTC).date() == date(2025, 6, 30)
    assert books.a_invoice.issue_date == date(2025, 7, 1)
    months = {
        row.month: row for row in figures(books.org, basis="financial", year=2025).income.months
    }
    assert months[date(2025, 7, 1)].invoiced == Decimal("750.00")
    assert months[date(2025, 6, 1)].invoiced == Decimal("0.00")


def test_the_financial_year_ends_on_31_march_and_the_next_begins_on_1_april(books):
    last_year = figures(books.org, basis="financial", year=2025).income
    this_year = figures(books.org, basis="financial", year=2026).income
    # B was issued 23:30 BST on 31 March 2026; C 00:30 BST on 1 April 2026 (still 31 March in UTC).
    assert last_year.months[-1].month == date(2026, 3, 1)
    assert last_year.months[-1].invoiced == Decimal("600.00")
    assert this_year.months[0].month == date(2026, 4, 1)
    assert this_year.months[0].invoiced == Decimal("400.00")
    assert last_year.net == Decimal("2400.00")
    assert this_year.net == Decimal("400.00")


def test_a_calendar_year_runs_from_january_to_december(books, signed_in):
    year = figures(books.org, basis="calendar", year=2025)
    assert [row.month for row in year.income.months][0] == date(2025, 1, 1)  # noqa: RUF015
    assert [row.month for row in year.income.months][-1] == date(2025, 12, 1)
    assert year.income.net == Decimal("1800.00")  # 750 + 300 + 1,000 + 250 - 500
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL, {"basis": "calendar", "year": "2025"})
    assert "Calendar year 2025: 1 January 2025 to 31 December 2025" in page_text(response)


def test_cash_received_is_counted_by_the_date_received_including_vat(books, signed_in):
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL, FY2025)
    cash = column(
        tables(response)["Cash received by month, financial year 2025 to 2026"], "Cash received"
    )
    assert cash["August 2025"] == "£900.00"
    assert cash["March 2026"] == "£100.00"
    assert cash["July 2025"] == "£0.00"
    assert cash["Total"] == "£1,000.00"
    assert "including any VAT" in page_text(response)


# ---------------------------------------------------------------- cancellations


def test_cancellations_count_value_fee_and_percentage_by_month_confirmed(books, signed_in):
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL, FY2025)
    table = tables(response)["Cancellations and fees by month, financial year 2025 to 2026"]
    assert table[0] == [
        "Month", "Cancellations", "Value cancelled", "Fees charged", "Fee as % of value",
    ]  # fmt: skip
    rows = {row[0]: row[1:] for row in table[1:]}
    # E was confirmed at 00:30 BST on 1 September (31 August in UTC): September.
    assert rows["August 2025"] == ["0", "£0.00", "£0.00", "–"]
    assert rows["September 2025"] == ["1", "£300.00", "£300.00", "100.0%"]
    assert rows["November 2025"] == ["1", "£500.00", "£250.00", "50.0%"]
    assert rows["Total"] == ["2", "£800.00", "£550.00", "68.8%"]
    assert "Counted by the date the cancellation was confirmed" in page_text(response)


def test_an_unconfirmed_quote_is_not_a_cancellation(books):
    with organisation_scope(books.org), clock(2026, 4, 2):
        actions.quote_cancellation(actor=books.admin.user, engagement=books.c)
    assert figures(books.org, basis="financial", year=2026).cancellations.count == 0


# ---------------------------------------------------------------- pipeline


def test_pipeline_counts_engagements_by_stage_in_order_then_cancelled(books, signed_in):
    with organisation_scope(books.org):
        for when in (timezone.now(), d.current_financial_year().starts_at):
            enquiry(books.org, when)
        enquiry(books.org, d.current_financial_year().starts_at - timedelta(minutes=1))
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL)  # the current financial year, when these were all created
    period = d.current_financial_year()
    table = tables(response)[f"Engagements by stage, {period.in_words}"]
    assert [row[0] for row in table[1:]] == [
        "Enquiry", "Quote sent", "Agreement sent", "Agreement signed", "Delivered", "Invoiced",
        "Paid", "Cancelled", "Total",
    ]  # fmt: skip
    rows = {row[0]: row[1:] for row in table[1:]}
    assert rows["Enquiry"] == ["1", "£350.00"]
    assert rows["Agreement sent"] == ["1", "£250.00"]
    # A, B, C and D; D's cancelled £500 session no longer counts towards its value.
    assert rows["Agreement signed"] == ["4", "£2,250.00"]
    assert rows["Cancelled"] == ["1", "£0.00"]
    assert rows["Total"] == ["7", "£2,850.00"]
    assert "2 enquiries received in the period." in page_text(response)


def test_pipeline_counts_by_the_london_date_an_engagement_was_created(org, make_member):
    admin = make_member(org, Role.ADMINISTRATOR)
    with organisation_scope(org):
        before = engagement_with_sessions(admin.user, org, [date(2026, 6, 1)])
        after = engagement_with_sessions(admin.user, org, [date(2026, 6, 2)])
        # Backdated: creation has no date of its own to give. 23:59 BST on 31 March 2026 and
        # 00:00 BST on 1 April 2026 (23:00 on 31 March in UTC).
        last_minute = datetime(2026, 3, 31, 23, 59, tzinfo=LONDON)
        m.Engagement.objects.filter(pk=before.pk).update(created_at=last_minute)
        first_minute = datetime(2026, 4, 1, 0, 0, tzinfo=LONDON)
        m.Engagement.objects.filter(pk=after.pk).update(created_at=first_minute)
        enquiry(org, last_minute)
        enquiry(org, first_minute)
        enquiry(org, first_minute)
    old = figures(org, basis="financial", year=2025).pipeline
    new = figures(org, basis="financial", year=2026).pipeline
    assert (old.total_count, old.enquiries) == (1, 1)
    assert (new.total_count, new.enquiries) == (1, 2)


# ---------------------------------------------------------------- the charts


def test_each_chart_is_an_image_named_by_its_title_and_described(books, signed_in):
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL, FY2025)
    html = response.content.decode()
    ids = re.findall(r'<svg[^>]*role="img"[^>]*aria-labelledby="([\w-]+)-title"', html)
    assert ids == [
        "chart-pipeline",
        "chart-income-month",
        "chart-income-sector",
        "chart-cash",
        "chart-cancellations",
    ]
    for chart_id in ids:
        svg = chart(response, chart_id)
        assert f'aria-describedby="{chart_id}-desc"' in svg
        assert re.search(rf'<title id="{chart_id}-title">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{chart_id}-desc">[^<]+</desc>', svg)
        assert "style=" not in svg  # the Content Security Policy forbids inline styles
    assert "Net invoiced by month, before VAT, financial year 2025 to 2026" in chart(
        response, "chart-income-month"
    )


def test_the_table_after_each_chart_holds_the_values_the_chart_draws(books, signed_in):
    client = signed_in(books.admin.user, books.org)
    response = client.get(URL, FY2025)
    found = tables(response)
    cases = [
        ("chart-income-month", "Net invoiced by month, before VAT, financial year 2025 to 2026", "Net invoiced"),
        ("chart-income-sector", "Net invoiced by client sector, before VAT, financial year 2025 to 2026", "Net invoiced"),
        ("chart-cash", "Cash received by month, financial year 2025 to 2026", "Cash received"),
        ("chart-pipeline", "Engagements by stage, financial year 2025 to 2026", "Engagements"),
    ]  # fmt: skip
    for chart_id, caption, header in cases:
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart(response, chart_id))
        table = column(found[caption], header)
        table.pop("Total")
        # Each bar has its category label then its value.
        assert list(zip(texts[0::2], texts[1::2], strict=True)) == list(table.items()), chart_id
    negative = chart(response, "chart-income-month")
    assert "−£250.00" in negative


# ---------------------------------------------------------------- the period


def test_the_default_period_is_the_current_financial_year(org, make_member, signed_in):
    client = signed_in(make_member(org, Role.EVALUATOR).user, org)
    response = client.get(URL)
    assert response.status_code == 200
    period = d.current_financial_year()
    assert f"{period.label}: {period.dates}" in page_text(response)
    assert 'value="financial" checked' in response.content.decode()


@pytest.mark.parametrize(
    ("today", "starts"),
    [(date(2026, 3, 31), date(2025, 4, 1)), (date(2026, 4, 1), date(2026, 4, 1))],
)
def test_the_current_financial_year_turns_on_1_april(today, starts):
    period = d.current_financial_year(today)
    assert period.start == starts
    assert period.end == date(starts.year + 1, 3, 31)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"basis": "financial", "year": "twenty"}, "Enter the year as 4 digits, like 2026."),
        ({"basis": "financial", "year": "26"}, "Enter the year as 4 digits, like 2026."),
        ({"basis": "financial", "year": ""}, "Enter the year the period starts, like 2026."),
        ({"basis": "financial", "year": "1999"}, "Enter a year from 2000 to {latest}."),
        ({"basis": "financial", "year": "{too_late}"}, "Enter a year from 2000 to {latest}."),
        ({"basis": "fortnight", "year": "2025"}, "Choose a financial year or a calendar year."),
        ({"year": "2025"}, "Choose a financial year or a calendar year."),
    ],
)
def test_a_bad_period_is_explained_and_no_figures_are_shown(
    org, make_member, signed_in, query, message
):
    latest = timezone.localdate().year + 1
    query = {k: v.format(too_late=latest + 1) for k, v in query.items()}
    client = signed_in(make_member(org, Role.MANAGER).user, org)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert error_summary(response) == [message.format(latest=latest)]
    assert "Correct the period to see the figures." in page_text(response)
    assert 'role="img"' not in response.content.decode()
    if query["year"]:
        assert response.content.decode().count(f'value="{query["year"]}"') == 1  # as typed


def test_another_organisations_money_is_not_counted(books, other_org, make_member, signed_in):
    client = signed_in(make_member(other_org, Role.ADMINISTRATOR).user, other_org)
    response = client.get(URL, FY2025)
    net = column(
        tables(response)["Net invoiced by month, before VAT, financial year 2025 to 2026"],
        "Net invoiced",
    )
    assert set(net.values()) == {"£0.00"}


# ---------------------------------------------------------------- query budget


def test_the_figures_take_six_queries(books, django_assert_num_queries):
    with organisation_scope(books.org), django_assert_num_queries(6):
        d.dashboard(d.Period("financial", 2025))


def test_the_page_runs_the_same_number_of_queries_however_much_data(
    books, other_org, make_member, signed_in, count_queries
):
    def count(user, organisation):
        client = signed_in(user, organisation)
        return count_queries(client, URL, FY2025)

    empty = count(make_member(other_org, Role.ADMINISTRATOR).user, other_org)
    full = count(books.admin.user, books.org)
    assert full == empty


def test_the_page_reads_in_welsh_with_welsh_month_names(books, signed_in):
    client = signed_in(books.admin.user, books.org)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    response = client.get(URL, FY2025)
    assert response.status_code == 200
    assert '<html lang="cy"' in response.content.decode()
    text = page_text(response)
    assert "Ebrill 2025" in text and "Mawrth 2026" in text


def test_a_chart_escapes_its_text_and_needs_a_value_for_every_category():
    from mend.training.dashboards.charts import Series, bar_chart

    svg = bar_chart(
        chart_id="c",
        title="Fees <b>",
        description="A & B",
        categories=["<script>"],
        series=[Series("Fees", [Decimal("5")])],
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Fees &lt;b&gt;" in svg and "A &amp; B" in svg
    with pytest.raises(ValueError):
        bar_chart(
            chart_id="c",
            title="t",
            description="d",
            categories=["a", "b"],
            series=[Series("s", [1])],
        )
