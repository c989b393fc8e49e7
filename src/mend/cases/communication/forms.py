"""Forms for shuttle messages and letters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.core.forms import DateInput, GovukForm, VersionedForm, YesNoField, radios
from mend.core.submissions import SubmissionMixin

LETTER_LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label, widget=DateInput(), initial=timezone.localdate, help_text=help_text
    )


def _why(label, help_text) -> forms.CharField:
    """Why a message or letter is turned back (only asked for then)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, party) -> str:
        return f"{party.person} ({party.get_role_display()})"


class _TwoPartiesForm(GovukForm):
    """Chooses two different parties of the case (`parties`: a queryset with person loaded)."""

    first_label = _("From")
    second_label = _("To")
    first, second = "sender", "recipient"
    same_error = _("Choose someone other than the sender.")

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in ((self.first, self.first_label), (self.second, self.second_label)):
            self.fields[name] = PartyChoiceField(
                label=label, queryset=parties, empty_label=_("Choose a person")
            )
        self.order_fields([self.first, self.second])

    def clean(self):
        data = super().clean()
        one, other = data.get(self.first), data.get(self.second)
        if one is not None and other is not None and one.pk == other.pk:
            self.add_error(self.second, self.same_error)
        return data


class MessageForm(SubmissionMixin, _TwoPartiesForm):
    first_label = _("Message from")
    second_label = _("Message to")
    text = forms.CharField(
        label=_("The message, in their words"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_(
            "It will not be passed on until a practitioner has approved it. It is stored encrypted."
        ),
    )


class ApproveMessageForm(GovukForm):
    decision = radios(
        _("What do you want to do with this message?"),
        [("approve", _("Approve it to be passed on")), ("withhold", _("Withhold it"))],
    )
    checked = forms.BooleanField(
        label=_(
            "I have checked it holds nothing that identifies or locates the sender beyond "
            "what they agreed to share"
        ),
        required=False,
    )
    reason = _why(_("Why it is withheld"), _("Only if you withhold it."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("checked"):
            self.add_error("checked", _("Confirm you have checked the message."))
        if data.get("decision") == "withhold" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the message is withheld."))
        return data


class MessageDeliveredForm(GovukForm):
    delivered_on = _date_field(_("Date passed on"))


class LetterPartiesForm(_TwoPartiesForm):
    """Step one of the letter builder: who writes, who receives (sent with GET)."""

    first_label = _("Who is writing?")
    second_label = _("Who is the letter for?")
    first, second = "writer", "recipient"
    same_error = _("Choose someone other than the writer.")


class LetterForm(SubmissionMixin, VersionedForm):
    """The restorative questions as prompts (one textarea each), the body and its language."""

    def __init__(self, *args, questions=(), language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.question_keys = []
        for question in questions:
            name = f"answer_{question['key']}"
            self.question_keys.append((name, question["key"]))
            self.fields[name] = forms.CharField(
                label=question.get(language) or question.get("en", question["key"]),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["body"] = forms.CharField(
            label=_("The letter"),
            widget=forms.Textarea(attrs={"rows": 14}),
            max_length=20_000,
            help_text=_(
                "In the writer's own words. Their answers above are prompts; only this letter is "
                "sent. Leave out addresses, phone numbers and anything that locates anyone."
            ),
        )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language of the letter"), choices=LETTER_LANGUAGES, widget=forms.RadioSelect
        )

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(name, "") for name, key in self.question_keys}


class ScreenLetterForm(VersionedForm):
    decision = radios(
        _("Your decision"),
        [("screened", _("It is fit to send")), ("return", _("Send it back to draft"))],
    )
    no_contact_details = forms.BooleanField(
        label=_("It holds no contact details, address or anything that locates anyone"),
        required=False,
    )
    no_blame_shifting = forms.BooleanField(
        label=_("It does not shift blame onto the person receiving it"), required=False
    )
    safe_to_send = forms.BooleanField(
        label=_("It is safe for the person receiving it"), required=False
    )
    note = _why(_("What needs to change"), _("Only if you send it back to draft."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "screened":
            for name in ("no_contact_details", "no_blame_shifting", "safe_to_send"):
                if not data.get(name):
                    self.add_error(name, _("Confirm you have checked this."))
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what needs to change."))
        return data


class OptInForm(VersionedForm):
    opted_in_on = _date_field(_("Date they said they want the letter"))
    writer_may_know_read = YesNoField(
        _("May the writer be told when the letter has been read?"),
        _("This is the choice of the person receiving the letter."),
    )


class DeliverLetterForm(VersionedForm):
    route = forms.ChoiceField(
        label=_("How will the letter reach them?"),
        choices=c.DeliveryRoute.choices,
        widget=forms.RadioSelect,
    )
    route_agency = forms.CharField(
        label=_("Name of the agency"),
        required=False,
        max_length=200,
        help_text=_("If it goes through the Probation Service or another agency."),
    )
    delivered_on = _date_field(_("Date delivered"), _("Not needed if you hold it on file."))

    def clean(self):
        data = super().clean()
        if data.get("route") == c.DeliveryRoute.OTHER_AGENCY and not data.get("route_agency"):
            self.add_error("route_agency", _("Enter the name of the agency."))
        return data


class ReadForm(VersionedForm):
    read_on = _date_field(_("Date they read it"))
    writer_may_know_read = YesNoField(
        _("May the writer be told it was read?"),
        _("This is the choice of the person who received the letter."),
    )
