"""The request type casework's member views annotate with (a type only; never instantiated)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mend.core.web import MemberRequest

if TYPE_CHECKING:
    from mend.core.models import User


class CaseRequest(MemberRequest):
    """A member page's request: the access policy lets it through only signed in, with an
    active membership, so the user is a real `User` (never anonymous)."""

    user: User
