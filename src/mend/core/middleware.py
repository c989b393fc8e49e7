"""Request-wide concerns: request id, session limits, current organisation, the access policy,
caching headers."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mend.core import access, context
from mend.core.auth import MFA_SETUP_URL_NAMES, has_strong_factor
from mend.core.roles import role_has
from mend.core.tenancy import organisation_scope
from mend.core.web import MendRequest

SESSION_STARTED = "mend_started_at"
SESSION_LAST_SEEN = "mend_last_seen_at"
SESSION_ORGANISATION = "mend_organisation_id"
# Writing the session on every request is wasteful; refresh "last seen" at most this often.
LAST_SEEN_RESOLUTION = 30

GetResponse = Callable[[HttpRequest], HttpResponseBase]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the address our trusted proxies saw.

    With MEND_TRUSTED_PROXY_COUNT = N, the Nth address from the right of X-Forwarded-For is the
    client (each trusted proxy appends the address it received from). Anything further left was
    written by the client and is not trusted.
    """
    proxies = settings.MEND_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded: list[str] = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "") or None


class RequestContextMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: MendRequest) -> HttpResponseBase:
        request.id = uuid.uuid4().hex
        ctx = context.RequestContext(request_id=request.id, ip_address=client_ip(request))
        with context.request_context(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class SessionLimitsMiddleware:
    """Signs a person out after the idle timeout or the absolute session lifetime."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> str | None:
        now = time.time()
        session = request.session
        started = session.get(SESSION_STARTED)
        last_seen = session.get(SESSION_LAST_SEEN)
        if started is None:
            session[SESSION_STARTED] = session[SESSION_LAST_SEEN] = now
            return None
        if now - started > settings.MEND_SESSION_MAX_HOURS * 3600:
            return _(
                "Your session reached its time limit, so you were signed out. Please sign in again."
            )
        if last_seen is not None and now - last_seen > settings.MEND_IDLE_TIMEOUT_MINUTES * 60:
            return _("You were signed out because you were inactive. Please sign in again.")
        if last_seen is None or now - last_seen > LAST_SEEN_RESOLUTION:
            session[SESSION_LAST_SEEN] = now
        return None


SESSION_TRACKED = "mend_session_tracked"
USER_AGENT_KEPT = 200


class SessionActivityMiddleware:
    """Keeps each person's list of their signed-in sessions (allauth's usersessions) up to date
    without writing it on every request (allauth's own middleware runs five statements a request).

    A session's row is written when it is first seen (or its key changes at sign-in), when its
    address or browser changes (allauth then tells its listeners), and otherwise at most every
    LAST_SEEN_RESOLUTION seconds, so "last seen" on the sessions page is that fresh."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            from allauth.account.adapter import get_adapter
            from allauth.usersessions.models import UserSession

            now = time.time()
            client = [
                session.session_key,
                get_adapter().get_client_ip(request),
                request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_KEPT],
            ]
            tracked = session.get(SESSION_TRACKED)
            if (
                not isinstance(tracked, list)
                or tracked[1:] != client
                or now - tracked[0] > LAST_SEEN_RESOLUTION
            ):
                UserSession.objects.create_from_request(request)
                session[SESSION_TRACKED] = [now, *client]
        return self.get_response(request)


class OrganisationMiddleware:
    """Sets request.membership and request.organisation, and scopes every query to it."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: MendRequest) -> HttpResponseBase:
        request.membership = None
        request.organisation = None
        mine = access.memberships(request.user)
        if mine:
            chosen = request.session.get(SESSION_ORGANISATION)
            membership = (mine.get(chosen) if chosen is not None else None) or min(
                mine.values(), key=lambda m: m.organisation.name.lower()
            )
            request.membership = membership
            request.organisation = membership.organisation
        with organisation_scope(request.organisation):
            return self.get_response(request)


class AccessPolicyMiddleware:
    """Enforces the decision of every view before it runs (see `mend.core.access`); no decision
    means no entry."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        decision = access.decision_for(view_func, match.url_name if match else None)
        if decision is None:
            raise PermissionDenied("This page has no access decision.")
        if decision.kind == "public":
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if (
            (match is None or match.url_name not in MFA_SETUP_URL_NAMES)
            and access.mfa_required(request.user)
            and not has_strong_factor(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Set up two-step sign-in before you continue. It protects the people we work with."
                ),
            )
            return redirect("mfa_activate_totp")
        if decision.kind in ("signed_in", "learner"):
            return None
        membership = getattr(request, "membership", None)
        if membership is None:
            raise PermissionDenied("You are not an active member of an organisation.")
        if decision.perm and not role_has(membership.role, decision.perm):
            if view_kwargs:
                # A page about one record: refusing with 403 would confirm the record exists.
                raise Http404
            raise PermissionDenied("Your role does not allow this.")
        return None


class NoStoreMiddleware:
    """Pages for signed-in people are never kept by browsers or proxies."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/accounts/"):
            response["Cache-Control"] = "no-store"
        return response


class PreferredLanguageMiddleware:
    """After sign-in, switch the interface to the language the person chose before."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        language = getattr(request, "mend_language", None)
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                # A str setting to the stubs; set_cookie wants one of its literal values.
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
