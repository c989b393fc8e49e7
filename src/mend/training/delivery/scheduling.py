"""Trainer clashes: a trainer cannot be in two scheduled sessions that overlap."""

from __future__ import annotations

from datetime import datetime

from mend.training import choices as c
from mend.training import models as m


def clashing_sessions(
    membership, starts_at: datetime, ends_at: datetime, exclude_session_id: int | None = None
):
    """Scheduled sessions `membership` trains that overlap [starts_at, ends_at)."""
    found = m.DeliverySession.objects.filter(
        allocations__membership=membership,
        status=c.SessionStatus.SCHEDULED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if exclude_session_id is not None:
        found = found.exclude(pk=exclude_session_id)
    return found.select_related("engagement")
