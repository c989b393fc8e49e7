"""Forms for the organisation administration pages, rendered in the GOV.UK Frontend style."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self, cast

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mend.core.models import Team
from mend.core.roles import Role


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO 8601, which is what `<input type="date">`
    requires: the Welsh locale's own format (23/11/2026) would leave the picker empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={"class": "govuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def required(message: Any) -> dict[str, Any]:
    """The error messages of a field whose "required" message says what to enter or choose."""
    return {"required": message}


def radios(label: Any, choices: Any, missing: Any = None, **kwargs: Any) -> forms.ChoiceField:
    """One answer from `choices`, as radio buttons; `missing` says what to choose when none is
    (Django's own message when not given)."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages=required(missing) if missing else None,
        **kwargs,
    )


class YesNoField(forms.TypedChoiceField):
    """Yes or no as radios, cleaned to a bool; a bool as its initial value ticks its answer, so an
    edit form starts from the record's own flag. `missing` says what to answer when neither is
    chosen (Django's own message when not given)."""

    def __init__(self, label: Any, help_text: Any = "", *, missing: Any = None) -> None:
        super().__init__(
            label=label,
            choices=YES_NO,
            coerce=lambda answer: answer == "yes",
            widget=forms.RadioSelect,
            help_text=help_text,
            error_messages=required(missing) if missing else None,
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value


def pounds_field(
    label: Any,
    *,
    max_digits: int = 12,
    min_value: Decimal = Decimal("0.01"),
    width: int | None = None,
    **kwargs: Any,
) -> forms.DecimalField:
    """An amount in pounds and pence, typed as text with the number keyboard: more than nothing
    unless `min_value` allows 0. `width` is the GOV.UK input width class, if any."""
    attrs = {"inputmode": "decimal", "spellcheck": "false"}
    if width:
        attrs["class"] = f"govuk-input--width-{width}"
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=2,
        min_value=min_value,
        widget=forms.TextInput(attrs=attrs),
        **kwargs,
    )


def email_field(label: Any = None, **kwargs: Any) -> forms.EmailField:
    """An email address, up to the 254 characters an address can have."""
    return forms.EmailField(label=label or _("Email address"), max_length=254, **kwargs)


def phone_field(label: Any = None, **kwargs: Any) -> forms.CharField:
    """An optional phone number, as typed."""
    return forms.CharField(
        label=label or _("Phone number"), max_length=40, required=False, **kwargs
    )


class GovukForm(forms.Form):
    """Base for Mend's forms. Controls are styled by the `govuk_widget` template filter."""

    @classmethod
    def editing(
        cls,
        record: object,
        data: Any = None,
        *,
        initial: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Self:
        """The form for editing `record`: each field that `record` has an attribute of the same
        name for (its `version` included) starts from that value; `initial` adds or overrides.
        `data` is the POST (an empty one counts as none, as with `request.POST or None`)."""
        start = {name: getattr(record, name) for name in cls.base_fields if hasattr(record, name)}
        return cls(data or None, initial={**start, **(initial or {})}, **kwargs)


class VersionedForm(GovukForm):
    """Carries the version the person started editing, so a second editor cannot overwrite them."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TeamForm(VersionedForm):
    name = forms.CharField(label=_("Team name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        help_text=_("Optional. For example, the area or kind of work the team covers."),
    )


class InviteForm(GovukForm):
    email = email_field()
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team._base_manager.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional."),
    )

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            cast("forms.ModelMultipleChoiceField[Team]", self.fields["teams"]).queryset = teams


class RoleForm(VersionedForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MemberTeamsForm(GovukForm):
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team._base_manager.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, teams: QuerySet[Team] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if teams is not None:
            cast("forms.ModelMultipleChoiceField[Team]", self.fields["teams"]).queryset = teams


class SupportNotesForm(VersionedForm):
    support_notes = forms.CharField(
        label=_("Support notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Only administrators and managers can read these. They are stored encrypted."),
    )


class AcceptInvitationForm(GovukForm):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 12 characters. A few unrelated words work well."),
        max_length=200,
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        widget=forms.PasswordInput(render_value=False),
        max_length=200,
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_new_password(self, data, email=self.email)
        return data


def check_new_password(form: forms.Form, data: dict[str, Any], *, email: str) -> None:
    """Refuse, as errors on the fields, a `password2` that does not repeat `password1` or a
    `password1` the password validators reject for the person of `email` and `full_name`."""
    p1, p2 = data.get("password1"), data.get("password2")
    if p1 and p2 and p1 != p2:
        form.add_error("password2", _("The two passwords do not match."))
    elif p1:
        user = get_user_model()(email=email, full_name=data.get("full_name", ""))
        try:
            password_validation.validate_password(p1, user)
        except forms.ValidationError as exc:
            form.add_error("password1", exc)


def add_action_errors(form: forms.Form, exc: forms.ValidationError) -> None:
    """Put an action's refusal onto the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
