"""What every page needs to know about casework: whether to show "Cases" and the search box, and
(only when a template asks for it, as the home page does) the person's tasks due soonest."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from mend.core.roles import Perm, role_has

HOME_TASKS = 5


def casework(request):
    membership = getattr(request, "membership", None)
    can_view = bool(membership and role_has(membership.role, Perm.VIEW_CASES))

    def my_tasks_due():
        # Called by a template only when it shows the tasks: no query on other pages.
        if not can_view:
            return []
        from mend.cases import models as m
        from mend.cases.casework.queries import open_tasks_of

        visible = m.Case.objects.for_user(request.user, Perm.VIEW_CASES)
        today = timezone.localdate()
        tasks = open_tasks_of(membership, visible, HOME_TASKS)
        for task in tasks:
            task.is_overdue = task.due_on < today
        return tasks

    role = membership.role if membership else None
    return {
        "can_view_cases": can_view,
        # Partner referrers follow their own referrals; staff who enter referrals do not.
        "can_refer": bool(
            role and role_has(role, Perm.REFER) and not role_has(role, Perm.CREATE_CASES)
        ),
        "can_create_cases": bool(role and role_has(role, Perm.CREATE_CASES)),
        # The header's search box: staff find people and cases, referrers their referrals.
        "can_search_cases": bool(
            role and (role_has(role, Perm.VIEW_CASES) or role_has(role, Perm.REFER))
        ),
        "can_decide_referrals": bool(role and role_has(role, Perm.ALLOCATE_CASES)),
        "can_configure_casework": bool(role and role_has(role, Perm.CONFIGURE_CASEWORK)),
        "in_cases_section": request.path.startswith(reverse("case_list")) if can_view else False,
        "my_tasks_due": my_tasks_due,
    }
