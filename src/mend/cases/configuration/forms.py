"""Forms for the casework settings pages: case types, question sets, complexity factors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.cases.configuration.actions import parse_questions
from mend.core.forms import VersionedForm, YesNoField


class CaseTypeForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    name_cy = forms.CharField(label=_("Name in Welsh"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    enhanced_pathway = YesNoField(
        _("Enhanced pathway"),
        _(
            "Yes for domestic or sexual harm: only at the request of the person harmed, with a "
            "specialist consultation, advanced practitioner and manager sign-off."
        ),
    )
    is_active = YesNoField(_("In use"), _("No hides it when new referrals are entered."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in c.TimelineStepKind.choices:
            self.fields[f"days_{value}"] = forms.IntegerField(
                label=_("%(step)s: days after acceptance") % {"step": label},
                min_value=0,
                max_value=3650,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            )

    def clean(self):
        """The days of the timeline go to the action as one value, `offsets` (by step)."""
        data = super().clean()
        data["offsets"] = {
            kind: data.pop(f"days_{kind}")
            for kind in c.TimelineStepKind.values
            if f"days_{kind}" in data
        }
        return data


class QuestionSetForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    party_role = forms.ChoiceField(
        label=_("Used for"),
        choices=[("", _("Any part in the case")), *list(c.PartyRole.choices)],
        required=False,
        help_text=_("The joint initial assessment of a person in this part uses this set."),
    )
    is_active = YesNoField(_("In use"))
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        help_text=_(
            "One question a line: key | English | Welsh. The key is a short name such as "
            "what_happened; keep it when you reword a question."
        ),
    )

    def clean_questions(self):
        try:
            return parse_questions(self.cleaned_data["questions"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["questions"]) from exc


SIGNOFF_CHOICES = [
    (c.SignOffKind.ADVANCED.value, c.SignOffKind.ADVANCED.label),
    (c.SignOffKind.MANAGER.value, c.SignOffKind.MANAGER.label),
    (c.SignOffKind.SPECIALIST.value, c.SignOffKind.SPECIALIST.label),
]


class ComplexityFactorForm(VersionedForm):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("A short name that never changes, such as hate-crime."),
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    name_cy = forms.CharField(label=_("Name in Welsh"), max_length=120, required=False)
    signoffs = forms.MultipleChoiceField(
        label=_("Sign-offs a case with this factor needs"),
        choices=SIGNOFF_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every case needs a risk sign-off; choose what this factor adds."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["version"]
