"""Casework's shared view plumbing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mend.core.submissions import handle_post


def form_page(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    template: str,
    context: dict[str, Any],
    *,
    redirect_to: str | Callable[[Any], str],
    message: str | Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A form page: a POST goes through `handle_post`; the page (again, with the form's errors,
    when the work was not done) is `template` rendered with `context`."""
    if request.method == "POST":
        response = handle_post(request, form, act, redirect_to=redirect_to, message=message)
        if response:
            return response
    return render(request, template, context)
