"""Forms for outcomes: support packages, agreements, payments, feedback, case studies."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.core.forms import DateInput, GovukForm, VersionedForm, YesNoField, pounds_field
from mend.core.submissions import SubmissionMixin

DATE = DateInput()


def _date(label, required=False, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


def _outcome(help_text) -> forms.CharField:
    """What came of a support referral (stored encrypted)."""
    return forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class SupportReferralForm(SubmissionMixin, GovukForm):
    service = forms.ChoiceField(
        label=_("Kind of support"), choices=c.SupportService.choices, widget=forms.RadioSelect
    )
    provider = forms.CharField(
        label=_("Provider"),
        max_length=200,
        required=False,
        help_text=_("The service or organisation. Required for other support."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=c.SupportStatus.choices)
    referred_on = _date(_("Date referred"), help_text=_("Optional. Today if left empty."))
    outcome = _outcome(_("Optional. Stored encrypted."))


class SupportUpdateForm(VersionedForm):
    provider = forms.CharField(label=_("Provider"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=c.SupportStatus.choices)
    referred_on = _date(_("Date referred"))
    outcome = _outcome(_("Stored encrypted."))


class AgreementForm(SubmissionMixin, GovukForm):
    made_on = _date(_("Date of the agreement"), required=True)
    meeting = forms.ChoiceField(label=_("Meeting where it was made"), required=False)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", _("Not made at a meeting"))] + [
            (str(mt.pk), f"{mt.get_kind_display()}, {mt.starts_at:%d/%m/%Y}") for mt in meetings
        ]


class AgreementItemForm(SubmissionMixin, GovukForm):
    kind = forms.ChoiceField(
        label=_("What was agreed"), choices=c.AgreementItemKind.choices, widget=forms.RadioSelect
    )
    responsible = forms.ChoiceField(label=_("Who will do it (person responsible)"))
    serves = forms.ChoiceField(label=_("Who it is for (person harmed)"), required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Stored encrypted."),
    )
    amount = pounds_field(
        _("Amount to be paid, in pounds"),
        max_digits=10,
        required=False,
        help_text=_("For restitution only. For example, 120.50."),
    )
    due_on = _date(_("Due date"), help_text=_("Optional."))

    def __init__(self, *args, responsible=(), harmed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [(str(p.pk), str(p.person)) for p in responsible]
        self.fields["serves"].choices = [("", _("Nobody in particular"))] + [
            (str(p.pk), str(p.person)) for p in harmed
        ]


class PaymentForm(SubmissionMixin, GovukForm):
    amount = pounds_field(_("Amount paid, in pounds"), max_digits=10)
    paid_on = _date(_("Date paid"), required=True)


class ItemStatusForm(GovukForm):
    status = forms.ChoiceField(
        label=_("How does this item stand?"),
        choices=c.AgreementItemStatus.choices,
        widget=forms.RadioSelect,
    )


class FeedbackSendForm(SubmissionMixin, GovukForm):
    pass


class SurveyForm(GovukForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with the service you received?"),
        help_text=_("1 is very dissatisfied, 5 is very satisfied."),
        choices=[
            ("1", _("1 – very dissatisfied")),
            ("2", "2"),
            ("3", "3"),
            ("4", "4"),
            ("5", _("5 – very satisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are, from 1 to 5.")},
    )
    felt_safe = YesNoField(
        _("Did you feel safe taking part?"), missing=_("Say whether you felt safe.")
    )
    felt_heard = YesNoField(
        _("Did you feel listened to?"), missing=_("Say whether you felt listened to.")
    )
    would_recommend = YesNoField(
        _("Would you recommend restorative justice to someone in a similar situation?"),
        missing=_("Say whether you would recommend it."),
    )
    comments = forms.CharField(
        label=_("Is there anything else you would like to tell us?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional. Please do not include other people's names."),
    )
    may_quote_anonymously = forms.BooleanField(
        label=_("You may quote my words anonymously, with names and details changed"),
        required=False,
    )


class CaseStudyForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    narrative = forms.CharField(
        label=_("Story"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Use only pseudonyms with an asterisk, such as Sharon*. No real names, places, "
            "exact dates, contact details or sensitive information."
        ),
    )
