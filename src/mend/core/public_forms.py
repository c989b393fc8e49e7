"""What every public form (no sign-in) shares: two spam traps and a per-address rate limit.

- A honeypot field people never see (`website`): programs that fill in every field fill it in.
- A signed record of when the blank form was shown (`started`): people take longer than
  MINIMUM_SECONDS to fill in a form; a missing, forged or too recent one is refused, keeping the
  answers, and the clock starts again.
- `RateLimit`: at most `limit` accepted submissions from one address in `window` seconds (the
  address as `core.middleware.client_ip` sees it, so trusted proxies are honoured).

A public form's view calls `public_form_page`: the replay guard, then `screen` (the traps and the
limit), then `handle_post`, and the page again, with the status `screen` chose, when the submission
is refused. `screen` counts the submission against the limit (atomically, in the database) and
the page gives it back when the submission is not saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.core import signing
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mend.core.middleware import client_ip
from mend.core.models import RateCount
from mend.core.submissions import already_done, handle_post

MINIMUM_SECONDS = 3
STARTED_SALT = "mend.core.public-form.started"


def started_token(at: float | None = None, salt: str = STARTED_SALT) -> str:
    """A signed record of when the blank form was shown."""
    return signing.dumps(at if at is not None else time.time(), salt=salt)


def seconds_since(token: str, salt: str = STARTED_SALT) -> float | None:
    """Seconds since `started_token` was made; None when it is missing, forged or a day old."""
    try:
        started = float(signing.loads(token, salt=salt, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - started


class SpamTrapMixin(forms.Form):
    """Adds the honeypot and the start time to a public form. In the template, render `started`
    as a hidden field and `website` inside a `hidden` block (never with field.html)."""

    website = forms.CharField(
        label=gettext_lazy("Leave this empty"), required=False, max_length=200
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    HONEYPOT = "website"
    STARTED_SALT = STARTED_SALT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started", started_token(salt=self.STARTED_SALT))

    def refresh_started(self) -> None:
        """Start the clock again (after a rejected or tampered timestamp), keeping the answers."""
        # A QueryDict or a dict; the stubs type Form.data as a read-only Mapping.
        data = self.data.copy()  # type: ignore[attr-defined]
        data["started"] = started_token(salt=self.STARTED_SALT)
        self.data = data


class RateLimit:
    """At most `limit` submissions of one form from one address in `window` seconds.

    Counted in the database (`RateCount`) by one statement that adds a submission only while
    the address is under its limit, so the count is shared by every process and server and
    parallel submissions cannot overtake it."""

    def __init__(self, name: str, limit: int, window: int = 3600):
        self.name, self.limit, self.window = name, limit, window

    def bucket(self, address: str | None) -> str:
        return f"mend:{self.name}:{address or 'unknown'}"

    def key(self, request: HttpRequest) -> str:
        return self.bucket(client_ip(request))

    def take(self, request: HttpRequest) -> bool:
        """Count one submission from the request's address; False (and nothing counted) when
        the address has already sent `limit` in the window."""
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO core_ratecount AS r (bucket, count, resets_at) VALUES (%s, 1, %s)
                ON CONFLICT (bucket) DO UPDATE SET
                    count = CASE WHEN r.resets_at <= %s THEN 1 ELSE r.count + 1 END,
                    resets_at = CASE WHEN r.resets_at <= %s THEN excluded.resets_at
                                     ELSE r.resets_at END
                WHERE r.resets_at <= %s OR r.count < %s
                RETURNING count
                """,
                [
                    self.key(request),
                    now + timedelta(seconds=self.window),
                    now,
                    now,
                    now,
                    self.limit,
                ],
            )
            taken = cursor.fetchone() is not None
        if taken:
            RateCount.objects.filter(resets_at__lt=now - timedelta(days=1)).delete()
        return taken

    def give_back(self, request: HttpRequest) -> None:
        """Uncount a submission that `take` counted but that was not saved (a mistake in the
        form, not a program's attempt)."""
        RateCount.objects.filter(
            bucket=self.key(request), count__gt=0, resets_at__gt=timezone.now()
        ).update(count=F("count") - 1)

    def used(self, address: str) -> int:
        """How many submissions `address` has made in the current window."""
        row = RateCount.objects.filter(
            bucket=self.bucket(address), resets_at__gt=timezone.now()
        ).first()
        return row.count if row else 0


def screen(
    request: HttpRequest,
    form: SpamTrapMixin,
    limit: RateLimit,
    *,
    too_many: str | None = None,
    refused: str | None = None,
    too_quick: str | None = None,
) -> int | None:
    """Check a POSTed public form against the traps and the limit.

    Returns None when the view may validate and save; otherwise the status to answer with
    (429 when the address sent too many, else 200), the form holding the reason and the answers.
    The submission is counted against the limit here; a trapped one stays counted, so a program
    cannot keep trying, and one sent too quickly is given back (a person may send it again)."""
    if not limit.take(request):
        form.is_valid()
        form.add_error(
            None,
            too_many
            or _(
                "We have received several forms from your connection in the last hour, so we "
                "cannot take another one just now. Please try again later, or phone us."
            ),
        )
        return 429
    if request.POST.get(form.HONEYPOT):
        form.is_valid()
        form.add_error(
            None,
            refused
            or _(
                "We could not accept this form. Please check your answers and send it again, "
                "or phone us."
            ),
        )
        return 200
    elapsed = seconds_since(request.POST.get("started", ""), salt=form.STARTED_SALT)
    if elapsed is None or elapsed < MINIMUM_SECONDS:
        limit.give_back(request)
        form.is_valid()
        form.add_error(
            None,
            too_quick
            or _(
                "The form was sent very quickly, so we could not be sure a person sent it. "
                "Please check your answers and send it again."
            ),
        )
        form.refresh_started()
        return 200
    return None


def public_form_page(
    request: HttpRequest,
    form: SpamTrapMixin,
    act: Callable[[dict[str, Any]], Any],
    *,
    limit: RateLimit,
    too_many: str,
    template: str,
    context: dict[str, Any],
    redirect_to: str,
) -> HttpResponse:
    """A public form's page. On POST, in order: a replayed submission goes where the first one
    went; the traps and the limit (`screen`); then `handle_post`. The page is shown again, with
    the form's errors and the status `screen` chose (429 for too many), unless that redirected."""
    status = 200
    if request.method == "POST":
        done = already_done(request, request.POST.get("submission_id"))
        if done:
            return redirect(done)
        refused = screen(request, form, limit, too_many=too_many)
        if refused is not None:
            status = refused
        else:
            response = handle_post(request, form, act, redirect_to=redirect_to)
            if response:
                return response
            limit.give_back(request)  # not saved: the person corrects the form and sends again
    return render(request, template, {**context, "form": form}, status=status)
