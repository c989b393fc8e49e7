"""Render any Django form field (ours or a library's) as a GOV.UK Frontend control."""

from __future__ import annotations

import copy

from django import forms, template

register = template.Library()

_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


def _css_class(widget: forms.Widget, has_errors: bool) -> str:
    for widget_type, css in _CLASSES.items():
        if isinstance(widget, widget_type):
            return css + (
                f" {css}--error" if has_errors and css != _CLASSES[forms.CheckboxInput] else ""
            )
    return "govuk-input" + (" govuk-input--error" if has_errors else "")


@register.filter
def govuk_widget(bound_field: forms.BoundField) -> str:
    """The field's control with GOV.UK classes, marked invalid when in error, no placeholder.

    GOV.UK design advice: placeholders are not labels and vanish as people type, so they go.
    """
    widget = copy.deepcopy(bound_field.field.widget)
    widget.attrs.pop("placeholder", None)
    css = _css_class(widget, bool(bound_field.errors))
    widget.attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), css]))
    if bound_field.errors:
        widget.attrs["aria-invalid"] = "true"
    return bound_field.as_widget(widget=widget)
