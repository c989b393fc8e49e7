"""Money panel of the engagement page (invoices, credit notes, payments, cancellations).

Runs a fixed number of queries whatever the engagement's size: the invoices with their balances
(one query), the cancellation quotes (one), whether any session is left to invoice (one) and
whether any is left to cancel (one). People who handle neither money nor engagements see nothing.
"""

from __future__ import annotations

from django.utils import timezone

from mend.core import access
from mend.core.roles import Perm
from mend.training import choices as c
from mend.training import models as m
from mend.training import workflow
from mend.training.money.queries import ZERO, InvoiceStatus, invoiced_session_ids, with_balances


def money_panel(request, engagement) -> dict:
    finance = access.has_perm(request.user, Perm.TRAINING_FINANCE)
    manage = access.has_perm(request.user, Perm.MANAGE_TRAINING)
    if not (finance or manage):
        return {"money_panel": None}
    panel = {
        "finance": finance,
        "manage": manage,
        "invoices": [],
        "outstanding": ZERO,
        "quotes": [],
        "can_invoice": False,
        "can_cancel": False,
        "status_labels": InvoiceStatus.LABELS,
    }
    if finance:
        invoices = list(
            with_balances(m.Invoice.objects.filter(engagement=engagement), timezone.localdate())
            .select_related("credits")
            .order_by("issued_at", "pk")
        )
        for invoice in invoices:
            invoice.status_label = InvoiceStatus.LABELS[invoice.status]
            invoice.status_tag = InvoiceStatus.TAGS[invoice.status]
        panel["invoices"] = invoices
        panel["outstanding"] = sum((i.outstanding for i in invoices), ZERO)
        if engagement.status in workflow.INVOICEABLE:
            invoiced = invoiced_session_ids(engagement)
            panel["can_invoice"] = (
                engagement.sessions.exclude(status=c.SessionStatus.CANCELLED)
                .exclude(pk__in=invoiced)
                .exists()
            )
    if manage:
        panel["quotes"] = list(
            m.CancellationQuote.objects.filter(engagement=engagement).order_by("-created_at", "-pk")
        )
        panel["can_cancel"] = (
            engagement.status in workflow.CANCELLABLE
            and engagement.sessions.filter(status=c.SessionStatus.SCHEDULED).exists()
        )
    return {"money_panel": panel}
