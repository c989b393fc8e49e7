"""Delivery panel of the engagement page (sessions, trainers, attendees, register).

A fixed number of queries whatever the engagement's size: the sessions with their trainers (two
queries) and the attendee and certificate counts (one)."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from mend.core import access
from mend.core.roles import Perm
from mend.training import choices as c
from mend.training import models as m


def delivery_panel(request, engagement) -> dict:
    user = request.user
    sees_all = access.has_perm(user, Perm.VIEW_TRAINING)
    sessions = m.DeliverySession.objects.filter(engagement=engagement)
    if not sees_all:
        # A trainer: only the sessions they deliver.
        sessions = m.DeliverySession.objects.for_user(user, Perm.DELIVER_TRAINING).filter(
            engagement=engagement
        )
    sessions = list(
        sessions.prefetch_related(
            Prefetch(
                "allocations",
                queryset=m.SessionTrainer.objects.select_related("membership__user").order_by(
                    "-is_lead", "membership__user__full_name", "pk"
                ),
            )
        ).order_by("starts_at", "pk")
    )
    counts = m.Attendee.objects.filter(engagement=engagement).aggregate(
        attendees=Count("pk", distinct=True),
        certificates=Count("certificate", distinct=True),
    )
    can_manage = access.has_perm(user, Perm.MANAGE_TRAINING)
    open_engagement = engagement.status != c.EngagementStatus.CANCELLED
    return {
        "delivery_sessions": sessions,
        "delivery_attendee_count": counts["attendees"],
        "delivery_certificate_count": counts["certificates"],
        "delivery_can_manage": can_manage,
        "delivery_can_add_session": can_manage and open_engagement,
        "delivery_can_see_results": access.has_perm(user, Perm.VIEW_TRAINING_DASHBOARD),
        "delivery_open": open_engagement,
    }
