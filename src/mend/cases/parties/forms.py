"""Forms for people and parties: adding a party (find, choose, details), editing, consent."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.cases.workflow import party_label
from mend.core.forms import DateInput, GovukForm, email_field, phone_field, radios
from mend.core.submissions import SubmissionMixin
from mend.people.models import Language

if TYPE_CHECKING:
    from django.forms import BoundField
    from django_stubs_ext import StrOrPromise

NEW_PERSON = "new"
NEEDS_SUPPORTED_PARTY = (c.PartyRole.SUPPORTER, c.PartyRole.PARENT_CARER)

CONTACT_METHODS = [
    ("phone", _("Phone call")),
    ("text", _("Text message")),
    ("email", _("Email")),
    ("letter", _("Letter")),
    ("visit", _("Home visit")),
]
CONTACT_METHOD_LABELS = dict(CONTACT_METHODS)


def date_field(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        help_text=help_text,
    )


def _notes(label, max_length, **kwargs) -> forms.CharField:
    """An optional free-text box of three rows."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        **kwargs,
    )


def _not_in_future(value, message):
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


def _first_name() -> forms.CharField:
    return forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Enter the person's first name.")},
    )


def _last_name() -> forms.CharField:
    return forms.CharField(label=_("Last name"), max_length=100, required=False)


def _date_of_birth() -> forms.DateField:
    return date_field(_("Date of birth"), help_text=_("Optional. For example, 27/03/2007."))


# ---------------------------------------------------------------- adding a party


class FindPersonForm(GovukForm):
    """Step 1: enough to look for someone already known."""

    first_name = _first_name()
    last_name = _last_name()
    date_of_birth = _date_of_birth()
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10, required=False, help_text=_("Optional.")
    )
    role = radios(
        _("Their part in the case"), c.PartyRole.choices, _("Choose the person's part in the case.")
    )

    def role_label(self) -> str:
        return cast(str, c.PartyRole(self.cleaned_data["role"]).label)

    def clean_first_name(self):
        value = self.cleaned_data["first_name"].strip()
        if not value:
            raise forms.ValidationError(_("Enter the person's first name."))
        return value

    def clean_date_of_birth(self):
        return _not_in_future(
            self.cleaned_data.get("date_of_birth"), _("The date of birth must be in the past.")
        )


class ChoosePersonForm(GovukForm):
    """Step 2, when someone similar is already known: the same person, or a new one."""

    match = forms.ChoiceField(label=_("Is this one of these people?"), widget=forms.RadioSelect)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["match"].choices = [
            (str(person.pk), str(person)) for person, _reasons in self.candidates
        ] + [(NEW_PERSON, _("None of these: add a new person"))]
        self.fields["match"].error_messages["required"] = _(
            "Choose the person this is, or add a new person."
        )

    def chosen_person(self):
        value = self.cleaned_data.get("match")
        for person, _reasons in self.candidates:
            if str(person.pk) == value:
                return person
        return None


class PersonDetailsForm(GovukForm):
    """What belongs to the person across all their cases: how to reach them, their language."""

    phone = phone_field()
    email = email_field(required=False)
    address = forms.CharField(
        label=_("Address"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    preferred_language = radios(
        _("Preferred language"),
        Language.choices,
        _("Choose the person's preferred language."),
        initial=Language.ENGLISH,
    )
    other_language = forms.CharField(
        label=_("Which language"),
        max_length=60,
        required=False,
        help_text=_("If you chose another language."),
    )
    needs_interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("preferred_language") == Language.OTHER and not data.get("other_language"):
            self.add_error("other_language", _("Enter which language."))
        return data

    def contact(self) -> dict | None:
        data = self.cleaned_data
        found = {
            k: data[k].strip() for k in ("phone", "email", "address") if data.get(k, "").strip()
        }
        return found or None

    def person_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "contact": self.contact(),
            "preferred_language": data["preferred_language"],
            "other_language": data.get("other_language", ""),
            "needs_interpreter": data.get("needs_interpreter", False),
        }

    @staticmethod
    def initial_for(person) -> dict:
        contact = person.contact or {}
        return {
            "phone": contact.get("phone", ""),
            "email": contact.get("email", ""),
            "address": contact.get("address", ""),
            "preferred_language": person.preferred_language,
            "other_language": person.other_language,
            "needs_interpreter": person.needs_interpreter,
        }


SECTIONS = [
    (_("Name"), ["first_name", "last_name", "date_of_birth", "postcode"]),
    (
        _("How to reach them"),
        ["phone", "email", "address", "contact_methods", "safe_times", "contact_notes"],
    ),
    (_("Language"), ["preferred_language", "other_language", "needs_interpreter"]),
    (
        _("Needs and safety"),
        ["accessibility_needs", "safety_flags", "never_disclose", "is_under_18"],
    ),
]


class PartyDetailsForm(GovukForm):
    """What belongs to this party in this case alone."""

    def sections(self) -> list[tuple[StrOrPromise, list[BoundField]]]:
        """The visible fields, grouped under headings, in the order they are asked."""
        found: list[tuple[StrOrPromise, list[BoundField]]] = []
        for title, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                found.append((title, fields))
        return found

    contact_methods = forms.MultipleChoiceField(
        label=_("How they prefer to be contacted"),
        choices=CONTACT_METHODS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safe_times = forms.CharField(
        label=_("Safe times to contact them"),
        max_length=300,
        required=False,
        help_text=_("For example, weekdays after 6pm, never on Saturdays."),
    )
    contact_notes = _notes(_("Other notes about contacting them"), 1000)
    accessibility_needs = _notes(_("Accessibility needs"), 2000)
    safety_flags = _notes(_("Safety concerns"), 2000)
    never_disclose = _notes(
        _("What must never be disclosed to the other side"),
        2000,
        help_text=_("For example, a new address, a workplace or a health condition."),
    )
    is_under_18 = forms.BooleanField(label=_("Under 18"), required=False)

    def contact_preferences(self) -> dict | None:
        data = self.cleaned_data
        found = {
            "methods": list(data.get("contact_methods") or []),
            "safe_times": data.get("safe_times", "").strip(),
            "notes": data.get("contact_notes", "").strip(),
        }
        return found if any(found.values()) else None

    def party_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "contact_preferences": self.contact_preferences(),
            "accessibility_needs": data.get("accessibility_needs", "").strip(),
            "safety_flags": data.get("safety_flags", "").strip(),
            "never_disclose": data.get("never_disclose", "").strip(),
            "is_under_18": data.get("is_under_18", False),
        }

    @staticmethod
    def initial_for(party) -> dict:
        prefs = party.contact_preferences or {}
        return {
            "contact_methods": prefs.get("methods", []),
            "safe_times": prefs.get("safe_times", ""),
            "contact_notes": prefs.get("notes", ""),
            "accessibility_needs": party.accessibility_needs,
            "safety_flags": party.safety_flags,
            "never_disclose": party.never_disclose,
            "is_under_18": party.is_under_18,
        }


class SupportsForm(GovukForm):
    supports = forms.ChoiceField(
        label=_("Who do they support?"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("For a supporter, parent or carer: the person they are there for."),
    )

    def __init__(self, *args, parties=(), role="", **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.pk): p for p in parties}
        self.role = role
        self.fields["supports"].choices = [(pk, party_label(p)) for pk, p in self.parties.items()]

    def clean_supports(self):
        value = self.cleaned_data.get("supports")
        if not value and self.role in NEEDS_SUPPORTED_PARTY and self.parties:
            raise forms.ValidationError(_("Choose who they support."))
        return self.parties.get(value)


class AddPartyDetailsForm(SubmissionMixin, PersonDetailsForm, PartyDetailsForm):
    """Step 3 for someone new: their own details and their part in this case."""


class ExistingPersonPartyForm(SubmissionMixin, PartyDetailsForm):
    """Step 3 for someone already known: their record keeps its contact details and language."""


# ---------------------------------------------------------------- editing


class EditPartyForm(PersonDetailsForm, PartyDetailsForm):
    first_name = _first_name()
    last_name = _last_name()
    date_of_birth = _date_of_birth()
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    party_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    person_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["first_name", "last_name", "date_of_birth", "postcode"]

    def clean_date_of_birth(self):
        return _not_in_future(
            self.cleaned_data.get("date_of_birth"), _("The date of birth must be in the past.")
        )

    def person_fields(self) -> dict:
        data = self.cleaned_data
        return {
            **super().person_fields(),
            "first_name": data["first_name"],
            "last_name": data.get("last_name", ""),
            "date_of_birth": data.get("date_of_birth"),
            "postcode": data.get("postcode", ""),
        }

    @staticmethod
    def initial_for(party) -> dict:
        person = party.person
        return {
            **PersonDetailsForm.initial_for(person),
            **PartyDetailsForm.initial_for(party),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth,
            "postcode": person.postcode,
            "party_version": party.version,
            "person_version": person.version,
        }


# ---------------------------------------------------------------- consent


class GiveConsentForm(SubmissionMixin, GovukForm):
    scope = radios(
        _("What are they consenting to?"),
        c.ConsentScope.choices,
        _("Choose what the consent is for."),
    )
    method = radios(
        _("How was consent given?"), c.ConsentMethod.choices, _("Choose how the consent was given.")
    )
    given_on = date_field(_("Date consent was given"), help_text=_("Leave empty for today."))

    def clean_given_on(self):
        return _not_in_future(
            self.cleaned_data.get("given_on"), _("Consent cannot be dated in the future.")
        )


class WithdrawConsentForm(GovukForm):
    method = radios(
        _("How was the withdrawal made?"),
        c.ConsentMethod.choices,
        _("Choose how the withdrawal was made."),
    )
