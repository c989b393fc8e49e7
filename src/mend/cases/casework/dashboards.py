"""Casework overviews across cases: the caseload of every practitioner, and the Victims' Code
dashboard with "my cases" and "my tasks"."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mend.cases import models as m
from mend.cases.casework import clocks, queries
from mend.cases.web import CaseRequest
from mend.core.access import decide, requires
from mend.core.replicas import from_replica
from mend.core.roles import Perm, role_has

# At most this many clocks in each of the dashboard's two lists.
DASHBOARD_LIMIT = 200


@decide(requires(Perm.VIEW_ALL_CASES))
@from_replica
def caseload(request: CaseRequest) -> HttpResponse:
    """Each practitioner's open cases by status and their overdue tasks (three queries)."""
    people = queries.caseload(timezone.localdate())
    return render(request, "cases/casework/caseload.html", {"people": people})


@decide(requires(Perm.VIEW_CASES))
@from_replica
def dashboard(request: CaseRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = m.Case.objects.for_user(request.user, Perm.VIEW_CASES)
    due = queries.clocks_due(visible, today)
    limit = settings.MEND_PAGE_SIZE
    return render(
        request,
        "cases/casework/dashboard.html",
        {
            "overdue": [d for d in due if d["state"] == "overdue"][:DASHBOARD_LIMIT],
            "due": [d for d in due if d["state"] != "overdue"][:DASHBOARD_LIMIT],
            # One more than shown, to say when there are more.
            "my_tasks": queries.open_tasks_of(request.membership, visible, limit + 1),
            "my_cases": queries.open_cases_of(request.membership, visible, limit + 1),
            "shown": limit,
            "today": today,
            "may_work": role_has(request.membership.role, Perm.WORK_CASES),
            "information_days": clocks.INFORMATION_DAYS,
            "information_days_enhanced": clocks.INFORMATION_DAYS_ENHANCED,
            "support_days": clocks.SUPPORT_REFERRAL_DAYS,
        },
    )
