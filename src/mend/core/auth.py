"""Sign-in integration: allauth adapter, django-axes hooks, MFA requirement, audit of sign-ins."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import password_changed, password_reset
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mend.core import audit
from mend.core.fields import PREFIX, decrypt_text, encrypt_text
from mend.core.web import MendRequest

# A person may use only these pages until they have set up a second factor.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "account_reauthenticate",
        "account_logout",
        "set_language",
    }
)
STRONG_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_strong_factor(user: Any) -> bool:
    cached = getattr(user, "_mend_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type__in=STRONG_FACTORS).exists()
        user._mend_has_mfa = cached
    return bool(cached)


# allauth ships no type information, so its adapters are `Any` to mypy.
class MendAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join an organisation by invitation only (core.views_admin.accept_invitation).
        return False


class MendMFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """TOTP secrets are stored encrypted under MEND_FIELD_KEYS (and rotated by rotate_keys)."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        if encrypted_text.startswith(PREFIX):
            return decrypt_text(encrypted_text)
        return encrypted_text  # written before encryption was configured


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login", "")
    return str(value or "").strip().lower()


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    audit.record(audit.Action.LOCKED_OUT, acting_for=axes_username(request, credentials))
    # Rendered here: axes returns this from its middleware, where nothing renders a TemplateResponse.
    return render(request, "core/locked_out.html", status=429)


@receiver(user_logged_in)
def _signed_in(sender: Any, request: MendRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(audit.Action.SIGNED_IN, actor=user)
    if request is not None:
        # The interface speaks the person's chosen language from the moment they sign in.
        request.mend_language = user.preferred_language


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(audit.Action.SIGNED_OUT, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Record which account was tried, never the password.
    audit.record(audit.Action.SIGN_IN_FAILED, acting_for=axes_username(request, credentials))


@receiver(password_changed)
def _password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record(audit.Action.PASSWORD_CHANGED, actor=user)


@receiver(password_reset)
def _password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record(audit.Action.PASSWORD_RESET, actor=user)


@receiver(authenticator_added)
def _mfa_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit.record(audit.Action.MFA_ADDED, actor=user, changes={"type": authenticator.type})


@receiver(authenticator_removed)
def _mfa_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit.record(audit.Action.MFA_REMOVED, actor=user, changes={"type": authenticator.type})
