"""Expectations for money: invoices and credit notes, payments, aged debt, the CSV export,
cancelling sessions, the cancellation policy and invoice settings.

Invoices, payments and the reports are for roles that handle training money (TRAINING_FINANCE:
administrators, managers, office). Cancelling is handling engagements (MANAGE_TRAINING: the same
roles). The policy and invoice settings are organisation configuration (administrators only).
Trainers see nothing about money. Another organisation's record, or a role that may not use a
page about one record, gets 404.
"""

from __future__ import annotations

from django.urls import reverse

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from tests.training.support import signed_engagement, soon
from tests.url_access import Expect

MONEY_ROLES = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.OFFICE})
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})

EXPECTED: dict[str, Expect] = {
    "training_invoices": Expect(MONEY_ROLES),
    "training_invoice_new": Expect(MONEY_ROLES),
    "training_aged_debt": Expect(MONEY_ROLES),
    "training_invoices_csv": Expect(MONEY_ROLES),
    "training_invoice": Expect(MONEY_ROLES, org_object=True),
    "training_invoice_pdf": Expect(MONEY_ROLES, org_object=True),
    "training_invoice_credit": Expect(MONEY_ROLES, org_object=True),
    # Issuing redirects whether it issued (to the invoice) or was refused (to the engagement).
    "training_engagement_invoice": Expect(MONEY_ROLES, ok=302, method="post", org_object=True),
    "training_cancel": Expect(MONEY_ROLES, org_object=True),
    "training_cancellation_quote": Expect(MONEY_ROLES, org_object=True),
    # Confirming redirects to the engagement, or back to the quote when it is refused.
    "training_cancellation_confirm": Expect(MONEY_ROLES, ok=302, method="post", org_object=True),
    "training_policy": Expect(ADMINISTRATORS),
    "training_settings": Expect(ADMINISTRATORS),
}


def objects(organisation, admin_user, slug):
    with organisation_scope(organisation):
        invoiced = signed_engagement(admin_user, organisation, [soon(20), soon(40)])
        invoice = actions.invoice_engagement(actor=admin_user, engagement=invoiced)
        to_invoice = signed_engagement(admin_user, organisation, [soon(50)], client=invoiced.client)
        quote = actions.quote_cancellation(actor=admin_user, engagement=invoiced)
    return {
        "invoiced": invoiced,
        "invoice": invoice,
        "to_invoice": to_invoice,
        "quote": quote,
    }


def urls(for_each) -> dict[str, dict[str, str]]:
    by_object = {
        "training_invoice": "invoice",
        "training_invoice_pdf": "invoice",
        "training_invoice_credit": "invoice",
        "training_engagement_invoice": "to_invoice",
        "training_cancel": "invoiced",
        "training_cancellation_quote": "quote",
        "training_cancellation_confirm": "quote",
    }
    return {
        name: for_each(lambda o, n=name, key=key: reverse(n, args=[o[key].pk]))
        for name, key in by_object.items()
    }
