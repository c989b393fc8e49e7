"""Pages every signed-in person and the public use: home, health, switchers, static pages, errors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from mend.core import actions
from mend.core.access import PUBLIC, SIGNED_IN, decide
from mend.core.panels import home_panels, no_organisation_panels
from mend.core.web import MendRequest, safe_next


@decide(PUBLIC)
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@decide(SIGNED_IN)
def home(request: MendRequest) -> HttpResponse:
    if request.membership is None:
        # No membership (a learner account, or a deactivated member): what they may still use.
        panels = no_organisation_panels(request)
        return render(request, "core/no_organisation.html", {"panels": panels}, status=200)
    return render(request, "core/home.html", {"home_panels": home_panels(request)})


@decide(SIGNED_IN)
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    try:
        organisation_id = int(request.POST.get("organisation", ""))
        organisation = actions.switch_organisation(request=request, organisation_id=organisation_id)
    except (ValueError, ValidationError):
        messages.error(request, _("You are not a member of that organisation."))
        return redirect("home")
    messages.success(request, _("You are now working in %(name)s.") % {"name": organisation.name})
    return redirect(safe_next(request) or "home")


@decide(PUBLIC)
@require_POST
def change_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering a signed-in person's choice for their next sign-in."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        actions.set_preferred_language(user=request.user, language=language)
    return response


@decide(PUBLIC)
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@decide(PUBLIC)
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "core/errors/csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/errors/500.html", status=500)
