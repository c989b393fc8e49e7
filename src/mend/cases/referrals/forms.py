"""Referral forms: staff entry, partner agencies, the public self-referral, accept and decline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.cases.assessment.actions import HANDOVER_TYPES
from mend.core.forms import (
    DateInput,
    GovukForm,
    VersionedForm,
    email_field,
    phone_field,
    radios,
    required,
)
from mend.core.public_forms import SpamTrapMixin
from mend.core.submissions import SubmissionMixin
from mend.people.models import Language

if TYPE_CHECKING:
    from mend.cases.models import ComplexityFactor
    from mend.core.models import Team


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput(), **kwargs)


def _blank(choices) -> list:
    return [("", _("Choose")), *list(choices)]


HANDOVER_HELP = _(
    "A PDF, Word, OpenDocument, RTF or text file, smaller than 10 MB "
    "(if there is a problem with the form, choose the file again)."
)
HANDOVER_ACCEPT = ",".join(sorted(HANDOVER_TYPES))


class CaseTypeChoiceField(forms.ModelChoiceField):
    """Case types named in the reader's language."""

    def __init__(self, *args, language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language

    def label_from_instance(self, obj) -> str:
        return obj.display_name(self.language)


class CaseTypeFormMixin:
    """A referral form whose `case_type` offers `case_types`, named in the reader's language."""

    def __init__(self, *args, case_types, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_type"].queryset = case_types
        self.fields["case_type"].language = language


def _case_type(label, required_message) -> CaseTypeChoiceField:
    return CaseTypeChoiceField(
        label=label,
        queryset=None,
        empty_label=_("Choose"),
        error_messages=required(required_message),
    )


def _summary(help_text) -> forms.CharField:
    return forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=help_text,
        error_messages=required(_("Say what happened.")),
    )


def _sharing_basis(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Information-sharing basis"), choices=_blank(c.SharingBasis.choices), **kwargs
    )


def _handover_file(label, **kwargs) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=HANDOVER_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": HANDOVER_ACCEPT}),
        **kwargs,
    )


def _handover_level(label, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=_blank(c.RiskLevel.choices), **kwargs)


def _justice_stage() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Criminal-justice stage"), choices=c.JusticeStage.choices)


def _sharing_reference() -> forms.CharField:
    return forms.CharField(
        label=_("Agreement reference"),
        max_length=100,
        required=False,
        help_text=_("For example, the information-sharing agreement's number."),
    )


def _enhanced_rights() -> forms.BooleanField:
    return forms.BooleanField(label=_("The victim is entitled to enhanced rights"), required=False)


class StaffReferralForm(CaseTypeFormMixin, SubmissionMixin, GovukForm):
    case_type = _case_type(_("Case type"), _("Choose the case type."))
    source = radios(
        _("Where the referral came from"),
        c.Source.choices,
        _("Choose where the referral came from."),
    )
    referring_agency = forms.CharField(
        label=_("Referring agency"),
        max_length=200,
        required=False,
        help_text=_("Needed when a partner agency referred."),
    )
    referrer_name = forms.CharField(label=_("Referrer's name"), max_length=200, required=False)
    referrer_role = forms.CharField(label=_("Referrer's role"), max_length=200, required=False)
    referrer_email = email_field(
        _("Referrer's email address"),
        required=False,
        help_text=_("The referrer is told when the referral is accepted, declined or closed."),
    )
    referrer_phone = phone_field(_("Referrer's phone number"))
    summary = _summary(_("Stored encrypted."))
    justice_stage = _justice_stage()
    sharing_basis = _sharing_basis(required=False)
    sharing_reference = _sharing_reference()
    incident_date = _date(_("Date of the incident"))
    reported_on = _date(
        _("Date the crime was reported"),
        help_text=_("The Victims' Code clocks start on this day."),
    )
    enhanced_rights = _enhanced_rights()
    harmed_initiated = forms.BooleanField(
        label=_("The person harmed asked for this referral"),
        required=False,
        help_text=_("The domestic or sexual harm pathway can only begin at their request."),
    )
    complexity_factors: forms.ModelMultipleChoiceField[ComplexityFactor] = (
        forms.ModelMultipleChoiceField(
            label=_("What makes this case sensitive or complex"),
            queryset=None,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Optional. Each may need extra sign-off before any direct contact."),
        )
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, empty_label=_("No team yet")
    )
    handover_file = _handover_file(_("Referrer's risk assessment (optional)"), required=False)
    handover_level = _handover_level(_("Risk level in the referrer's assessment"), required=False)

    def __init__(self, *args, factors, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complexity_factors"].queryset = factors
        self.fields["team"].queryset = teams

    def clean(self):
        data = super().clean()
        if data.get("handover_file") and not data.get("handover_level"):
            self.add_error(
                "handover_level", _("Choose the risk level from the referrer's assessment.")
            )
        if (
            data.get("source") == c.Source.AGENCY
            and not (data.get("referring_agency") or "").strip()
        ):
            self.add_error("referring_agency", _("Enter the referring agency."))
        return data

    REFERRER = ("name", "role", "email", "phone")

    def referral(self, data: dict) -> dict:
        """The answers as `enter_referral` takes them: the referrer's details as one contact."""
        contact = {key: (data[f"referrer_{key}"] or "").strip() for key in self.REFERRER}
        asked = {f"referrer_{key}" for key in self.REFERRER}
        details = {name: value for name, value in data.items() if name not in asked}
        return {
            **details,
            "referrer_contact": contact if any(contact.values()) else None,
            "complexity_factors": list(data["complexity_factors"]),
        }


PERSON_FIELDS = ("first_name", "last_name", "phone", "email", "safe_times")


def _person_fields(prefix: str) -> dict[str, forms.Field]:
    return {
        f"{prefix}_first_name": forms.CharField(
            label=_("First name"), max_length=100, required=False
        ),
        f"{prefix}_last_name": forms.CharField(
            label=_("Last name"), max_length=100, required=False
        ),
        f"{prefix}_phone": phone_field(),
        f"{prefix}_email": email_field(required=False),
        f"{prefix}_safe_times": forms.CharField(
            label=_("When and how it is safe to contact them"),
            max_length=300,
            required=False,
        ),
    }


class PartnerReferralForm(CaseTypeFormMixin, SubmissionMixin, GovukForm):
    case_type = _case_type(_("Kind of case"), _("Choose the kind of case."))
    referring_agency = forms.CharField(
        label=_("Your agency"),
        max_length=200,
        error_messages=required(_("Enter the name of your agency.")),
    )
    referrer_role = forms.CharField(label=_("Your role"), max_length=200, required=False)
    referrer_phone = phone_field(_("Your phone number"))
    summary = _summary(_("You will be able to read this again on the referral's status page."))
    justice_stage = _justice_stage()
    sharing_basis = _sharing_basis(
        error_messages=required(_("Choose the basis on which you are sharing this information."))
    )
    sharing_reference = _sharing_reference()
    incident_date = _date(_("Date of the incident"))
    reported_on = _date(_("Date the crime was reported"))
    enhanced_rights = _enhanced_rights()
    harmed_initiated = forms.BooleanField(
        label=_("The person harmed asked for this referral"), required=False
    )
    handover_file = _handover_file(
        _("Your risk assessment"), error_messages=required(_("Upload your risk assessment."))
    )
    handover_level = _handover_level(
        _("Risk level in your assessment"),
        error_messages=required(_("Choose the risk level from your assessment.")),
    )

    PEOPLE = {c.PartyRole.HARMED: "harmed", c.PartyRole.RESPONSIBLE: "responsible"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix in self.PEOPLE.values():
            self.fields.update(_person_fields(prefix))

    def person_fields(self, prefix: str) -> list:
        return [self[f"{prefix}_{name}"] for name in PERSON_FIELDS]

    @property
    def person_fields_harmed(self) -> list:
        return self.person_fields("harmed")

    @property
    def person_fields_responsible(self) -> list:
        return self.person_fields("responsible")

    def referral(self, data: dict) -> dict:
        """The answers as `submit_partner_referral` takes them: the people's details by role."""
        people = {
            role: {name: data[f"{prefix}_{name}"] or "" for name in PERSON_FIELDS}
            for role, prefix in self.PEOPLE.items()
        }
        asked = {f"{prefix}_{name}" for prefix in self.PEOPLE.values() for name in PERSON_FIELDS}
        facts = {name: value for name, value in data.items() if name not in asked}
        return {**facts, "people": people}

    def clean(self):
        data = super().clean()
        for prefix in self.PEOPLE.values():
            rest = [data.get(f"{prefix}_{name}") for name in PERSON_FIELDS[1:]]
            if any(rest) and not (data.get(f"{prefix}_first_name") or "").strip():
                self.add_error(f"{prefix}_first_name", _("Enter their first name."))
        return data


# ---------------------------------------------------------------- the public self-referral

SELF_ROLES = [
    (c.PartyRole.HARMED, _("I was harmed")),
    (c.PartyRole.RESPONSIBLE, _("I caused the harm")),
    (c.PartyRole.COMMUNITY, _("I was involved in another way, or it is hard to say")),
]


class SelfReferralForm(CaseTypeFormMixin, SubmissionMixin, SpamTrapMixin, GovukForm):
    """The public self-referral, with the spam traps every public form shares."""

    # Kept from before the shared traps, so forms already open stay valid.
    STARTED_SALT = "mend.cases.self-referral.started"

    first_name = forms.CharField(
        label=_("Your first name"),
        max_length=100,
        error_messages=required(_("Enter your first name.")),
    )
    last_name = forms.CharField(label=_("Your last name"), max_length=100, required=False)
    phone = phone_field(help_text=_("Give a phone number, an email address or both."))
    email = email_field(required=False, help_text=_("We will send a confirmation to this address."))
    safe_times = forms.CharField(
        label=_("When is it safe to contact you?"),
        max_length=300,
        required=False,
        help_text=_("For example, weekdays after 6pm. Tell us if we should not leave messages."),
    )
    preferred_language = radios(
        _("Which language would you like us to use?"),
        Language.choices,
        _("Choose a language."),
        initial=Language.ENGLISH,
    )
    other_language = forms.CharField(
        label=_("If another language, which one?"),
        max_length=60,
        required=False,
        help_text=_("We can arrange an interpreter."),
    )
    accessibility_needs = forms.CharField(
        label=_("Is there anything that would make it easier for you to take part?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("For example, large print, a hearing loop or step-free access."),
    )
    role = radios(_("How were you involved?"), SELF_ROLES, _("Say how you were involved."))
    case_type = CaseTypeChoiceField(
        label=_("What kind of situation is it?"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=required(_("Choose the kind of situation.")),
    )
    summary = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("A few sentences are enough. We will talk it through with you."),
        error_messages=required(_("Tell us briefly what happened.")),
    )

    def clean(self):
        data = super().clean()
        if (
            not (data.get("phone") or "").strip()
            and not (data.get("email") or "").strip()
            and not self.has_error("email")
        ):
            self.add_error("phone", _("Give a phone number or an email address."))
        if (
            data.get("preferred_language") == Language.OTHER
            and not (data.get("other_language") or "").strip()
        ):
            self.add_error("other_language", _("Tell us which language you would like."))
        return data

    def referral(self, data: dict) -> dict:
        """The answers as `submit_self_referral` takes them (the spam traps left out)."""
        return {
            name: value for name, value in data.items() if name not in SpamTrapMixin.base_fields
        }


# ---------------------------------------------------------------- deciding on a referral


class AcceptForm(VersionedForm):
    decision = forms.CharField(widget=forms.HiddenInput, initial="accept")


class DeclineForm(VersionedForm):
    decision = forms.CharField(widget=forms.HiddenInput, initial="decline")
    reason = forms.CharField(
        label=_("Why is the referral declined?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=500,
        error_messages={"required": _("Enter why the referral is declined.")},
        help_text=_(
            "The referrer will be told this reason. Do not include any personal details of the "
            "people involved."
        ),
    )
