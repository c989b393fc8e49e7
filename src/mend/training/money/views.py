"""Money pages: invoices and credit notes (list, page, PDF, payments), the aged-debt report, the
bookkeeping CSV, cancelling sessions (quote, then confirm), the cancellation policy and the
invoice settings. Every change is made by an action in training.actions."""

from __future__ import annotations

import contextlib
import csv
from datetime import date
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.replicas import from_replica
from mend.core.roles import Perm
from mend.core.submissions import form_page, handle_button, handle_post
from mend.core.web import current_language, keyset_page
from mend.training import actions
from mend.training import models as m
from mend.training.defaults import cancellation_policy, training_settings
from mend.training.events import TrainingEvent
from mend.training.money import engine
from mend.training.money.documents import invoice_filename, invoice_pdf
from mend.training.money.forms import (
    SPARE_TIER_ROWS,
    CancelSessionsForm,
    CreditInvoiceForm,
    InvoiceFilterForm,
    InvoiceForm,
    PaymentForm,
    PolicyForm,
    TrainingSettingsForm,
)
from mend.training.money.queries import (
    InvoiceStatus,
    aged_debt,
    cancellation_sessions,
    csv_rows,
    invoices_with_balances,
    signed_policy,
    to_credit_by_invoice,
    with_balances,
)
from mend.training.sales.forms import ConfirmForm
from mend.training.sales.queries import engagements_with_parties
from mend.training.web import TrainingRequest


def _engagement_url(engagement_pk: int) -> str:
    return reverse("training_engagement", args=[engagement_pk])


def _labelled(invoice: m.Invoice) -> m.Invoice:
    invoice.status_label = InvoiceStatus.LABELS[invoice.status]
    invoice.status_tag = InvoiceStatus.TAGS[invoice.status]
    return invoice


def _invoice(request: TrainingRequest, pk: int) -> m.Invoice:
    """The invoice or credit note with its balance and status, for its own pages."""
    return _labelled(
        access.get_object_or_404(request, invoices_with_balances(), Perm.TRAINING_FINANCE, pk=pk)
    )


# ---------------------------------------------------------------- invoices


@decide(requires(Perm.TRAINING_FINANCE))
def invoice_list(request: TrainingRequest) -> HttpResponse:
    form = InvoiceFilterForm(request.GET or None)
    invoices = with_balances(m.Invoice.objects.all(), timezone.localdate()).select_related(
        "engagement"
    )
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        if "kind" in filters:
            invoices = invoices.filter(kind=filters["kind"])
        if "status" in filters:
            invoices = invoices.filter(status=filters["status"])
    page = keyset_page(request, invoices, ("-issue_date", "-pk"))
    for invoice in page:
        _labelled(invoice)
    return render(
        request,
        "training/money/invoice_list.html",
        {"form": form, "page": page, "filtered": bool(filters)},
    )


@decide(requires(Perm.TRAINING_FINANCE))
def invoice_new(request: TrainingRequest) -> HttpResponse:
    """Issue a free-form invoice to a client (resources, an e-learning licence, consultancy)."""
    clients = m.Client.objects.for_user(request.user, Perm.TRAINING_FINANCE).filter(is_active=True)
    initial = {}
    wanted = request.GET.get("client", "")
    if wanted.isdigit() and clients.filter(pk=int(wanted)).exists():
        initial["client"] = int(wanted)
    form = InvoiceForm(
        request.POST or None, initial=initial, clients=clients.order_by("name", "pk")
    )
    return form_page(
        request,
        form,
        lambda data: actions.issue_invoice(
            actor=request.user,
            organisation=request.organisation,
            client=data["client"],
            lines=[actions.LineSpec(text, amount) for text, amount in data["lines"]],
            notes=data["notes"],
        ),
        redirect_to=lambda invoice: reverse("training_invoice", args=[invoice.pk]),
        message=lambda invoice: (
            _("Invoice %(number)s issued for %(total)s.")
            % {"number": invoice.number, "total": f"£{invoice.total:,.2f}"}
        ),
        template="training/money/invoice_new.html",
        context=lambda: {"form": form, "settings_row": training_settings(request.organisation)},
    )


@decide(requires(Perm.TRAINING_FINANCE))
def invoice_credit(request: TrainingRequest, pk: int) -> HttpResponse:
    """Cancel an issued invoice in full with a credit note, after saying why."""
    invoice = _invoice(request, pk)
    form = CreditInvoiceForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.credit_invoice(actor=request.user, invoice=invoice, **data),
        redirect_to=lambda note: reverse("training_invoice", args=[note.pk]),
        message=lambda note: (
            _("Credit note %(number)s issued: invoice %(invoice)s is cancelled.")
            % {"number": note.number, "invoice": invoice.number}
        ),
        template="training/money/invoice_credit.html",
        context=lambda: {"invoice": invoice, "form": form, "lines": list(invoice.lines.all())},
    )


@decide(requires(Perm.TRAINING_FINANCE))
def invoice_detail(request: TrainingRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and not invoice.is_credit_note:
        response = handle_post(
            request,
            form,
            lambda data: actions.record_payment(actor=request.user, invoice=invoice, **data),
            redirect_to=reverse("training_invoice", args=[invoice.pk]),
            message=lambda payment: (
                _("Payment of %(amount)s recorded against %(number)s.")
                % {"amount": f"£{form.cleaned_data['amount']:,.2f}", "number": invoice.number}
            ),
        )
        if response:
            return response
    credit_notes = list(invoice.credit_notes.order_by("issued_at", "pk"))
    payments = list(invoice.payments.select_related("recorded_by"))
    return render(
        request,
        "training/money/invoice.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "payments": payments,
            "credit_notes": credit_notes,
            "form": form,
            "can_pay": not invoice.is_credit_note and invoice.outstanding > 0,
            "can_credit": not invoice.is_credit_note and not credit_notes and not payments,
        },
    )


@decide(requires(Perm.TRAINING_FINANCE))
def invoice_download(request: TrainingRequest, pk: int) -> HttpResponse:
    invoice = access.get_object_or_404(request, m.Invoice, Perm.TRAINING_FINANCE, pk=pk)
    audit.log_access(request.user, invoice, request.organisation, kind="export")
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    return response


@require_POST
@decide(requires(Perm.TRAINING_FINANCE))
def engagement_invoice(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = access.get_object_or_404(request, m.Engagement, Perm.TRAINING_FINANCE, pk=pk)
    return handle_button(
        request,
        ConfirmForm(request.POST),
        lambda data: actions.invoice_engagement(actor=request.user, engagement=engagement),
        redirect_to=lambda invoice: reverse("training_invoice", args=[invoice.pk]),
        back_to=_engagement_url(engagement.pk),
        message=lambda invoice: (
            _("Invoice %(number)s issued for %(total)s.")
            % {"number": invoice.number, "total": f"£{invoice.total:,.2f}"}
        ),
    )


# ---------------------------------------------------------------- reports


@decide(requires(Perm.TRAINING_FINANCE))
@from_replica
def aged_debt_report(request: TrainingRequest) -> HttpResponse:
    report = aged_debt(timezone.localdate())
    return render(request, "training/money/aged_debt.html", {"report": report})


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@decide(requires(Perm.TRAINING_FINANCE))
@from_replica
def invoices_csv(request: TrainingRequest) -> StreamingHttpResponse:
    today = timezone.localdate()
    audit.record(
        TrainingEvent.INVOICES_EXPORTED,
        actor=request.user,
        organisation=request.organisation,
        changes={"invoices": m.Invoice.objects.count(), "on": today.isoformat()},
    )
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="invoices-{today:%Y-%m-%d}.csv"'
    return response


# ---------------------------------------------------------------- cancelling


def _session_label(session: m.DeliverySession) -> str:
    when = timezone.localtime(session.starts_at)
    return _("%(date)s at %(time)s, %(where)s: %(value)s") % {
        "date": when.strftime("%d/%m/%Y"),
        "time": when.strftime("%H:%M"),
        "where": _("online") if session.is_online else (session.venue or _("venue not set")),
        "value": f"£{session.value:,.2f}",
    }


@decide(requires(Perm.MANAGE_TRAINING))
def cancel_sessions(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = access.get_object_or_404(
        request, engagements_with_parties(), Perm.MANAGE_TRAINING, pk=pk
    )
    sessions = cancellation_sessions(engagement)
    form = CancelSessionsForm(
        request.POST or None, sessions=[(s.pk, _session_label(s)) for s in sessions]
    )

    def quote(data):
        chosen = {int(pk) for pk in data["sessions"]}
        return actions.quote_cancellation(
            actor=request.user,
            engagement=engagement,
            sessions=[s for s in sessions if s.pk in chosen],
            reason=data["reason"],
        )

    return form_page(
        request,
        form,
        quote,
        redirect_to=lambda made: reverse("training_cancellation_quote", args=[made.pk]),
        template="training/money/cancel.html",
        context=lambda: {
            "form": form,
            "engagement": engagement,
            "sessions": sessions,
            "signed": signed_policy(engagement) is not None,
        },
    )


def _quote_lines(quote: m.CancellationQuote) -> list[dict]:
    lines = []
    for line in quote.result.get("lines", []):
        days = int(line["days_before"])
        lines.append(
            {
                "label": line.get("label", ""),
                "delivery_date": date.fromisoformat(line["delivery_date"]),
                "value": Decimal(line["value"]),
                "days_before": days,
                "percent": Decimal(line["percent"]),
                "fee": Decimal(line["fee"]),
                "checks": [
                    {
                        "text": engine.explain(check, days),
                        "applies": check.get("applies"),
                        "chosen": check.get("chosen"),
                    }
                    for check in line.get("checks", [])
                ],
            }
        )
    return lines


@decide(requires(Perm.MANAGE_TRAINING))
def cancellation_quote(request: TrainingRequest, pk: int) -> HttpResponse:
    quote = access.get_object_or_404(
        request,
        m.CancellationQuote.objects.select_related(
            "engagement__client", "engagement__contact", "created_by", "confirmed_by"
        ),
        Perm.MANAGE_TRAINING,
        pk=pk,
    )
    engagement = quote.engagement
    documents = list(
        m.Invoice.objects.filter(cancellation=quote).select_related("credits").order_by("pk")
    )
    # What confirming will credit: the invoiced lines of these sessions, by invoice.
    to_credit = to_credit_by_invoice(engagement, quote.session_ids)
    newer = m.CancellationQuote.objects.filter(
        engagement=engagement, created_at__gt=quote.created_at
    ).first()
    stale = quote.confirmed_at is None and quote.cancelled_on != timezone.localdate()
    return render(
        request,
        "training/money/quote.html",
        {
            "quote": quote,
            "engagement": engagement,
            "lines": _quote_lines(quote),
            "minimum_fee": Decimal(quote.result.get("minimum_fee", "0")),
            "top_up": Decimal(quote.result.get("minimum_top_up", "0")),
            "signed": quote.result.get("signed", False),
            "to_credit": to_credit,
            "fee_invoice": next((d for d in documents if not d.is_credit_note), None),
            "credit_notes": [d for d in documents if d.is_credit_note],
            "contact": engagement.contact,
            "stale": stale,
            "newer": newer if quote.confirmed_at is None else None,
            "can_confirm": quote.confirmed_at is None and not stale and newer is None,
        },
    )


@require_POST
@decide(requires(Perm.MANAGE_TRAINING))
def cancellation_confirm(request: TrainingRequest, pk: int) -> HttpResponse:
    quote = access.get_object_or_404(request, m.CancellationQuote, Perm.MANAGE_TRAINING, pk=pk)
    return handle_button(
        request,
        ConfirmForm(request.POST),
        lambda data: actions.confirm_cancellation(actor=request.user, quote=quote),
        redirect_to=_engagement_url(quote.engagement_id),
        back_to=reverse("training_cancellation_quote", args=[quote.pk]),
        message=_confirmed_text,
    )


def _confirmed_text(done: tuple[list[m.Invoice], m.Invoice | None]) -> str:
    credit_notes, fee_invoice = done
    if fee_invoice is not None:
        text = _("Cancellation confirmed. Fee invoice %(number)s issued for %(total)s.") % {
            "number": fee_invoice.number,
            "total": f"£{fee_invoice.total:,.2f}",
        }
    else:
        text = _("Cancellation confirmed. No cancellation fee is due.")
    if credit_notes:
        text += " " + _("Credit notes issued: %(numbers)s.") % {
            "numbers": ", ".join(n.number for n in credit_notes)
        }
    return text


# ---------------------------------------------------------------- configuration


@decide(requires(Perm.CONFIGURE_TRAINING))
def policy_edit(request: TrainingRequest) -> HttpResponse:
    policy = cancellation_policy(request.organisation)
    existing = policy.tiers.count()
    rows = existing + SPARE_TIER_ROWS
    if request.method == "POST":
        # Keep the rows the person saw (a tier added meanwhile must not hide one of theirs).
        with contextlib.suppress(ValueError):
            rows = max(rows, min(int(request.POST.get("rows", rows)), 30))
    form = PolicyForm.editing(
        policy, request.POST, initial=PolicyForm.tier_initial(policy), rows=rows
    )
    return form_page(
        request,
        form,
        lambda data: actions.update_cancellation_policy(
            actor=request.user, organisation=request.organisation, **data
        ),
        redirect_to=reverse("training_policy"),
        message=_("Cancellation policy saved."),
        template="training/money/policy.html",
        context=lambda: {
            "form": form,
            "policy": policy,
            "rows": rows,
            "language": current_language(),
        },
    )


@decide(requires(Perm.CONFIGURE_TRAINING))
def settings_edit(request: TrainingRequest) -> HttpResponse:
    row = training_settings(request.organisation)
    form = TrainingSettingsForm.editing(
        row, request.POST, initial={"vat_rate": engine.percent_label(row.vat_rate)}
    )
    return form_page(
        request,
        form,
        lambda data: actions.update_training_settings(
            actor=request.user, organisation=request.organisation, **data
        ),
        redirect_to=reverse("training_settings"),
        message=_("Invoice settings saved."),
        template="training/money/settings.html",
        context={"form": form, "settings_row": row},
    )
