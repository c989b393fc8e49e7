"""Reading a case's parties: their pages' rows, their consents, who works with whom."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from mend.cases import choices as c
from mend.cases import models as m
from mend.core.models import Membership


def cases() -> QuerySet[m.Case]:
    """Cases with what the People pages' header shows."""
    return m.Case.objects.select_related("case_type")


def consents_prefetch() -> Prefetch:
    """A party's consents, newest first within each scope, with who recorded them."""
    return Prefetch(
        "consents",
        queryset=m.Consent.objects.select_related("recorded_by", "withdrawn_recorded_by").order_by(
            "scope", "-given_on", "-id"
        ),
    )


def party_pages() -> QuerySet[m.Party]:
    """Parties with everything their own page shows."""
    return m.Party.objects.select_related(
        "person", "case__case_type", "supports__person"
    ).prefetch_related(
        consents_prefetch(),
        Prefetch("supporters", queryset=m.Party.objects.select_related("person")),
    )


def consent_pages() -> QuerySet[m.Consent]:
    """Consents with their party and case, as the withdrawal page shows them."""
    return m.Consent.objects.select_related("party__person", "party__case__case_type")


def planned_meetings_with(case: m.Case, party: m.Party) -> QuerySet[m.Meeting]:
    """The party's planned meetings still to come: those that withdrawing consent cancels."""
    return m.Meeting.objects.filter(
        case=case, attendees=party, status=c.MeetingStatus.PLANNED, starts_at__gte=timezone.now()
    )


def consent_rows(party: m.Party) -> list[dict[str, Any]]:
    """For each consent scope: given and current, withdrawn, or never given."""
    rows = []
    for scope in c.ConsentScope:
        history = [k for k in party.consents.all() if k.scope == scope]
        current = next((k for k in history if k.withdrawn_on is None), None)
        rows.append(
            {
                "scope": scope,
                "label": scope.label,
                "current": current,
                "withdrawn": None if current else next(iter(history), None),
            }
        )
    return rows


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
