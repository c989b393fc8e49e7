"""Request type for training's member pages (a type for views to annotate with; never built)."""

from __future__ import annotations

from mend.core.models import User
from mend.core.web import MemberRequest


class TrainingRequest(MemberRequest):
    """A member page's request: the access policy admits only a signed-in member, so the user
    is a real `User` (never anonymous) and the membership and organisation are set."""

    user: User
