"""Which training rows a person may see (registered with core.access as row rules).

- VIEW_TRAINING (administrators, managers, office): the whole training business.
- DELIVER_TRAINING without VIEW_TRAINING (trainers): the sessions they are allocated to, and the
  engagements, attendees and registers of those sessions. Nothing about money.
Other training models follow the role's permission (core.access default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from mend.core import access
from mend.core.roles import Perm, role_has
from mend.core.tenancy import current_organisation
from mend.training import models as m


def _membership(user: Any) -> Any:
    organisation = current_organisation()
    if organisation is None:
        return None
    return access.memberships(user).get(organisation.pk)


def trains_only(user: Any) -> Any:
    """The membership of a trainer who sees only their own sessions, else None."""
    membership = _membership(user)
    if membership is None:
        return None
    if role_has(membership.role, Perm.VIEW_TRAINING):
        return None
    if role_has(membership.role, Perm.DELIVER_TRAINING):
        return membership
    return None


def _rule(path_to_session_ids: str | None, path_to_engagement: str | None) -> Callable:
    def rule(queryset: QuerySet, user: Any, action: str) -> QuerySet:
        membership = _membership(user)
        if membership is None:
            return queryset.none()
        if role_has(membership.role, Perm.VIEW_TRAINING) and role_has(membership.role, action):
            return queryset
        if action != Perm.DELIVER_TRAINING or not role_has(membership.role, action):
            return queryset.none()
        own_sessions = m.SessionTrainer.objects.filter(membership=membership).values("session")
        if path_to_session_ids is not None:
            return queryset.filter(**{f"{path_to_session_ids}__in": own_sessions})
        engagements = m.DeliverySession.objects.filter(pk__in=own_sessions).values("engagement")
        return queryset.filter(**{f"{path_to_engagement}__in": engagements})

    return rule


access.row_rule(m.DeliverySession)(_rule("pk", None))
access.row_rule(m.SessionTrainer)(_rule("session", None))
access.row_rule(m.Attendance)(_rule("session", None))
access.row_rule(m.Engagement)(_rule(None, "pk"))
access.row_rule(m.Attendee)(_rule(None, "engagement"))
