"""Forms for work on a case: activities, processes and meetings."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.cases.workflow import party_label
from mend.core.forms import GovukForm, radios
from mend.core.submissions import SubmissionMixin

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
GENERAL = "case"  # the "whose information" choice for notes about the case as a whole


class DateTimeLocalField(forms.DateTimeField):
    """A date and time typed into the browser's own date-and-time control (local time)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_FORMAT, "%Y-%m-%d %H:%M"])
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault(
            "invalid", _("Enter a real date and time, for example 14/03/2025 14:30.")
        )
        super().__init__(**kwargs)


class TickBoxesField(forms.ModelMultipleChoiceField):
    """Tick boxes for some of the case's people or staff; the form sets which (`queryset`)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=None, **kwargs)


class PartyChoiceField(TickBoxesField):
    def label_from_instance(self, obj) -> str:
        return party_label(obj)


class MemberChoiceField(TickBoxesField):
    def label_from_instance(self, obj) -> str:
        return obj.user.full_name or obj.user.email


def _now_local() -> str:
    return timezone.localtime().replace(second=0, microsecond=0).strftime(DATETIME_FORMAT)


class ActivityForm(SubmissionMixin, GovukForm):
    kind = radios(
        _("What kind of contact or work was it?"),
        c.ActivityKind.choices,
        _("Choose what kind of contact or work it was."),
    )
    occurred_at = DateTimeLocalField(
        label=_("When did it happen?"),
        error_messages={"required": _("Enter the date and time it happened.")},
        help_text=_("Date and time, for example 14/03/2025 14:30."),
    )
    duration_minutes = forms.IntegerField(
        label=_("How long did it take, in minutes?"),
        error_messages={"required": _("Enter how many minutes it took (0 if none).")},
        min_value=0,
        max_value=24 * 60,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
    )
    practitioners = MemberChoiceField(
        label=_("Practitioners"),
        error_messages={"required": _("Choose at least one practitioner.")},
        help_text=_("People allocated to the case, and you."),
    )
    parties = PartyChoiceField(
        label=_("People involved"),
        required=False,
        help_text=_("Optional. Everyone in the case who took part."),
    )
    belongs_to = forms.ChoiceField(
        label=_("Whose information do the notes hold?"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Needed when there are notes. They are shown with this person's name, so nobody "
            "mistakes whose they are."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Optional. Stored encrypted."),
    )

    def __init__(self, *args, parties, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = parties
        self.fields["practitioners"].queryset = members
        self.party_by_pk = {str(p.pk): p for p in parties}
        self.fields["belongs_to"].choices = [
            *[(pk, party_label(p)) for pk, p in self.party_by_pk.items()],
            (GENERAL, _("No one person: notes about the case as a whole")),
        ]
        if not self.is_bound:
            self.initial.setdefault("occurred_at", _now_local())

    def clean(self):
        data = super().clean()
        whose = data.get("belongs_to") or ""
        if data.get("notes", "").strip() and not whose:
            self.add_error("belongs_to", _("Choose whose information the notes hold."))
        data["belongs_to"] = self.party_by_pk.get(whose)
        return data


class ProcessForm(SubmissionMixin, GovukForm):
    kind = radios(
        _("Which process, from the menu of services?"),
        c.ProcessKind.choices,
        _("Choose a process."),
    )
    parties = PartyChoiceField(
        label=_("Who takes part?"),
        error_messages={"required": _("Choose who takes part.")},
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = parties


class ProcessChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(c.ProcessKind(obj.kind).label)


class MeetingForm(SubmissionMixin, GovukForm):
    kind = radios(
        _("What kind of meeting?"), c.ProcessKind.choices, _("Choose the kind of meeting.")
    )
    process = ProcessChoiceField(
        label=_("Part of which chosen process?"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("Optional."),
    )
    starts_at = DateTimeLocalField(
        label=_("Starts"), error_messages={"required": _("Enter when the meeting starts.")}
    )
    ends_at = DateTimeLocalField(
        label=_("Ends"), error_messages={"required": _("Enter when the meeting ends.")}
    )
    venue = forms.CharField(
        label=_("Venue"),
        error_messages={"required": _("Enter the venue (or the video link's name).")},
        max_length=300,
        help_text=_("The address or room, or the name of the video link."),
    )
    attendees = PartyChoiceField(
        label=_("Who will attend?"),
        error_messages={"required": _("Choose who will attend.")},
    )
    facilitators = MemberChoiceField(
        label=_("Facilitators"),
        required=False,
        help_text=_("Optional."),
    )

    def __init__(self, *args, parties, members, processes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = parties
        self.fields["facilitators"].queryset = members
        self.fields["process"].queryset = processes


class CancelMeetingForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is the meeting cancelled?"),
        error_messages={"required": _("Give the reason the meeting is cancelled.")},
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Staff see this reason. The invitation sent to people says only: cancelled."),
    )


class MeetingHeldForm(GovukForm):
    """Confirms that a planned meeting took place (nothing to fill in)."""
