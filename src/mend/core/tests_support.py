"""Helpers for tests and browser tests (kept in the package so every test tree can import them)."""

from __future__ import annotations

from typing import Any

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.test import Client

from mend.core import actions
from mend.core.middleware import SESSION_ORGANISATION
from mend.core.models import Membership, Organisation
from mend.core.tenancy import organisation_scope

PASSWORD = "correct horse battery staple 42"


def make_organisation(name: str, slug: str) -> Organisation:
    existing = Organisation.objects.filter(slug=slug).first()
    return existing or actions.create_organisation(name=name, slug=slug)


def make_member(
    organisation: Organisation,
    role: str,
    email: str | None = None,
    *,
    mfa: bool = True,
    full_name: str = "",
) -> Membership:
    User = get_user_model()
    email = email or f"{role}.{organisation.slug}@example.test"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, password=PASSWORD, full_name=full_name or role.replace("_", " ").title()
    )
    actions.mark_email_verified(user)
    if mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, pyotp.random_base32())
    with organisation_scope(organisation):
        return actions.add_member(organisation=organisation, user=user, role=role)


def totp_now(user: Any) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return str(pyotp.TOTP(decrypt(authenticator.data["secret"])).now())


def sign_in(client: Client, user: Any, organisation: Organisation | None = None) -> None:
    """Log the client in (skipping the sign-in form) and choose the organisation."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if organisation is not None:
        session = client.session
        session[SESSION_ORGANISATION] = organisation.pk
        session.save()
