"""Casework pages: the case list, a case's overview, transitions, allocation and tasks (the
caseload and the Victims' Code dashboard are in dashboards.py).

Every list and detail page here runs a fixed number of queries whatever the number of cases,
parties, tasks or allocations (see tests/cases/test_casework.py).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mend.cases import actions, tabs, workflow
from mend.cases import models as m
from mend.cases.casework import clocks, queries
from mend.cases.casework.forms import (
    AllocateForm,
    CaseFilterForm,
    ConfirmForm,
    DateDoneForm,
    TransitionForm,
)
from mend.cases.web import CaseRequest
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.changes import ConflictError
from mend.core.models import Team
from mend.core.roles import Perm, Role, role_has
from mend.core.submissions import handle_button, handle_post
from mend.core.web import keyset_page, safe_next


def _role(request: CaseRequest) -> str:
    return request.membership.role


# ---------------------------------------------------------------- the case list


@decide(requires(Perm.VIEW_CASES))
def case_list(request: CaseRequest) -> HttpResponse:
    """The cases this person may see, newest referral first, 50 at a time (keyset pages)."""
    case_types = list(m.CaseType.objects.order_by("name"))
    teams = list(Team.objects.order_by("name"))
    form = CaseFilterForm(request.GET or None, case_types=case_types, teams=teams)
    cases = m.Case.objects.for_user(request.user, Perm.VIEW_CASES)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
    if filters.get("status"):
        cases = cases.filter(status=filters["status"])
    if filters.get("case_type"):
        cases = cases.filter(case_type_id=filters["case_type"])
    if filters.get("team"):
        cases = cases.filter(team_id=filters["team"])
    if filters.get("mine"):
        cases = cases.filter(pk__in=queries.allocated_to(request.membership))
    page = keyset_page(request, cases, ("-received_on", "-pk"), fetch=queries.case_page)
    return render(
        request,
        "cases/casework/case_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "today": timezone.localdate(),
            "can_create": role_has(_role(request), Perm.CREATE_CASES),
            "can_see_caseload": role_has(_role(request), Perm.VIEW_ALL_CASES),
        },
    )


# ---------------------------------------------------------------- one case


def _overview(request: CaseRequest, case: m.Case, **forms) -> HttpResponse:
    role = _role(request)
    today = timezone.localdate()
    case_clocks = [(clock, clock.state(today)) for clock in clocks.clocks_for(case)]
    may_work = role_has(role, Perm.WORK_CASES)
    if case.summary:
        audit.log_access(request.user, case, request.organisation)
    context = {
        **tabs.tab_context(case, "case_detail"),
        "allocations": case.current_allocations,  # type: ignore[attr-defined]  # a Prefetch to_attr of cases_for_overview
        "history": case.history,  # type: ignore[attr-defined]  # a Prefetch to_attr of cases_for_overview
        "open_tasks": case.open_tasks,  # type: ignore[attr-defined]  # a Prefetch to_attr of cases_for_overview
        "complexity_factors": list(case.complexity_factors.all()),
        "clocks": case_clocks,
        "transitions": [t for t in workflow.available(case) if role_has(role, t.perm)],
        "today": today,
        "may_work": may_work,
        "may_allocate": role_has(role, Perm.ALLOCATE_CASES),
        "can_view_audit": role_has(role, Perm.VIEW_AUDIT),
        "my_membership_id": request.membership.pk,
        "external_role": Role.EXTERNAL_COWORKER,
    }
    if may_work and case_clocks:
        context["information_form"] = forms.get("information_form") or DateDoneForm(
            prefix="information", label=_("Date information was offered")
        )
        context["support_form"] = forms.get("support_form") or DateDoneForm(
            prefix="support", label=_("Date of the referral to support services")
        )
    status = 400 if any(f is not None and f.errors for f in forms.values()) else 200
    return render(request, "cases/casework/case_detail.html", context, status=status)


@decide(requires(Perm.VIEW_CASES))
def case_detail(request: CaseRequest, pk: int) -> HttpResponse:
    return _overview(request, _overview_case(request, pk))


def _overview_case(request: CaseRequest, pk: int) -> m.Case:
    return access.get_object_or_404(request, queries.cases_for_overview(), Perm.VIEW_CASES, pk=pk)


CLOCK_DUTIES = {
    "information": (
        actions.record_information_offered,
        gettext_lazy("The date information was offered is recorded."),
    ),
    "support": (
        actions.record_support_referral_made,
        gettext_lazy("The date of the referral to support services is recorded."),
    ),
}


@decide(requires(Perm.WORK_CASES))
@require_POST
def case_clock_done(request: CaseRequest, pk: int, duty: str) -> HttpResponse:
    """Record the date a Victims' Code duty was met (information offered, referral to support)."""
    if duty not in CLOCK_DUTIES:
        raise Http404
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    action, done_message = CLOCK_DUTIES[duty]
    form = DateDoneForm(request.POST, prefix=duty)
    response = handle_post(
        request,
        form,
        lambda data: action(actor=request.user, case=case, **data),
        redirect_to=reverse("case_detail", args=[case.pk]),
        message=str(done_message),
    )
    if response:
        return response
    return _overview(request, _overview_case(request, pk), **{f"{duty}_form": form})


# ---------------------------------------------------------------- transitions


@decide(requires(Perm.WORK_CASES))
def case_transition(request: CaseRequest, pk: int, name: str) -> HttpResponse:
    """Confirm a named transition; a refusal lists exactly what is missing."""
    step = workflow.TRANSITIONS.get(name)
    if step is None:
        raise Http404
    # Only people whose role may make this transition reach the page (others: not found).
    case = access.get_object_or_404(request, queries.cases_with_header(), step.perm, pk=pk)
    form = TransitionForm(request.POST or None, transition=step, initial={"version": case.version})
    conflict: list[ConflictError] = []

    def act(data: dict) -> m.Case:
        try:
            return actions.transition(
                actor=request.user,
                case=case,
                name=name,
                reason=data.get("reason") or "",
                closure_reason=data.get("closure_reason") or "",
                version=data.get("version"),
            )
        except ConflictError as exc:
            conflict.append(exc)
            raise

    if request.method == "POST":
        # What the person can fix on this form points at its field; the rest is listed.
        response = handle_post(
            request,
            form,
            act,
            redirect_to=reverse("case_detail", args=[case.pk]),
            message=_("Done: %(action)s.") % {"action": str(step.label).lower()},
        )
        if response:
            return response
        if conflict:
            # Someone else changed the case: nothing was changed. Show the case as it is now
            # and let the person confirm again, keeping what they typed.
            case.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(case.version)
            form = TransitionForm(data, transition=step)
            form.is_valid()
            form.add_error(None, conflict[0].messages)
    still_missing = [] if form.is_bound else workflow.messages(workflow.blockers(case, name))
    return render(
        request,
        "cases/casework/transition.html",
        {
            "case": case,
            "step": step,
            "form": form,
            "still_missing": still_missing,
            "conflict": bool(conflict),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------- allocation


@decide(requires(Perm.ALLOCATE_CASES))
def case_allocate(request: CaseRequest, pk: int) -> HttpResponse:
    """Allocate a lead, co-workers and observers; end an allocation."""
    case = access.get_object_or_404(
        request, queries.cases_with_header(), Perm.ALLOCATE_CASES, pk=pk
    )
    memberships = queries.allocatable_memberships()
    form = AllocateForm(memberships=memberships)
    if request.method == "POST":
        if "end" in request.POST:
            try:
                allocation = m.Allocation.objects.select_related("membership__user").get(
                    case=case, pk=int(request.POST["end"])
                )
            except (m.Allocation.DoesNotExist, ValueError) as exc:
                raise Http404 from exc
            name = allocation.membership.user.full_name or allocation.membership.user
            return handle_button(
                request,
                ConfirmForm(request.POST),
                lambda data: actions.end_allocation(actor=request.user, allocation=allocation),
                redirect_to=reverse("case_allocate", args=[case.pk]),
                message=_("%(name)s is no longer allocated to this case.") % {"name": name},
            )
        form = AllocateForm(request.POST, memberships=memberships)
        response = handle_post(
            request,
            form,
            lambda data: actions.allocate(actor=request.user, case=case, **data),
            redirect_to=reverse("case_allocate", args=[case.pk]),
            message=_("Allocation saved."),
        )
        if response:
            return response
    current = queries.current_allocations(case)
    return render(
        request,
        "cases/casework/allocate.html",
        {
            "case": case,
            "form": form,
            "allocations": current,
            "external_role": Role.EXTERNAL_COWORKER,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------- tasks


@decide(requires(Perm.WORK_CASES))
@require_POST
def task_done(request: CaseRequest, pk: int) -> HttpResponse:
    task = access.get_object_or_404(request, m.Task, Perm.WORK_CASES, pk=pk)
    return handle_button(
        request,
        ConfirmForm(request.POST),
        lambda data: actions.complete_task(actor=request.user, task=task),
        redirect_to=safe_next(request) or reverse("case_detail", args=[task.case_id]),
        message=_("Task done: %(title)s.") % {"title": task.title},
    )
