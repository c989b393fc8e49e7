"""The figures behind the training dashboard: pipeline, income, cancellations and fees.

Every figure is computed by an aggregate query over the period (a financial year, April to
March, or a calendar year), so the dashboard runs the same small number of queries however much
data the organisation has. Dates and months are Europe/London; money is Decimal to the penny.

Counting rules (stated on the page in words):
- Pipeline: engagements created in the period, by the stage each has reached today. Value is the
  sum of the values of the engagement's sessions that are not cancelled. Enquiries are counted
  by the date they were received.
- Income: invoices and credit notes by the date they were issued (their issue date), net of VAT;
  a credit note subtracts. The sector is the client's sector stored on the invoice when issued.
  Cash received is payments by the date received, as paid (including any VAT).
- Cancellations: confirmed cancellations by the date they were confirmed; the value cancelled and
  the fee are those of the confirmed quote (before VAT).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mend.training import choices as c
from mend.training import models as m
from mend.training import workflow

LONDON = ZoneInfo("Europe/London")
ZERO = Decimal("0.00")
FINANCIAL = "financial"
CALENDAR = "calendar"
FIRST_YEAR = 2000


def _sum(expression, **extra):
    """Sum of a money column, 0.00 rather than NULL when nothing matches."""
    return Coalesce(
        Sum(expression, **extra),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def pounds(amount: Decimal) -> str:
    """£1,234.50 (and −£12.00 for a negative amount), in the active language's format."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = formats.number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"−£{text}" if amount < 0 else f"£{text}"


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part as a percentage of whole, to one decimal place (None when whole is 0)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    """A financial year (1 April `year` to 31 March `year + 1`) or a calendar year."""

    basis: str
    year: int

    @property
    def start(self) -> date:
        return date(self.year, 4, 1) if self.basis == FINANCIAL else date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        return date(self.year + 1, 3, 31) if self.basis == FINANCIAL else date(self.year, 12, 31)

    @property
    def starts_at(self) -> datetime:
        """Midnight in London at the start of the first day."""
        return datetime.combine(self.start, time.min, tzinfo=LONDON)

    @property
    def ends_before(self) -> datetime:
        """Midnight in London after the last day (the period is [starts_at, ends_before))."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LONDON)

    @property
    def months(self) -> list[date]:
        """The first day of each of the period's twelve months, in order."""
        first = self.start
        return [
            date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
            for n in range(12)
        ]

    @property
    def label(self) -> str:
        if self.basis == FINANCIAL:
            return _("Financial year %(start)s to %(end)s") % {
                "start": self.year,
                "end": self.year + 1,
            }
        return _("Calendar year %(year)s") % {"year": self.year}

    @property
    def in_words(self) -> str:
        """The label for the middle of a sentence."""
        if self.basis == FINANCIAL:
            return _("financial year %(start)s to %(end)s") % {
                "start": self.year,
                "end": self.year + 1,
            }
        return _("calendar year %(year)s") % {"year": self.year}

    @property
    def dates(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(self.start, "j F Y"),
            "end": formats.date_format(self.end, "j F Y"),
        }


def current_financial_year(today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(FINANCIAL, today.year if today.month >= 4 else today.year - 1)


def month_label(month: date) -> str:
    return formats.date_format(month, "F Y")


def _month_of(value) -> date:
    """The first day of the month TruncMonth gave (a date, or an aware datetime in London)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, LONDON).date()
    return value.replace(day=1)


# ---------------------------------------------------------------- the figures


@dataclass
class StatusRow:
    status: str
    label: str
    count: int = 0
    value: Decimal = ZERO


@dataclass
class Pipeline:
    rows: list[StatusRow]
    enquiries: int

    @property
    def total_count(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def total_value(self) -> Decimal:
        return sum((r.value for r in self.rows), ZERO)


@dataclass
class MonthRow:
    month: date
    invoiced: Decimal = ZERO
    credited: Decimal = ZERO
    received: Decimal = ZERO

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def net(self) -> Decimal:
        return self.invoiced - self.credited


@dataclass
class SectorRow:
    sector: str
    label: str
    invoiced: Decimal = ZERO
    credited: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.invoiced - self.credited


@dataclass
class Income:
    months: list[MonthRow]
    sectors: list[SectorRow]

    @property
    def invoiced(self) -> Decimal:
        return sum((r.invoiced for r in self.months), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((r.credited for r in self.months), ZERO)

    @property
    def net(self) -> Decimal:
        return self.invoiced - self.credited

    @property
    def received(self) -> Decimal:
        return sum((r.received for r in self.months), ZERO)


@dataclass
class CancellationRow:
    month: date
    count: int = 0
    value: Decimal = ZERO
    fees: Decimal = ZERO

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def fee_percent(self) -> Decimal | None:
        return percent(self.fees, self.value)


@dataclass
class Cancellations:
    months: list[CancellationRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(r.count for r in self.months)

    @property
    def value(self) -> Decimal:
        return sum((r.value for r in self.months), ZERO)

    @property
    def fees(self) -> Decimal:
        return sum((r.fees for r in self.months), ZERO)

    @property
    def fee_percent(self) -> Decimal | None:
        return percent(self.fees, self.value)


def pipeline(period: Period) -> Pipeline:
    """Engagements created in the period by their status now (2 queries)."""
    found = {
        row["status"]: row
        for row in m.Engagement.objects.filter(
            created_at__gte=period.starts_at, created_at__lt=period.ends_before
        )
        .order_by()
        .values("status")
        .annotate(
            count=Count("id", distinct=True),
            value=_sum("sessions__value", filter=~Q(sessions__status=c.SessionStatus.CANCELLED)),
        )
    }
    rows = []
    for status in workflow.STATES:
        row = found.get(status.value, {})
        rows.append(
            StatusRow(
                status=status.value,
                label=str(status.label),
                count=row.get("count", 0),
                value=row.get("value", ZERO),
            )
        )
    enquiries = m.Enquiry.objects.filter(
        received_at__gte=period.starts_at, received_at__lt=period.ends_before
    ).count()
    return Pipeline(rows=rows, enquiries=enquiries)


def income(period: Period) -> Income:
    """Net invoiced by month and by sector, and cash received by month (3 queries)."""
    invoices = m.Invoice.objects.filter(
        issue_date__gte=period.start, issue_date__lte=period.end
    ).order_by()
    amounts = {
        "invoiced": _sum("subtotal", filter=Q(kind=c.InvoiceKind.INVOICE)),
        "credited": _sum("subtotal", filter=Q(kind=c.InvoiceKind.CREDIT_NOTE)),
    }
    months = {month: MonthRow(month) for month in period.months}
    for row in (
        invoices.annotate(month=TruncMonth("issue_date")).values("month").annotate(**amounts)
    ):
        target = months[_month_of(row["month"])]
        target.invoiced, target.credited = row["invoiced"], row["credited"]
    payments = (
        m.Payment.objects.filter(received_on__gte=period.start, received_on__lte=period.end)
        .order_by()
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(received=_sum("amount"))
    )
    for row in payments:
        months[_month_of(row["month"])].received = row["received"]
    by_sector = {row["sector"]: row for row in invoices.values("sector").annotate(**amounts)}
    sectors = [
        SectorRow(
            sector=value,
            label=str(label),
            invoiced=by_sector.get(value, {}).get("invoiced", ZERO),
            credited=by_sector.get(value, {}).get("credited", ZERO),
        )
        for value, label in c.Sector.choices
    ]
    return Income(months=list(months.values()), sectors=sectors)


def cancellations(period: Period) -> Cancellations:
    """Confirmed cancellations by the month (in London) they were confirmed (1 query)."""
    months = {month: CancellationRow(month) for month in period.months}
    rows = (
        m.CancellationQuote.objects.filter(
            confirmed_at__gte=period.starts_at, confirmed_at__lt=period.ends_before
        )
        .order_by()
        .annotate(month=TruncMonth("confirmed_at", tzinfo=LONDON))
        .values("month")
        .annotate(count=Count("id"), value=_sum("cancelled_value"), fees=_sum("fee_total"))
    )
    for row in rows:
        target = months[_month_of(row["month"])]
        target.count, target.value, target.fees = row["count"], row["value"], row["fees"]
    return Cancellations(months=list(months.values()))


@dataclass
class Dashboard:
    period: Period
    pipeline: Pipeline
    income: Income
    cancellations: Cancellations


def dashboard(period: Period) -> Dashboard:
    """All the figures for one period, for the organisation in scope (6 queries)."""
    return Dashboard(
        period=period,
        pipeline=pipeline(period),
        income=income(period),
        cancellations=cancellations(period),
    )
