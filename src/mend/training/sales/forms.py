"""Sales forms: clients, contacts, courses, enquiries (staff and the public form), engagements,
quotes and the Service Level Agreement (sending it, and accepting it at its link)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
from mend.training import choices as c
from mend.training import models as m


def _blank(choices, label=None) -> list:
    return [("", label or _("Choose")), *list(choices)]


def _language_field(label, **kwargs) -> forms.ChoiceField:
    """English or Welsh, as radio buttons."""
    return radios(label, c.Language.choices, **kwargs)


def _name_field(label, missing) -> forms.CharField:
    """A required name or title of up to 200 characters; `missing` says what to enter."""
    return forms.CharField(label=label, max_length=200, error_messages=required(missing))


def _job_title_field(label) -> forms.CharField:
    return forms.CharField(label=label, max_length=120, required=False)


def _participants_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=10000,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )


def _engagement_title_field(label) -> forms.CharField:
    """An engagement's title, the course title when left empty."""
    return forms.CharField(
        label=label,
        max_length=200,
        required=False,
        help_text=_("Optional. The course title is used if you leave this empty."),
    )


def _hours_field(label, missing) -> forms.DecimalField:
    """A number of hours to one decimal place, required."""
    return forms.DecimalField(
        label=label,
        max_digits=6,
        decimal_places=1,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages=required(missing),
    )


class CourseChoiceField(forms.ModelChoiceField):
    """Courses named in the reader's language."""

    def label_from_instance(self, obj: m.Course) -> str:
        return obj.label


def _course_field(missing) -> CourseChoiceField:
    """The course an engagement is for, required (its queryset is set by the form)."""
    return CourseChoiceField(
        label=_("Course"), queryset=None, empty_label=_("Choose"), error_messages=required(missing)
    )


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: m.ClientContact) -> str:
        return f"{obj.name} ({obj.client.name})" if self.with_client else obj.name

    with_client = True


# ---------------------------------------------------------------- filters


class ClientFilterForm(GovukForm):
    q = forms.CharField(label=_("Name contains"), max_length=100, required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=_blank(c.Sector.choices, _("Any sector")), required=False
    )


class StatusFilterForm(GovukForm):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _blank(statuses, _("Any status"))


# ---------------------------------------------------------------- clients and contacts


class ClientFields(GovukForm):
    name = _name_field(_("Organisation name"), _("Enter the organisation's name."))
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=_blank(c.Sector.choices),
        error_messages=required(_("Choose the client's sector.")),
    )
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    email = email_field(required=False)
    phone = phone_field(_("Phone"))
    language = _language_field(_("Language for documents"), initial="en")
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ClientEditForm(ClientFields, VersionedForm):
    is_active = forms.BooleanField(label=_("Active client"), required=False)


class ClientNewForm(SubmissionMixin, ClientFields):
    pass


class ContactFields(GovukForm):
    name = _name_field(_("Full name"), _("Enter the contact's name."))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=_blank(c.ContactRole.choices),
        error_messages=required(_("Choose the contact's role.")),
    )
    job_title = _job_title_field(_("Job title"))
    email = email_field(error_messages=required(_("Enter the contact's email address.")))
    phone = phone_field(_("Phone"))
    language = _language_field(_("Preferred language"), initial="en")


class ContactEditForm(ContactFields, VersionedForm):
    is_active = forms.BooleanField(label=_("Still a contact"), required=False)


class ContactNewForm(SubmissionMixin, ContactFields):
    pass


# ---------------------------------------------------------------- courses


class CourseFields(GovukForm):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("A short name of letters, numbers and hyphens, like ra-schools."),
        error_messages=required(_("Enter a short code for the course.")),
    )
    title = _name_field(_("Title"), _("Enter the course title."))
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    summary_cy = forms.CharField(
        label=_("Summary in Welsh"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        choices=_blank(c.Audience.choices),
        error_messages=required(_("Choose who the course is for.")),
    )
    format = radios(_("Format"), c.CourseFormat.choices, _("Choose how it is delivered."))
    duration_hours = _hours_field(
        _("Duration (hours)"), _("Enter how long the course is, in hours.")
    )
    cpd_hours = _hours_field(_("CPD hours"), _("Enter the CPD hours the course gives."))
    price = forms.DecimalField(
        label=_("Price per session (£)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages=required(_("Enter the price per session.")),
    )
    rjc_approved = forms.BooleanField(
        label=_("Approved by the Restorative Justice Council"), required=False
    )


class CourseEditForm(CourseFields, VersionedForm):
    is_active = forms.BooleanField(label=_("Offered"), required=False)


class CourseNewForm(SubmissionMixin, CourseFields):
    pass


# ---------------------------------------------------------------- enquiries


class EnquiryFields(forms.Form):
    organisation_name = _name_field(
        _("Organisation name"), _("Enter the name of your organisation.")
    )
    sector = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=_blank(c.Sector.choices),
        error_messages=required(_("Choose the kind of organisation.")),
    )
    contact_name = _name_field(_("Your name"), _("Enter your name."))
    job_title = _job_title_field(_("Job title"))
    email = email_field(error_messages=required(_("Enter an email address so we can reply.")))
    phone = phone_field(_("Phone"))
    course = CourseChoiceField(
        label=_("Course"),
        queryset=None,
        required=False,
        empty_label=_("Not sure yet"),
    )
    participants = _participants_field()
    preferred_dates = forms.CharField(
        label=_("Preferred dates"),
        max_length=300,
        required=False,
        help_text=_("For example, an INSET day in September, or any Tuesday in spring term."),
    )
    message = forms.CharField(
        label=_("What are you looking for?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )
    language = _language_field(
        _("Which language should we use with you?"), missing=_("Choose a language.")
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


class StaffEnquiryForm(SubmissionMixin, EnquiryFields, GovukForm):
    pass


class PublicEnquiryForm(SubmissionMixin, SpamTrapMixin, EnquiryFields, GovukForm):
    STARTED_SALT = "mend.training.enquiry.started"


class ConvertEnquiryForm(VersionedForm):
    course = _course_field(_("Choose the course the engagement is for."))
    title = _engagement_title_field(_("Title of the engagement"))

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses


class CloseEnquiryForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why is the enquiry closed?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, the school chose another provider, or the date did not suit."),
        error_messages=required(_("Enter why the enquiry is closed.")),
    )


# ---------------------------------------------------------------- engagements


class EngagementForm(SubmissionMixin, GovukForm):
    client: forms.ModelChoiceField[m.Client] = forms.ModelChoiceField(
        label=_("Client"),
        queryset=None,
        empty_label=_("Choose"),
        error_messages=required(_("Choose the client.")),
    )
    contact = ContactChoiceField(
        label=_("Contact"),
        queryset=None,
        required=False,
        empty_label=_("No contact yet"),
        help_text=_("The person who books the training and will sign the agreement."),
    )
    course = _course_field(_("Choose the course."))
    title = _engagement_title_field(_("Title"))
    participants = _participants_field()
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, clients, contacts, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["contact"].queryset = contacts
        self.fields["course"].queryset = courses

    def clean(self):
        data = super().clean()
        client, contact = data.get("client"), data.get("contact")
        if client and contact and contact.client_id != client.pk:
            self.add_error("contact", _("Choose a contact who works for this client."))
        return data


class ProposalForm(SubmissionMixin, GovukForm):
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        error_messages=required(_("Enter the date the quote is valid until.")),
    )
    notes = forms.CharField(
        label=_("Notes for the client"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Optional. Shown on the quote."),
    )


class SendAgreementForm(SubmissionMixin, GovukForm):
    contact = ContactChoiceField(
        label=_("Who should accept the agreement?"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages=required(_("Choose the client contact who will sign.")),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts
        self.fields["contact"].with_client = False


class ConfirmForm(GovukForm):
    """A button with nothing to fill in (withdrawing an agreement)."""


class AcceptAgreementForm(GovukForm):
    name = _name_field(_("Your full name"), _("Enter your full name."))
    job_title = _job_title_field(_("Your job title"))
    agree = forms.BooleanField(
        label=_("I agree to this Service Level Agreement, including the cancellation policy"),
        error_messages=required(_("Confirm that you agree to the terms.")),
    )


ENQUIRY_VALUES = [
    "organisation_name",
    "sector",
    "contact_name",
    "job_title",
    "email",
    "phone",
    "course",
    "participants",
    "preferred_dates",
    "message",
    "language",
]


def enquiry_values(data: dict) -> dict:
    """What an enquiry form (public or staff) passes to `receive_enquiry`."""
    return {f: data.get(f) for f in ENQUIRY_VALUES}
