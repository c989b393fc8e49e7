"""Forms for e-learning: authoring (modules, lessons, quiz questions, enrolling a client's
people), the public sign-up, and the quiz a learner answers."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from mend.core.forms import (
    GovukForm,
    VersionedForm,
    YesNoField,
    check_new_password,
    email_field,
    radios,
)
from mend.core.submissions import SubmissionMixin
from mend.training import choices as c
from mend.training.elearning.actions import MAX_CHOICES

RICH_TEXT_HELP = _(
    "You can use simple HTML: <p>, <h2>, <h3>, <ul>, <ol>, <li>, <strong>, <em>, "
    '<blockquote>, <br> and links (<a href="https://...">). Anything else is removed when '
    "you save."
)


class ModuleForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the catalogue."),
    )
    summary_cy = forms.CharField(
        label=_("Summary in Welsh"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    cpd_hours = forms.DecimalField(
        label=_("CPD hours"),
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        help_text=_("For example, 1.5."),
    )
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"),
        min_value=1,
        max_value=100,
        initial=80,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        help_text=_("The score a learner needs to pass the quiz, from 1 to 100."),
    )
    open_to_public = YesNoField(
        _("Can anyone sign up for it?"),
        _("If not, only people your organisation enrols, and your own members, can take it."),
    )
    is_published = YesNoField(
        _("Published"),
        _("Learners can see and take a published module. It needs a lesson and a quiz question."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("open_to_public", True)
        self.initial.setdefault("is_published", False)

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            "title": data["title"],
            "title_cy": data["title_cy"],
            "summary": data["summary"],
            "summary_cy": data["summary_cy"],
            "cpd_hours": data["cpd_hours"],
            "pass_mark": data["pass_mark"],
            "open_to_public": data["open_to_public"],
        }
        if "is_published" in self.fields:
            values["is_published"] = data["is_published"]
        return values


class NewModuleForm(SubmissionMixin, ModuleForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_published"]
        del self.fields["version"]


class LessonForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "true"}),
        help_text=RICH_TEXT_HELP,
    )
    body_cy = forms.CharField(
        label=_("Text in Welsh"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Optional. The same HTML is allowed."),
    )


class NewLessonForm(SubmissionMixin, LessonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]


class QuestionForm(SubmissionMixin, GovukForm):
    """A question with up to MAX_CHOICES answers; tick the correct ones."""

    text = forms.CharField(label=_("Question"), max_length=500)
    text_cy = forms.CharField(label=_("Question in Welsh"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_CHOICES + 1):
            self.fields[f"choice_{number}"] = forms.CharField(
                label=_("Answer %(number)d") % {"number": number},
                max_length=300,
                required=False,
            )
            self.fields[f"choice_{number}_cy"] = forms.CharField(
                label=_("Answer %(number)d in Welsh") % {"number": number},
                max_length=300,
                required=False,
            )
        self.fields["correct"] = forms.MultipleChoiceField(
            label=_("Which answers are correct?"),
            choices=[
                (str(n), _("Answer %(number)d") % {"number": n}) for n in range(1, MAX_CHOICES + 1)
            ],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=_("Give between 2 and 6 answers and tick at least one."),
        )

    @property
    def answer_rows(self):
        return [(self[f"choice_{n}"], self[f"choice_{n}_cy"]) for n in range(1, MAX_CHOICES + 1)]

    def choices(self) -> list[tuple[str, str, bool]]:
        data = self.cleaned_data
        correct = set(data.get("correct") or [])
        return [
            (data.get(f"choice_{n}", ""), data.get(f"choice_{n}_cy", ""), str(n) in correct)
            for n in range(1, MAX_CHOICES + 1)
        ]

    @staticmethod
    def initial_for(question, choices) -> dict:
        initial = {"text": question.text, "text_cy": question.text_cy, "correct": []}
        for number, choice in enumerate(choices, start=1):
            initial[f"choice_{number}"] = choice.text
            initial[f"choice_{number}_cy"] = choice.text_cy
            if choice.is_correct:
                initial["correct"].append(str(number))
        return initial


class ClientEnrolmentForm(SubmissionMixin, GovukForm):
    client = forms.ChoiceField(label=_("Client"))
    people = forms.CharField(
        label=_("People to enrol"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_(
            "One person a line: their name, a comma, and their email address. For example, "
            "Carys Hughes, carys.hughes@example.org"
        ),
    )

    def __init__(self, *args, clients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", _("Choose a client"))] + [
            (str(client.pk), client.name) for client in clients
        ]


class JoinForm(SubmissionMixin, GovukForm):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    email = email_field(
        help_text=_("You will use this to sign in."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A few unrelated words work well."),
        max_length=200,
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        max_length=200,
    )
    language = radios(_("Which language would you like to use?"), c.Language.choices)

    def clean(self):
        data = super().clean()
        check_new_password(self, data, email=data.get("email", ""))
        return data


class QuizForm(GovukForm):
    """One question a fieldset of radios; every question must be answered."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=_("%(number)d. %(question)s")
                % {"number": number, "question": question.label},
                choices=[(str(choice.pk), choice.label) for choice in question.choices.all()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer to question %(number)d.") % {"number": number}
                },
            )

    def answers(self) -> dict[str, str]:
        return {name[1:]: value for name, value in self.cleaned_data.items()}


class MoveLessonForm(GovukForm):
    """The move up / move down buttons of the module page (the action checks the direction)."""

    direction = forms.CharField(required=False)
