"""Reading a case's parties: who works with whom."""

from __future__ import annotations

from mend.cases import choices as c
from mend.cases import models as m
from mend.core.models import Membership


def practitioner_working_with(case: m.Case, party: m.Party) -> Membership | None:
    """Who works with this party: the allocated practitioner who was most recently in contact
    with them; failing that a co-worker, then the lead. None if nobody is allocated."""
    current = {a.membership_id: a for a in case.allocations.filter(ended_on=None)}
    recent = (
        m.Activity.objects.filter(case=case, parties=party, practitioners__in=list(current))
        .order_by("-occurred_at", "-id")
        .prefetch_related("practitioners")
        .first()
    )
    if recent is not None:
        for membership in recent.practitioners.all():
            if membership.pk in current:
                return membership
    for role in (c.AllocationRole.CO_WORKER, c.AllocationRole.LEAD):
        for allocation in current.values():
            if allocation.role == role:
                return allocation.membership
    return None
