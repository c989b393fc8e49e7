"""Every form control, ours or allauth's, is drawn the GOV.UK way."""

from __future__ import annotations

from allauth.account.forms import LoginForm
from django import forms

from mend.core.templatetags.govuk import govuk_widget


class Sample(forms.Form):
    name = forms.CharField(widget=forms.TextInput(attrs={"placeholder": "Your name"}))
    notes = forms.CharField(widget=forms.Textarea, required=False)
    role = forms.ChoiceField(choices=[("a", "A")])


def test_text_inputs_get_the_govuk_class_and_lose_their_placeholder():
    html = govuk_widget(Sample()["name"])
    assert 'class="govuk-input"' in html
    assert "placeholder" not in html


def test_textareas_and_selects_get_their_own_classes():
    form = Sample()
    assert 'class="govuk-textarea"' in govuk_widget(form["notes"])
    assert 'class="govuk-select"' in govuk_widget(form["role"])


def test_a_field_in_error_is_marked_invalid():
    form = Sample(data={"name": "", "role": "a"})
    assert not form.is_valid()
    html = govuk_widget(form["name"])
    assert "govuk-input--error" in html
    assert 'aria-invalid="true"' in html


def test_allauth_sign_in_fields_are_styled_without_placeholders():
    form = LoginForm()
    for name in ("login", "password"):
        html = govuk_widget(form[name])
        assert "govuk-input" in html
        assert "placeholder" not in html


def test_date_pickers_keep_their_value_in_welsh():
    import datetime

    from django.utils import translation

    from mend.core.forms import DateInput

    with translation.override("cy"):
        html = DateInput().render("on", datetime.date(2026, 11, 23))
    assert 'type="date"' in html
    assert 'value="2026-11-23"' in html
