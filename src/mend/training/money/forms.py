"""Forms for money: issuing an invoice, payments, cancelling sessions, the cancellation policy,
invoice settings."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.core.forms import DateInput, GovukForm, VersionedForm, pounds_field
from mend.core.submissions import SubmissionMixin
from mend.training import choices as c
from mend.training import models as m
from mend.training.money.engine import percent_label
from mend.training.money.queries import InvoiceStatus

NUMBER_INPUT = forms.TextInput(
    attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-4"}
)


def _prefix_field(label, help_text) -> forms.CharField:
    """The prefix of a kind of document's numbers, like INV."""
    return forms.CharField(
        label=label,
        max_length=10,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )


def _percent_field(label, **kwargs) -> forms.DecimalField:
    """A percentage from 0 to 100, to two decimal places."""
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        max_digits=5,
        widget=NUMBER_INPUT,
        **kwargs,
    )


# How many empty tier rows the policy form offers below the existing tiers.
SPARE_TIER_ROWS = 2


class InvoiceFilterForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Invoices and credit notes")), *c.InvoiceKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))]
        + [(s, InvoiceStatus.LABELS[s]) for s in InvoiceStatus.FILTERS],
    )


# How many line rows the new-invoice form offers.
INVOICE_LINE_ROWS = 5


def _line(n: int, text) -> str:
    """`text` (with %(n)s) for line `n`, in the language of the request building the form."""
    return str(text) % {"n": n}


class InvoiceForm(SubmissionMixin, GovukForm):
    """A free-form invoice to a client: up to INVOICE_LINE_ROWS lines of a description and an
    amount. Empty rows are ignored; a row with only one of the two is an error naming the row."""

    client: forms.ModelChoiceField[m.Client] = forms.ModelChoiceField(
        label=_("Client"),
        queryset=None,
        empty_label=_("Choose"),
        error_messages={
            "required": _("Choose the client to invoice."),
            "invalid_choice": _("Choose a client from the list."),
        },
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=2000,
        required=False,
        help_text=_("Optional. Printed on the invoice, for example a purchase order number."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, clients, **kwargs):
        """`clients`: the clients that may be invoiced (active, this organisation's)."""
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        notes = self.fields.pop("notes")
        for n in range(1, INVOICE_LINE_ROWS + 1):
            self.fields[f"line_{n}_description"] = forms.CharField(
                label=_line(n, _("Line %(n)s: description")),
                max_length=300,
                required=False,
                error_messages={
                    "max_length": _line(
                        n, _("Line %(n)s: the description must be 300 characters or fewer.")
                    )
                },
            )
            self.fields[f"line_{n}_amount"] = pounds_field(
                _line(n, _("Line %(n)s: amount, in pounds")),
                width=10,
                required=False,
                error_messages={
                    "invalid": _line(n, _("Line %(n)s: enter the amount in pounds, like 120.00.")),
                    "min_value": _line(n, _("Line %(n)s: enter an amount of more than £0.")),
                    "max_decimal_places": _line(
                        n, _("Line %(n)s: enter the amount in pounds and pence, like 120.50.")
                    ),
                    "max_digits": _line(n, _("Line %(n)s: the amount is too large.")),
                    "max_whole_digits": _line(n, _("Line %(n)s: the amount is too large.")),
                },
            )
        self.fields["notes"] = notes

    def line_rows(self) -> list[dict]:
        """The bound fields of each row, for the template."""
        return [
            {
                "number": n,
                "description": self[f"line_{n}_description"],
                "amount": self[f"line_{n}_amount"],
            }
            for n in range(1, INVOICE_LINE_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        lines = []
        for n in range(1, INVOICE_LINE_ROWS + 1):
            if any(f"line_{n}_{part}" in self.errors for part in ("description", "amount")):
                continue
            description = (data.get(f"line_{n}_description") or "").strip()
            amount = data.get(f"line_{n}_amount")
            if not description and amount is None:
                continue  # an empty row
            if not description:
                self.add_error(
                    f"line_{n}_description", _line(n, _("Line %(n)s: enter a description."))
                )
            elif amount is None:
                self.add_error(f"line_{n}_amount", _line(n, _("Line %(n)s: enter the amount.")))
            else:
                lines.append((description, amount))
        if not lines and not self.errors:
            self.add_error(
                "line_1_description",
                _("Enter at least one line: a description and an amount."),
            )
        data["lines"] = lines
        return data


class CreditInvoiceForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is the invoice being credited?"),
        help_text=_("For example: wrong client, price agreed again. Printed on the credit note."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter why the invoice is being credited.")},
    )


class PaymentForm(SubmissionMixin, GovukForm):
    amount = pounds_field(_("Amount received, in pounds"), help_text=_("For example, 450.00."))
    received_on = forms.DateField(label=_("Date received"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("How it was paid"), choices=c.PaymentMethod.choices, widget=forms.RadioSelect
    )
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        required=False,
        help_text=_("Optional. For example, the reference on the bank statement."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())


class CancelSessionsForm(SubmissionMixin, GovukForm):
    sessions = forms.MultipleChoiceField(
        label=_("Sessions to cancel"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every session ticked to cancel the whole engagement."),
        error_messages={"required": _("Choose at least one session to cancel.")},
    )
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=300,
        required=False,
        help_text=_("Optional. For example, what the client told you."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, sessions=(), **kwargs):
        """`sessions`: (id, label) of each session that can be cancelled; all ticked at first."""
        super().__init__(*args, **kwargs)
        self.fields["sessions"].choices = [(str(pk), label) for pk, label in sessions]
        if not self.is_bound:
            self.initial.setdefault("sessions", [str(pk) for pk, _label in sessions])


class PolicyForm(VersionedForm):
    """The policy's settings and a fixed number of tier rows: the existing tiers and two spare.
    A row left empty is ignored; ticking "remove" drops a row. The cleaned data holds the rows
    as one list, `tiers`."""

    minimum_fee = pounds_field(
        _("Minimum fee, in pounds"),
        min_value=Decimal("0"),
        help_text=_(
            "For preparation and resources already produced: a cancellation after signing costs "
            "at least this, never more than the value cancelled. Enter 0 for no minimum."
        ),
    )
    free_postponement_days = forms.IntegerField(
        label=_("Free postponement: days' notice needed"),
        min_value=0,
        help_text=_(
            "A session can be moved free of charge when asked at least this many days before."
        ),
        widget=NUMBER_INPUT,
    )
    free_postponements = forms.IntegerField(
        label=_("Free postponements per session"), min_value=0, widget=NUMBER_INPUT
    )

    def __init__(self, *args, rows: int = SPARE_TIER_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier_count = rows
        for n in range(1, rows + 1):
            self.fields[f"tier_{n}_kind"] = forms.ChoiceField(
                label=_("Kind of tier"),
                required=False,
                choices=[("", _("No tier")), *c.TierKind.choices],
            )
            self.fields[f"tier_{n}_days"] = forms.IntegerField(
                label=_("Days before delivery"),
                required=False,
                min_value=1,
                help_text=_("For a 'within' tier only."),
                widget=NUMBER_INPUT,
            )
            self.fields[f"tier_{n}_percent"] = _percent_field(
                _("Percentage of the value cancelled"), required=False
            )
            self.fields[f"tier_{n}_remove"] = forms.BooleanField(
                label=_("Remove this tier"), required=False
            )

    @staticmethod
    def tier_initial(policy) -> dict:
        """The tier rows' starting values (the policy's own fields come from `editing`)."""
        initial = {}
        for n, tier in enumerate(policy.tiers.all(), start=1):
            initial[f"tier_{n}_kind"] = tier.kind
            initial[f"tier_{n}_days"] = tier.days
            initial[f"tier_{n}_percent"] = percent_label(tier.percent)
        return initial

    def tier_rows(self) -> list[dict]:
        """The bound fields of each row, for the template."""
        return [
            {
                "number": n,
                "kind": self[f"tier_{n}_kind"],
                "days": self[f"tier_{n}_days"],
                "percent": self[f"tier_{n}_percent"],
                "remove": self[f"tier_{n}_remove"],
            }
            for n in range(1, self.tier_count + 1)
        ]

    def clean(self):
        data = super().clean()
        tiers, seen_days, after_signing = [], {}, 0
        for n in range(1, self.tier_count + 1):
            kind = data.get(f"tier_{n}_kind")
            days = data.get(f"tier_{n}_days")
            percent = data.get(f"tier_{n}_percent")
            has_errors = any(
                f"tier_{n}_{part}" in self.errors for part in ("kind", "days", "percent")
            )
            if data.get(f"tier_{n}_remove") or has_errors:
                continue
            if not kind and days is None and percent is None:
                continue  # an empty row
            if not kind:
                self.add_error(
                    f"tier_{n}_kind", _("Tier %(n)s: choose the kind of tier.") % {"n": n}
                )
                continue
            if percent is None:
                self.add_error(
                    f"tier_{n}_percent",
                    _("Tier %(n)s: enter the percentage of the value, like 50.") % {"n": n},
                )
                continue
            if kind == c.TierKind.AFTER_SIGNING:
                after_signing += 1
                if after_signing > 1:
                    self.add_error(
                        f"tier_{n}_kind", _("There can be only one 'after signing' tier.")
                    )
                    continue
                days = None
            else:
                if days is None:
                    self.add_error(
                        f"tier_{n}_days",
                        _("Tier %(n)s: enter how many days before delivery it starts.") % {"n": n},
                    )
                    continue
                if days in seen_days:
                    self.add_error(
                        f"tier_{n}_days",
                        _("Tier %(n)s: tier %(other)s already uses %(days)s days.")
                        % {"n": n, "other": seen_days[days], "days": days},
                    )
                    continue
                seen_days[days] = n
            tiers.append({"kind": kind, "days": days, "percent": percent})
        if not self.errors and not tiers:
            self.add_error(None, _("Keep at least one tier, or the policy charges nothing."))
        # The policy as the action takes it: its settings, and the rows read into one list.
        policy = {name: value for name, value in data.items() if not name.startswith("tier_")}
        policy["tiers"] = tiers
        return policy


class TrainingSettingsForm(VersionedForm):
    invoice_prefix = _prefix_field(
        _("Invoice number prefix"),
        _("Letters, numbers and hyphens, like INV. Invoices are numbered INV-000001."),
    )
    credit_note_prefix = _prefix_field(
        _("Credit note number prefix"), _("Different from the invoice prefix, like CRN.")
    )
    vat_registered = forms.BooleanField(
        label=_("We are registered for VAT and charge it on invoices"), required=False
    )
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=20,
        required=False,
        help_text=_("Needed to charge VAT. Printed on invoices."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    vat_rate = _percent_field(_("VAT rate (%)"))
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"),
        min_value=0,
        max_value=365,
        help_text=_("An invoice is due this many days after it is issued."),
        widget=NUMBER_INPUT,
    )
    payment_details = forms.CharField(
        label=_("How to pay"),
        max_length=2000,
        required=False,
        help_text=_("Printed on every invoice. For example, the bank account and sort code."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
