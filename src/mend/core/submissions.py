"""One record per submission, however often (or however fast) the button is pressed.

A create form carries a hidden `submission_id` (a fresh UUID each time the blank form is shown).
The request that saves it first claims it in the database (`SubmissionClaim`, keyed by a digest
of the person and the id), in the same transaction as the action; a repeated POST, even one sent
in parallel from another process or server, waits for that transaction and is sent where the
first went instead of creating a second record. A refused action rolls its claim back, so the
corrected form can be sent again. Claims are kept for KEEP_HOURS.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from mend.core.forms import add_action_errors
from mend.core.models import SubmissionClaim

KEEP_HOURS = 24


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


def claim_key(request: HttpRequest, submission_id: str) -> str:
    """The claim's key: one person's one submission (an anonymous sender's is theirs alone,
    since the id is random)."""
    user = getattr(request, "user", None)
    who = str(user.pk) if user is not None and user.is_authenticated else "anonymous"
    return hashlib.sha256(f"{who}:{submission_id}".encode()).hexdigest()


def already_done(request: HttpRequest, submission_id: str | None) -> str | None:
    """Where the first submission with this id went, if it was saved."""
    if not submission_id:
        return None
    return (
        SubmissionClaim.objects.filter(key=claim_key(request, submission_id), target__gt="")
        .values_list("target", flat=True)
        .first()
    )


class _Claimed(Exception):
    """Another request has already saved this submission."""


def _claim(key: str) -> None:
    """Claim the submission inside the caller's transaction. A parallel request with the same
    key waits here until the first one's transaction ends: if it was saved, `_Claimed`; if it
    was rolled back, the claim is this request's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_submissionclaim (key, target, created_at) VALUES (%s, '', %s) "
            "ON CONFLICT (key) DO NOTHING RETURNING key",
            [key, timezone.now()],
        )
        if cursor.fetchone() is None:
            raise _Claimed


def remember(request: HttpRequest, submission_id: str | None, redirect_to: str) -> None:
    """Record where a saved submission went (the claim is made if there was none)."""
    if not submission_id:
        return
    key = claim_key(request, submission_id)
    if not SubmissionClaim.objects.filter(key=key).update(target=redirect_to):
        SubmissionClaim.objects.create(key=key, target=redirect_to)
    SubmissionClaim.objects.filter(
        created_at__lt=timezone.now() - timedelta(hours=KEEP_HOURS)
    ).delete()


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
    submission_id = form.cleaned_data.get("submission_id")
    try:
        # A create form's claim and its action commit or roll back together.
        with transaction.atomic() if submission_id else nullcontext():
            if submission_id:
                _claim(claim_key(request, submission_id))
            result = act(action_data(form))
            target = redirect_to(result) if callable(redirect_to) else redirect_to
            remember(request, submission_id, target)
    except _Claimed:
        done = already_done(request, submission_id)
        return redirect(done) if done else None
    except ValidationError as exc:
        add_action_errors(form, exc)
        return None
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
