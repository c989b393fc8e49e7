"""Read-only look-ups of core state (organisations by short name, invitations by token, their
links)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.core.models import Invitation, Organisation, hash_token


def organisation_named(slug: str) -> Organisation:
    """The organisation an address names by its short name (404 when there is none)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def invitation_url(token: str) -> str:
    return settings.MEND_BASE_URL.rstrip("/") + reverse("accept_invitation", args=[token])


def find_invitation(token: str) -> Invitation | None:
    """The invitation for a token, from any organisation (the token itself is the credential)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.across_organisations.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None) -> str | None:
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied the whole link.")
    if invitation.revoked_at:
        return _("This invitation was withdrawn. Ask the person who invited you for a new one.")
    if invitation.accepted_at:
        return _("This invitation has already been used. Sign in to continue.")
    if invitation.is_expired:
        return _("This invitation has expired. Ask the person who invited you to send a new one.")
    return None
