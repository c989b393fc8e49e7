"""Shared set-up for the money pages' tests: an office member (finance and engagements), an
administrator (configuration) and invoices made through the actions."""

from __future__ import annotations

from decimal import Decimal

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from tests.training.support import school_client, signed_engagement, soon


class Money:
    def __init__(self, org, make_member):
        self.org = org
        self.office = make_member(org, Role.OFFICE, email="owain.office@example.test").user
        self.admin = make_member(org, Role.ADMINISTRATOR, email="alys.admin@example.test").user

    def signed(self, days=(40,), values=None, client=None):
        with organisation_scope(self.org):
            return signed_engagement(
                self.office, self.org, [soon(d) for d in days], values=values, client=client
            )

    def invoiced(self, days=(40,), values=None):
        """A signed engagement (one £750 session 40 days away by default) and its invoice."""
        engagement = self.signed(days, values)
        with organisation_scope(self.org):
            invoice = actions.invoice_engagement(actor=self.office, engagement=engagement)
        return engagement, invoice

    def client(self, name):
        with organisation_scope(self.org):
            client, _contact = school_client(self.office, self.org, name=name)
        return client

    def invoice(self, client, *amounts, description="Training materials"):
        with organisation_scope(self.org):
            return actions.issue_invoice(
                actor=self.office,
                organisation=self.org,
                client=client,
                lines=[actions.LineSpec(description, Decimal(a)) for a in amounts],
            )

    def pay(self, invoice, amount):
        from django.utils import timezone

        with organisation_scope(self.org):
            return actions.record_payment(
                actor=self.office,
                invoice=invoice,
                amount=amount,
                received_on=timezone.localdate(),
                method="bank_transfer",
            )
