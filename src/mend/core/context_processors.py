from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from mend.core import access
from mend.core.roles import Perm, role_has


def mend(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)
    mine = access.memberships(user) if user is not None else {}
    role = membership.role if membership else None

    return {
        "current_membership": membership,
        "current_organisation": getattr(request, "organisation", None),
        "my_memberships": sorted(mine.values(), key=lambda m: m.organisation.name.lower()),
        "can_manage_members": bool(role and role_has(role, Perm.MANAGE_MEMBERS)),
        "can_manage_teams": bool(role and role_has(role, Perm.MANAGE_TEAMS)),
        "can_view_members": bool(role and role_has(role, Perm.VIEW_MEMBERS)),
        "current_language": get_language(),
        "languages": settings.LANGUAGES,
    }
