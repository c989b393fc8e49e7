"""Forms for assessment and risk and the decision to proceed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mend.cases import choices as c
from mend.core.forms import GovukForm, radios
from mend.core.submissions import SubmissionMixin

# ---------------------------------------------------------------- assessment and risk


class RiskAssessmentForm(SubmissionMixin, GovukForm):
    level = radios(_("Risk level"), c.RiskLevel.choices, _("Choose a risk level."))
    party = forms.ChoiceField(
        label=_("Whose risk is this about?"),
        required=False,
        help_text=_("Choose a person if the risks concern them; leave as the whole case if not."),
    )
    notes = forms.CharField(
        label=_("Risks identified"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Describe the risks identified.")},
    )
    mitigation = forms.CharField(
        label=_("Mitigation plan"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Describe how the risks will be managed.")},
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.pk): p for p in parties}
        self.fields["party"].choices = [("", _("The whole case"))] + [
            (str(p.pk), f"{p.person} ({p.get_role_display().lower()})") for p in parties
        ]

    def clean_party(self):
        value = self.cleaned_data.get("party")
        return self.parties.get(value) if value else None


class SignOffForm(SubmissionMixin, GovukForm):
    specialist_service = forms.CharField(
        label=_("Specialist service consulted"),
        max_length=200,
        required=False,
        help_text=_("For example, the local domestic-abuse or sexual violence service."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("Optional. What you considered and any conditions."),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == c.SignOffKind.SPECIALIST:
            self.fields["specialist_service"].required = True
            self.fields["specialist_service"].error_messages["required"] = _(
                "Name the specialist service consulted."
            )
        else:
            del self.fields["specialist_service"]


class PartyAssessmentForm(SubmissionMixin, GovukForm):
    """The questions of one question set (in the reader's language), then needs and hopes."""

    def __init__(self, *args, questions=(), language: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.question_keys = []
        for question in questions:
            text = (question.get("cy") if language == "cy" else "") or question.get("en", "")
            name = f"q_{question['key']}"
            self.fields[name] = forms.CharField(
                label=text,
                required=False,
                max_length=10000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.question_keys.append(question["key"])
        self.fields["needs"] = forms.CharField(
            label=_("Needs"),
            required=False,
            max_length=10000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_(
                "Include any unmet needs found, such as counselling, a GP or benefits advice."
            ),
        )
        self.fields["hopes"] = forms.CharField(
            label=_("What they hope for"),
            required=False,
            max_length=10000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def answers(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(f"q_{k}", "") for k in self.question_keys}


class SuitabilityForm(SubmissionMixin, GovukForm):
    process_kind = forms.ChoiceField(
        label=_("Process"),
        choices=[("", _("Choose a process")), *list(c.ProcessKind.choices)],
        error_messages={"required": _("Choose the process.")},
    )
    decision = radios(_("Decision"), c.Suitability.choices, _("Choose suitable or not suitable."))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Explain the decision.")},
    )


class PrinciplesForm(SubmissionMixin, GovukForm):
    """One 'how it is upheld' per guiding principle; every one is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in c.Principle.choices:
            self.fields[value] = forms.CharField(
                label=label,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("How it is upheld in this case."),
                error_messages={
                    "required": _("Say how %(principle)s is upheld.")
                    % {"principle": str(label).lower()}
                },
            )

    def considered(self) -> dict[str, str]:
        return {p: self.cleaned_data.get(p, "") for p in c.Principle.values}
