"""One record per submission, however often the button is pressed.

A create form carries a hidden `submission_id` (a fresh UUID each time the blank form is shown).
After the first successful save the view remembers where it sent the person; a repeated POST
with the same id is sent to the same place instead of creating a second record.
Kept in the session (works for public forms too), at most KEEP entries.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mend.core.forms import add_action_errors

SESSION_KEY = "mend_submissions"
KEEP = 50


class SubmissionIdField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(widget=forms.HiddenInput, required=False, max_length=64, **kwargs)


def new_submission_id() -> str:
    return uuid.uuid4().hex


class SubmissionMixin(forms.Form):
    """Add to a create form; give the form initial={"submission_id": new_submission_id()}."""

    submission_id = SubmissionIdField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", new_submission_id())


def already_done(request: HttpRequest, submission_id: str | None) -> str | None:
    """Where the first submission with this id went, if it succeeded."""
    if not submission_id:
        return None
    done: str | None = request.session.get(SESSION_KEY, {}).get(submission_id)
    return done


def remember(request: HttpRequest, submission_id: str | None, redirect_to: str) -> None:
    if not submission_id:
        return
    done = dict(request.session.get(SESSION_KEY, {}))
    done[submission_id] = redirect_to
    if len(done) > KEEP:
        done = dict(list(done.items())[-KEEP:])
    request.session[SESSION_KEY] = done


def translating_refusal(
    act: Callable[[dict[str, Any]], Any],
    translate: Callable[[ValidationError], ValidationError],
) -> Callable[[dict[str, Any]], Any]:
    """`act` for `handle_post`, its refusal passed through `translate` first (for an action that
    names its fields differently from the form that shows them)."""

    def run(data: dict[str, Any]) -> Any:
        try:
            return act(data)
        except ValidationError as exc:
            raise translate(exc) from exc

    return run


def action_data(form: forms.Form) -> dict[str, Any]:
    """A valid form's values as an action takes them: named as the form names its fields, so a
    view can pass them on whole (`actions.x(actor=..., **data)`), the replay guard's
    `submission_id` left out."""
    return {name: value for name, value in form.cleaned_data.items() if name != "submission_id"}


def handle_post(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    redirect_to: str | Callable[[Any], str],
    message: str | Callable[[Any], str] | None = None,
) -> HttpResponse | None:
    """The POST half of every state-changing form: create, edit, confirm or transition.

    In order: the replay guard (a form carrying a `submission_id` that already succeeded is sent
    where the first submission went), validation, the action, the action's refusal put onto the
    form by field, the success message, and the redirect. Returns the redirect when the work is
    done, or None when the form must be shown again. `act(data)` calls the action with the form's
    `action_data` and
    returns what it made; `redirect_to` and `message` are a value or a function of that result."""
    done = already_done(request, request.POST.get("submission_id"))
    if done:
        return redirect(done)
    if not form.is_valid():
        return None
    try:
        result = act(action_data(form))
    except ValidationError as exc:
        add_action_errors(form, exc)
        return None
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    remember(request, form.cleaned_data.get("submission_id"), target)
    if message:
        messages.success(request, message(result) if callable(message) else message)
    return redirect(target)


def handle_button(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    redirect_to: str | Callable[[Any], str],
    back_to: str | None = None,
    message: str | Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A POST button with nothing to fill in: `handle_post`, or its refusal shown as error
    messages back on the page the button was on (`back_to`, or `redirect_to` when that is a
    plain address)."""
    response = handle_post(request, form, act, redirect_to=redirect_to, message=message)
    if response:
        return response
    for errors in form.errors.values():
        for reason in errors:
            messages.error(request, cast(str, reason))
    target = back_to if back_to is not None else redirect_to
    if callable(target):
        raise TypeError("handle_button needs back_to when redirect_to is a function")
    return redirect(target)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    template: str,
    context: dict[str, Any] | Callable[[], dict[str, Any]],
    *,
    redirect_to: str | Callable[[Any], str],
    message: str | Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A page with one form: on POST `handle_post`; unless that redirected, the page is shown
    (again, with the form's errors) from `template` and `context` (a function when the page's
    data is only worth reading when the page is shown)."""
    if request.method == "POST":
        response = handle_post(request, form, act, redirect_to=redirect_to, message=message)
        if response:
            return response
    return render(request, template, context() if callable(context) else context)
