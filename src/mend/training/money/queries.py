"""Money reports: invoices with what is still owed (in one query), the aged-debt report and the
bookkeeping CSV rows.

Counting rules (shown on the pages):
- Outstanding = an invoice's total less the payments recorded against it less the credit notes
  issued against it. Credit notes owe nothing.
- Days past due = today (Europe/London) minus the due date. Due today is not yet overdue.
- Aged-debt buckets: not yet due (0 or fewer days past due), 1–30, 31–60, 61–90, over 90 days.
- CSV: one row per invoice line. VAT is worked out once per invoice (as on the invoice), so the
  whole invoice's VAT is on its first line and the other lines show 0; the total column is the
  line's net plus the VAT on that row, so the column sums to the invoices' totals. Credit notes are
  negative. Text cells starting with = + - @ (or a tab or carriage return) are prefixed with ' so
  that a spreadsheet does not run them as formulas.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mend.core.models import Organisation
from mend.training import choices as c
from mend.training import models as m
from mend.training.defaults import cancellation_policy
from mend.training.money import engine

ZERO = Decimal("0.00")
MONEY_FIELD: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)


class InvoiceStatus:
    """What an invoice's balance means today (a credit note has none)."""

    DUE = "due"
    PART_PAID = "part_paid"
    OVERDUE = "overdue"
    PAID = "paid"
    CREDITED = "credited"
    CREDIT_NOTE = "credit_note"

    LABELS = {
        DUE: _("Due"),
        PART_PAID: _("Part paid"),
        OVERDUE: _("Overdue"),
        PAID: _("Paid"),
        CREDITED: _("Credited"),
        CREDIT_NOTE: _("Credit note"),
    }
    TAGS = {
        DUE: "govuk-tag--blue",
        PART_PAID: "govuk-tag--yellow",
        OVERDUE: "govuk-tag--red",
        PAID: "govuk-tag--green",
        CREDITED: "govuk-tag--grey",
        CREDIT_NOTE: "govuk-tag--purple",
    }
    # The statuses the invoice list can be filtered by (credit notes are filtered by kind).
    FILTERS = [DUE, PART_PAID, OVERDUE, PAID, CREDITED]


def with_balances(queryset: QuerySet, today: date) -> QuerySet:
    """Invoices annotated with paid, credited, outstanding and status (no per-row queries)."""
    paid = (
        m.Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    credited = (
        m.Invoice.objects.filter(credits=OuterRef("pk"), kind=c.InvoiceKind.CREDIT_NOTE)
        .order_by()
        .values("credits")
        .annotate(total=Sum("total"))
        .values("total")
    )
    is_credit_note = {"kind": c.InvoiceKind.CREDIT_NOTE}
    return queryset.annotate(
        paid=Coalesce(
            Subquery(paid, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
        ),
        credited=Coalesce(
            Subquery(credited, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD
        ),
    ).annotate(
        outstanding=Case(
            When(**is_credit_note, then=Value(ZERO)),
            default=F("total") - F("paid") - F("credited"),
            output_field=MONEY_FIELD,
        ),
        status=Case(
            When(**is_credit_note, then=Value(InvoiceStatus.CREDIT_NOTE)),
            When(outstanding__lte=0, credited__gte=F("total"), then=Value(InvoiceStatus.CREDITED)),
            When(outstanding__lte=0, then=Value(InvoiceStatus.PAID)),
            When(due_date__lt=today, then=Value(InvoiceStatus.OVERDUE)),
            When(paid__gt=0, then=Value(InvoiceStatus.PART_PAID)),
            default=Value(InvoiceStatus.DUE),
            output_field=CharField(),
        ),
    )


# ---------------------------------------------------------------- aged debt


@dataclass(frozen=True)
class Bucket:
    key: str
    label: StrOrPromise
    lowest: int | None  # days past due, inclusive (None: no lower limit)
    highest: int | None  # inclusive (None: no upper limit)

    def holds(self, days_past_due: int) -> bool:
        return (self.lowest is None or days_past_due >= self.lowest) and (
            self.highest is None or days_past_due <= self.highest
        )


BUCKETS = (
    Bucket("not_due", _("Not yet due"), None, 0),
    Bucket("1_30", _("1 to 30 days"), 1, 30),
    Bucket("31_60", _("31 to 60 days"), 31, 60),
    Bucket("61_90", _("61 to 90 days"), 61, 90),
    Bucket("over_90", _("Over 90 days"), 91, None),
)


def bucket_for(days_past_due: int) -> Bucket:
    return next(b for b in BUCKETS if b.holds(days_past_due))


@dataclass
class DebtRow:
    """One client's outstanding money, by bucket (amounts in BUCKETS order)."""

    client_id: int
    client_name: str
    amounts: list[Decimal] = field(default_factory=lambda: [ZERO] * len(BUCKETS))
    invoices: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


@dataclass
class AgedDebt:
    today: date
    rows: list[DebtRow]
    totals: list[Decimal]
    count: int = 0  # outstanding invoices in all; the rows list the most overdue of them

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)

    @property
    def buckets(self):
        return BUCKETS

    @property
    def shown(self) -> int:
        return sum(len(row.invoices) for row in self.rows)


# The aged-debt page lists this many of the most overdue invoices (the totals count them all).
AGED_DEBT_SHOWN = 50


def _due_in(bucket: Bucket, today: date) -> Q:
    """Invoices whose days past due today fall in `bucket`, as a range of due dates."""
    found = Q()
    if bucket.lowest is not None:
        found &= Q(due_date__lte=today - timedelta(days=bucket.lowest))
    if bucket.highest is not None:
        found &= Q(due_date__gte=today - timedelta(days=bucket.highest))
    return found


def aged_debt(today: date, shown: int | None = None) -> AgedDebt:
    """Outstanding invoices of the current organisation by client and days past due, summed in
    the database, and the `shown` (AGED_DEBT_SHOWN) most overdue of them (two queries, whatever
    their number)."""
    shown = AGED_DEBT_SHOWN if shown is None else shown
    outstanding = with_balances(m.Invoice.objects.filter(kind=c.InvoiceKind.INVOICE), today).filter(
        outstanding__gt=0
    )
    sums = {
        bucket.key: Coalesce(
            Sum("outstanding", filter=_due_in(bucket, today)), Value(ZERO), output_field=MONEY_FIELD
        )
        for bucket in BUCKETS
    }
    by_client = (
        outstanding.order_by()
        .values("client_id", "client__name")
        .annotate(invoices=Count("pk"), **sums)
        .order_by("client__name", "client_id")
    )
    rows: dict[int, DebtRow] = {}
    totals = [ZERO] * len(BUCKETS)
    count = 0
    for group in by_client:
        row = DebtRow(group["client_id"], group["client__name"])
        row.amounts = [group[bucket.key] for bucket in BUCKETS]
        totals = [total + amount for total, amount in zip(totals, row.amounts, strict=True)]
        count += group["invoices"]
        rows[row.client_id] = row
    for invoice in outstanding.select_related("client").order_by("due_date", "pk")[:shown]:
        invoice.days_past_due = (today - invoice.due_date).days
        invoice.bucket = bucket_for(invoice.days_past_due)
        rows[invoice.client_id].invoices.append(invoice)
    return AgedDebt(today=today, rows=list(rows.values()), totals=totals, count=count)


# ---------------------------------------------------------------- CSV for bookkeeping

CSV_HEADER = [
    _("Number"),
    _("Kind"),
    _("Issue date"),
    _("Due date"),
    _("Client"),
    _("Sector"),
    _("Description"),
    _("Net"),
    _("VAT rate (%)"),
    _("VAT"),
    _("Total"),
    _("Credits invoice"),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _amount(value: Decimal, sign: int) -> str:
    return f"{(value * sign).quantize(Decimal('0.01')):f}"


def csv_rows() -> Iterator[list[str]]:
    """The header, then one row per invoice line of the current organisation (by number).

    The query and the labels are made now, inside the request's organisation scope and language,
    and the rows are read as the response streams (after the middleware has left both)."""
    header = [str(h) for h in CSV_HEADER]
    kinds = {k: str(label) for k, label in c.InvoiceKind.choices}
    sectors = {k: str(label) for k, label in c.Sector.choices}
    lines = (
        m.InvoiceLine.objects.select_related("invoice", "invoice__credits")
        .order_by("invoice__prefix", "invoice__sequence", "position", "pk")
        .iterator(chunk_size=500)
    )
    return _rows(header, kinds, sectors, lines)


def _rows(header, kinds, sectors, lines) -> Iterator[list[str]]:
    yield header
    previous = None
    for line in lines:
        invoice = line.invoice
        sign = -1 if invoice.is_credit_note else 1
        first = invoice.pk != previous
        previous = invoice.pk
        vat = invoice.vat_amount if first else ZERO
        yield [
            safe_cell(invoice.number),
            kinds.get(invoice.kind, invoice.kind),
            invoice.issue_date.isoformat(),
            invoice.due_date.isoformat() if not invoice.is_credit_note else "",
            safe_cell(invoice.client_name),
            sectors.get(invoice.sector, invoice.sector),
            safe_cell(line.description),
            _amount(line.amount, sign),
            f"{invoice.vat_rate:f}" if invoice.vat_rate is not None else "",
            _amount(vat, sign),
            _amount(line.amount + vat, sign),
            safe_cell(invoice.credits.number) if invoice.credits_id else "",
        ]


# ---------------------------------------------------------------- balances of one invoice or engagement


def outstanding(invoice: m.Invoice) -> Decimal:
    """What is still owed on an invoice: total less payments less credit notes against it
    (the rule is `with_balances`, shared with the invoice pages)."""
    return (
        with_balances(m.Invoice.objects.filter(pk=invoice.pk), timezone.localdate())
        .values_list("outstanding", flat=True)
        .get()
    )


def outstanding_for_engagement(engagement: m.Engagement) -> Decimal:
    invoices = m.Invoice.objects.filter(engagement=engagement, kind=c.InvoiceKind.INVOICE)
    balances = with_balances(invoices, timezone.localdate())
    return balances.aggregate(total=Sum("outstanding"))["total"] or ZERO


# ---------------------------------------------------------------- what has been invoiced


def credited_line() -> Exists:
    """A subquery: a credit note against this line's invoice credits this line's session."""
    return Exists(
        m.InvoiceLine.objects.filter(
            invoice__kind=c.InvoiceKind.CREDIT_NOTE,
            invoice__credits=OuterRef("invoice"),
            session=OuterRef("session"),
        )
    )


def _uncredited_invoice_lines(engagement: m.Engagement) -> QuerySet:
    """The lines of the engagement's invoices that no credit note has cancelled yet."""
    return m.InvoiceLine.objects.filter(
        invoice__engagement=engagement, invoice__kind=c.InvoiceKind.INVOICE
    ).exclude(credited_line())


def invoiced_session_ids(engagement: m.Engagement) -> QuerySet:
    """Ids of the engagement's sessions on an invoice that has not been credited for them."""
    return _uncredited_invoice_lines(engagement).filter(session__isnull=False).values("session")


def uninvoiced_sessions(engagement: m.Engagement) -> list[m.DeliverySession]:
    return list(
        engagement.sessions.exclude(status=c.SessionStatus.CANCELLED)
        .exclude(pk__in=invoiced_session_ids(engagement))
        .select_related("engagement__course")
    )


def uncredited_lines(engagement: m.Engagement, session_ids: set[int]) -> QuerySet:
    """The invoiced lines of these sessions that no credit note has cancelled yet."""
    return (
        _uncredited_invoice_lines(engagement)
        .filter(session__in=session_ids)
        .select_related("invoice")
        .order_by("invoice_id", "position")
    )


# ---------------------------------------------------------------- the cancellation policy


def policy_from_row(policy: m.CancellationPolicy) -> engine.Policy:
    return engine.Policy(
        tiers=tuple(
            engine.Tier(kind=t.kind, days=t.days, percent=t.percent) for t in policy.tiers.all()
        ),
        minimum_fee=policy.minimum_fee,
        version=policy.version,
    )


def policy_snapshot(organisation: Organisation) -> dict:
    """The policy in force now, as copied onto an agreement when it is signed."""
    row = cancellation_policy(organisation)
    return {
        **policy_from_row(row).as_json(),
        "free_postponement_days": row.free_postponement_days,
        "free_postponements": row.free_postponements,
        "taken_at": timezone.now().isoformat(),
    }


def signed_policy(engagement: m.Engagement) -> engine.Policy | None:
    """The policy copied onto the engagement's signed agreement (None: not signed)."""
    sla = engagement.slas.filter(status=c.SlaStatus.ACCEPTED).order_by("-accepted_at").first()
    if sla is None or not sla.policy_snapshot:
        return None
    return engine.Policy.from_json(sla.policy_snapshot)


def cancellation_sessions(engagement: m.Engagement) -> list[m.DeliverySession]:
    """Sessions that can still be cancelled (scheduled ones)."""
    return list(
        engagement.sessions.filter(status=c.SessionStatus.SCHEDULED).select_related(
            "engagement__course"
        )
    )


def postponement_problem(session: m.DeliverySession, on: date | None = None) -> str | None:
    """Why this session cannot be postponed free of charge now, or None if it can."""
    if session.status != c.SessionStatus.SCHEDULED:
        return gettext("Only a scheduled session can be postponed.")
    sla = (
        session.engagement.slas.filter(status=c.SlaStatus.ACCEPTED).order_by("-accepted_at").first()
    )
    if sla is None or not sla.policy_snapshot:
        return None  # not signed: the dates are still being agreed
    snapshot = sla.policy_snapshot
    notice = int(snapshot.get("free_postponement_days", 0))
    allowed = int(snapshot.get("free_postponements", 0))
    days = engine.days_before(session.starts_at, on or timezone.localdate())
    if session.postponements >= allowed:
        return gettext(
            "The agreement allows %(allowed)s free postponement(s) per session and this session "
            "has used them. Cancel it instead, which may incur a fee."
        ) % {"allowed": allowed}
    if days < notice:
        return gettext(
            "The agreement allows a free postponement with at least %(notice)s days' notice; "
            "this session is %(days)s days away. Cancel it instead, which may incur a fee."
        ) % {"notice": notice, "days": days}
    return None


def invoices_with_balances() -> QuerySet:
    """Every invoice with its balance today and what its page shows beside it."""
    return with_balances(m.Invoice.objects.all(), timezone.localdate()).select_related(
        "engagement", "credits", "client", "issued_by"
    )


def to_credit_by_invoice(engagement: m.Engagement, session_ids: list[int]) -> list[dict]:
    """What confirming a cancellation will credit: the invoiced lines of these sessions, summed
    by invoice."""
    return list(
        m.InvoiceLine.objects.filter(
            invoice__engagement=engagement,
            invoice__kind=c.InvoiceKind.INVOICE,
            session__in=session_ids,
        )
        .values("invoice__pk", "invoice__number")
        .annotate(amount=Sum("amount"))
        .order_by("invoice__pk")
    )
