"""Forms for delivery: sessions, trainers, attendees, registers, certificates and surveys."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from mend.core.forms import (
    DateInput,
    GovukForm,
    VersionedForm,
    email_field,
    pounds_field,
    radios,
)
from mend.core.submissions import SubmissionMixin
from mend.training import choices as c
from mend.training.delivery import evaluation

LONDON = ZoneInfo("Europe/London")
TIME_HELP = _("Use the 24-hour clock, for example 09:30 or 15:45.")
WHERE = [("in_person", _("In person, at a venue")), ("online", _("Online"))]


def _time(label):
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        help_text=TIME_HELP,
        widget=forms.TimeInput(
            format="%H:%M", attrs={"class": "govuk-input--width-5", "spellcheck": "false"}
        ),
        error_messages={"invalid": _("Enter a time like 09:30.")},
    )


def _language(label):
    return radios(label, c.Language.choices, initial="en")


class SessionTimesForm(GovukForm):
    """A day and start and end times, read as Europe/London."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = _time(_("Starts at"))
    ends = _time(_("Ends at"))

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            data["starts_at"] = datetime.combine(day, starts, tzinfo=LONDON)
            data["ends_at"] = datetime.combine(day, ends, tzinfo=LONDON)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("ends", _("The session must end after it starts."))
        return data


class SessionForm(SessionTimesForm):
    where = forms.ChoiceField(
        label=_("Where is it?"), choices=WHERE, widget=forms.RadioSelect, initial="in_person"
    )
    venue = forms.CharField(
        label=_("Venue"),
        max_length=300,
        required=False,
        help_text=_("The address or room. Leave empty for an online session."),
    )
    value = pounds_field(
        _("Value of the session, in pounds"),
        min_value=Decimal("0"),
        width=10,
        required=False,
        help_text=_("Optional. The course price if left empty."),
    )
    materials = forms.CharField(
        label=_("Materials"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Handouts, equipment, room layout, links."),
    )


class SessionNewForm(SubmissionMixin, SessionForm):
    pass


class SessionEditForm(VersionedForm, SessionForm):
    pass


class PostponeForm(SessionTimesForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Optional. For example, the school asked to move the date."),
    )


class MemberChoiceForm(GovukForm):
    """Picks one of the `members` it is given: its `membership` field cleans to that Membership."""

    prompt = _("Choose a member")

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {str(mb.pk): mb for mb in members}
        self.fields["membership"].choices = [("", self.prompt)] + [
            (pk, self.member_label(mb)) for pk, mb in self.members.items()
        ]

    def member_label(self, member) -> str:
        return f"{member.user} ({member.get_role_display()})"

    def clean_membership(self):
        return self.members[self.cleaned_data["membership"]]


class AllocateForm(MemberChoiceForm):
    prompt = _("Choose a trainer")
    membership = forms.ChoiceField(label=_("Trainer"))
    role = forms.ChoiceField(
        label=_("Role on the session"),
        choices=[("support", _("Co-trainer")), ("lead", _("Lead trainer"))],
        widget=forms.RadioSelect,
        initial="support",
    )

    def member_label(self, member) -> str:
        return member.choice_label


class TrainerLevelForm(VersionedForm):
    level = forms.ChoiceField(
        label=_("Trainer level"), choices=c.TrainerLevel.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=500,
        required=False,
        help_text=_("Optional. For example, qualifications or observed sessions."),
    )


class NewTrainerForm(MemberChoiceForm):
    membership = forms.ChoiceField(label=_("Member"))
    level = forms.ChoiceField(
        label=_("Trainer level"), choices=c.TrainerLevel.choices, widget=forms.RadioSelect
    )


class AttendeeForm(SubmissionMixin, GovukForm):
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = email_field(
        required=False,
        help_text=_("Optional. Needed to send the certificate and the surveys."),
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    language = _language(_("Preferred language"))


class AttendeeListForm(SubmissionMixin, GovukForm):
    attendees = forms.CharField(
        label=_("Attendees"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "One person per line: their name, a comma, then their email address. For example, "
            "Carys Hughes, carys.hughes@example.com. The email address may be left out."
        ),
    )
    language = _language(_("Preferred language of everyone on this list"))


class RegisterForm(GovukForm):
    present = forms.MultipleChoiceField(
        label=_("Who was present?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick everyone who was there. Anyone not ticked is recorded as absent."),
    )

    def __init__(self, *args, attendees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(a.pk), a.name) for a in attendees]


class ConfirmForm(SubmissionMixin, GovukForm):
    """A button that does one thing, guarded against a double submit."""


class SendEvaluationsForm(SubmissionMixin, GovukForm):
    stage = forms.ChoiceField(
        label=_("Which survey?"), choices=c.SurveyStage.choices, widget=forms.RadioSelect
    )


class CertificateCheckForm(GovukForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=30,
        help_text=_("It is printed at the bottom of the certificate, for example 7KQ4-M2XP-9HDA."),
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocomplete": "off", "class": "govuk-input--width-20"}
        ),
        error_messages={"required": _("Enter the verification code from the certificate.")},
    )


class EvaluationForm(GovukForm):
    comments = forms.CharField(
        label=_("Anything else you would like to tell us?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = {}
        for code, label in evaluation.QUESTIONS:
            questions[code] = forms.TypedChoiceField(
                label=label,
                choices=[(str(v), text) for v, text in evaluation.SCALE_LABELS.items()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a number from 1 to 5.")},
            )
        # The statements first, then the comments.
        self.fields = {**questions, "comments": self.fields["comments"]}
