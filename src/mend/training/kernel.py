"""What every training action shares: the permission check, the version check, tokens."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.core import access
from mend.core.models import hash_token

__all__ = ["check_version", "hash_token", "new_token", "public_url", "require"]


def require(actor, perm: str, organisation) -> None:
    """`actor` must hold `perm` in `organisation`."""
    if actor is None or not access.has_perm(actor, perm, organisation):
        raise PermissionDenied(_("Your role does not allow this."))


def check_version(obj, expected: int | None) -> None:
    if expected is not None and obj.version != expected:
        raise ValidationError(
            _(
                "Someone else changed this record while you were editing it. Nothing was saved: "
                "review their change and try again."
            )
        )


def new_token() -> str:
    return secrets.token_urlsafe(32)


def public_url(name: str, *args) -> str:
    """An absolute link for an email (MEND_BASE_URL plus the path)."""
    return settings.MEND_BASE_URL.rstrip("/") + reverse(name, args=args)
