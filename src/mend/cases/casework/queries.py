"""Reading casework: annotated case lists, a case's overview, who may be allocated, the caseload
counts and the Victims' Code clocks due. Each runs a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.casework import clocks
from mend.core.fields import encrypted_fields
from mend.core.models import Membership
from mend.core.roles import Perm, Role, role_has

# The roles whose members appear on the caseload page (with or without open cases).
CASELOAD_ROLES = (
    Role.ADMINISTRATOR,
    Role.MANAGER,
    Role.ADVANCED_PRACTITIONER,
    Role.PRACTITIONER,
    Role.VOLUNTEER,
    Role.EXTERNAL_COWORKER,
)

CLOCK_FIELDS = (
    "pk",
    "organisation_id",
    "reference",
    "status",
    "reported_on",
    "justice_stage",
    "enhanced_rights",
    "information_offered_on",
    "support_referred_on",
    "bank_holiday_region",
)


def annotated_cases(queryset: QuerySet[m.Case]) -> QuerySet[m.Case]:
    """Cases with their lead practitioner's name and their next open task's due date."""
    lead = m.Allocation.objects.filter(
        case=OuterRef("pk"), role=c.AllocationRole.LEAD, ended_on=None
    )
    next_task = m.Task.objects.filter(case=OuterRef("pk"), done_on=None).order_by("due_on")
    return queryset.select_related("case_type", "team").annotate(
        lead_name=Subquery(lead.values("membership__user__full_name")[:1]),
        lead_email=Subquery(lead.values("membership__user__email")[:1]),
        next_due=Subquery(next_task.values("due_on")[:1]),
    )


def case_page(cases: QuerySet[m.Case], limit: int) -> list[m.Case]:
    """The newest `limit` of `cases`, annotated as `annotated_cases`, in two queries: first the
    page's ids alone (a narrow sort that the access rule's indexes feed), then only those rows
    with their joins and subqueries, so the cost is the page's, not every visible case's. A list
    shows no narrative, so the encrypted columns are neither read nor decrypted."""
    ids = list(cases.order_by("-received_on", "-id").values_list("pk", flat=True)[:limit])
    secret = [field.name for field in encrypted_fields(m.Case)]
    page = annotated_cases(m.Case.objects.filter(pk__in=ids).defer(*secret))
    return list(page.order_by("-received_on", "-id"))


def allocated_to(membership: Membership) -> QuerySet:
    """The ids of the cases this member is allocated to now."""
    return m.Allocation.objects.filter(membership=membership, ended_on=None).values("case")


def cases_with_header() -> QuerySet[m.Case]:
    """Cases with what their header shows."""
    return m.Case.objects.select_related("case_type", "team")


def cases_for_overview() -> QuerySet[m.Case]:
    """Cases with everything their overview page shows, prefetched."""
    return cases_with_header().prefetch_related(  # type: ignore[type-var]  # stubs cannot type Prefetches of different models in one call
        "complexity_factors",
        Prefetch(
            "allocations",
            queryset=m.Allocation.objects.filter(ended_on=None).select_related("membership__user"),
            to_attr="current_allocations",
        ),
        Prefetch(
            "status_changes",
            queryset=m.StatusChange.objects.select_related("by").order_by("at", "id"),
            to_attr="history",
        ),
        Prefetch(
            "tasks",
            queryset=m.Task.objects.filter(done_on=None)
            .select_related("assignee__user")
            .order_by("due_on", "id"),
            to_attr="open_tasks",
        ),
    )


def allocatable_memberships() -> QuerySet[Membership]:
    """Active members who can work on a case (external co-workers included)."""
    roles = [r for r in Role if role_has(r, Perm.WORK_CASES)]
    return (
        Membership.objects.filter(is_active=True, role__in=roles)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def current_allocations(case: m.Case) -> list[m.Allocation]:
    return list(
        m.Allocation.objects.filter(case=case, ended_on=None).select_related("membership__user")
    )


def caseload(today: date) -> list[dict[str, Any]]:
    """Each practitioner's open cases by status and their overdue tasks (three queries)."""
    open_statuses = list(c.OPEN_STATUSES)
    by_status: dict[int, dict[str, int]] = {}
    for row in (
        m.Allocation.objects.filter(ended_on=None, case__status__in=open_statuses)
        .values("membership_id", "case__status")
        .annotate(n=Count("case_id", distinct=True))
    ):
        by_status.setdefault(row["membership_id"], {})[row["case__status"]] = row["n"]
    leading = dict(
        m.Allocation.objects.filter(
            ended_on=None, role=c.AllocationRole.LEAD, case__status__in=open_statuses
        )
        .values("membership_id")
        .annotate(n=Count("id"))
        .values_list("membership_id", "n")
    )
    overdue = dict(
        m.Task.objects.filter(
            done_on=None, due_on__lt=today, case__status__in=open_statuses, assignee__isnull=False
        )
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    people = []
    for membership in (
        Membership.objects.filter(Q(is_active=True, role__in=CASELOAD_ROLES) | Q(pk__in=by_status))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ):
        counts = by_status.get(membership.pk, {})
        people.append(
            {
                "membership": membership,
                "total": sum(counts.values()),
                "leading": leading.get(membership.pk, 0),
                "statuses": [(c.Status(s).label, counts[s]) for s in open_statuses if s in counts],
                "overdue": overdue.get(membership.pk, 0),
            }
        )
    people.sort(key=lambda p: (-p["total"], -p["overdue"]))
    return people


def clocks_due(cases: QuerySet[m.Case], today: date) -> list[dict[str, Any]]:
    """Every Victims' Code clock not yet met on these cases, soonest first (one query)."""
    rows = (
        cases.filter(status__in=list(c.OPEN_STATUSES), reported_on__isnull=False)
        .exclude(justice_stage=c.JusticeStage.NONE)
        .filter(Q(information_offered_on=None) | Q(support_referred_on=None))
        .only(*CLOCK_FIELDS)
    )
    due: list[dict[str, Any]] = []
    for case in rows:
        for clock in clocks.clocks_for(case):
            if clock.done_on is None:
                due.append({"case": case, "clock": clock, "state": clock.state(today)})
    due.sort(key=lambda d: (d["clock"].due_on, d["case"].reference))
    return due


def open_tasks_of(membership: Membership, visible: QuerySet[m.Case], limit: int) -> list[m.Task]:
    """This member's open tasks on open cases they may see, soonest first."""
    return list(
        m.Task.objects.filter(
            assignee=membership,
            done_on=None,
            case__in=visible.filter(status__in=list(c.OPEN_STATUSES)),
        )
        .select_related("case")
        .order_by("due_on", "id")[:limit]
    )


def open_cases_of(membership: Membership, visible: QuerySet[m.Case], limit: int) -> list[m.Case]:
    """The open cases this member is allocated to, newest referral first."""
    return list(
        annotated_cases(
            visible.filter(status__in=list(c.OPEN_STATUSES), pk__in=allocated_to(membership))
        ).order_by("-received_on", "-id")[:limit]
    )
