"""Tokens for the training business's public links (SLA acceptance, evaluation surveys) and the
absolute addresses put in emails. Only a token's SHA-256 hash is ever stored."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse

from mend.core.models import hash_token

__all__ = ["hash_token", "new_token", "public_url"]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def public_url(name: str, *args: object) -> str:
    """An absolute link for an email (MEND_BASE_URL plus the path)."""
    return settings.MEND_BASE_URL.rstrip("/") + reverse(name, args=args)
