"""Casework pages: the case list, a case's overview, transitions, allocation, caseload and the
Victims' Code dashboard with "my cases".

Every list and detail page here runs a fixed number of queries whatever the number of cases,
parties, tasks or allocations (see tests/cases/test_casework.py).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mend.cases import actions, tabs, workflow
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.casework import clocks
from mend.cases.casework.forms import AllocateForm, CaseFilterForm, DateDoneForm, TransitionForm
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.forms import add_action_errors
from mend.core.models import Membership, Team
from mend.core.roles import Perm, Role, role_has
from mend.core.submissions import already_done, handle_post, remember
from mend.core.web import safe_next

PAGE_SIZE = 50
DASHBOARD_LIMIT = 200


def _role(request: HttpRequest) -> str:
    return request.membership.role


def _annotated_cases(queryset):
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


# ---------------------------------------------------------------- the case list


def _parse_cursor(value: str) -> tuple[date, int] | None:
    try:
        day, pk = value.split("_", 1)
        return date.fromisoformat(day), int(pk)
    except ValueError:
        return None


@decide(requires(Perm.VIEW_CASES))
def case_list(request: HttpRequest) -> HttpResponse:
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
        cases = cases.filter(
            pk__in=m.Allocation.objects.filter(membership=request.membership, ended_on=None).values(
                "case"
            )
        )
    cursor = _parse_cursor(request.GET.get("after", ""))
    if cursor:
        day, pk = cursor
        cases = cases.filter(Q(received_on__lt=day) | Q(received_on=day, pk__lt=pk))
    rows = list(_annotated_cases(cases).order_by("-received_on", "-id")[: PAGE_SIZE + 1])
    next_url = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        query = request.GET.copy()
        query["after"] = f"{rows[-1].received_on.isoformat()}_{rows[-1].pk}"
        next_url = f"{request.path}?{query.urlencode()}"
    first_url = ""
    if cursor:
        query = request.GET.copy()
        query.pop("after", None)
        first_url = f"{request.path}?{query.urlencode()}" if query else request.path
    return render(
        request,
        "cases/casework/case_list.html",
        {
            "form": form,
            "cases": rows,
            "next_url": next_url,
            "first_url": first_url,
            "filtered": bool(filters),
            "today": timezone.localdate(),
            "can_create": role_has(_role(request), Perm.CREATE_CASES),
            "can_see_caseload": role_has(_role(request), Perm.VIEW_ALL_CASES),
        },
    )


# ---------------------------------------------------------------- one case


def _case(request: HttpRequest, perm: str, pk: int) -> m.Case:
    """The case if this person may `perm` it (404 otherwise), with what its header shows."""
    try:
        return (
            m.Case.objects.for_user(request.user, perm)
            .select_related("case_type", "team")
            .get(pk=pk)
        )
    except (m.Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _case_for_overview(request: HttpRequest, pk: int) -> m.Case:
    queryset = (
        m.Case.objects.for_user(request.user, Perm.VIEW_CASES)
        .select_related("case_type", "team")
        .prefetch_related(
            "complexity_factors",
            Prefetch(
                "allocations",
                queryset=m.Allocation.objects.filter(ended_on=None).select_related(
                    "membership__user"
                ),
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
    )
    try:
        return queryset.get(pk=pk)
    except (m.Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _overview(request: HttpRequest, case: m.Case, **forms) -> HttpResponse:
    role = _role(request)
    today = timezone.localdate()
    case_clocks = [(clock, clock.state(today)) for clock in clocks.clocks_for(case)]
    may_work = role_has(role, Perm.WORK_CASES)
    if case.summary:
        audit.log_access(request.user, case, request.organisation)
    context = {
        **tabs.tab_context(case, "case_detail"),
        "allocations": case.current_allocations,
        "history": case.history,
        "open_tasks": case.open_tasks,
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
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _overview(request, _case_for_overview(request, pk))


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
def case_clock_done(request: HttpRequest, pk: int, duty: str) -> HttpResponse:
    """Record the date a Victims' Code duty was met (information offered, referral to support)."""
    if duty not in CLOCK_DUTIES:
        raise Http404
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    action, done_message = CLOCK_DUTIES[duty]
    form = DateDoneForm(request.POST, prefix=duty)
    if form.is_valid():
        try:
            action(actor=request.user, case=case, on=form.cleaned_data["on"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, str(done_message))
            return redirect("case_detail", pk=case.pk)
    return _overview(request, _case_for_overview(request, pk), **{f"{duty}_form": form})


# ---------------------------------------------------------------- transitions


@decide(requires(Perm.WORK_CASES))
def case_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Confirm a named transition; a refusal lists exactly what is missing."""
    step = workflow.TRANSITIONS.get(name)
    if step is None:
        raise Http404
    # Only people whose role may make this transition reach the page (others: not found).
    case = _case(request, step.perm, pk)
    form = TransitionForm(request.POST or None, transition=step, initial={"version": case.version})
    conflict = False
    if request.method == "POST":
        done = already_done(request, request.POST.get("submission_id"))
        if done:
            return redirect(done)
        if form.is_valid():
            try:
                actions.transition(
                    actor=request.user,
                    case=case,
                    name=name,
                    reason=form.cleaned_data.get("reason") or "",
                    closure_reason=form.cleaned_data.get("closure_reason") or "",
                    version=form.cleaned_data.get("version"),
                )
            except actions.TransitionRefused as exc:
                # What the person can fix on this form points at its field; the rest is listed.
                add_action_errors(form, exc)
            except PermissionDenied:
                raise
            except ValidationError as exc:
                # Someone else changed the case: nothing was changed. Show the case as it is now
                # and let the person confirm again, keeping what they typed.
                conflict = True
                case.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(case.version)
                form = TransitionForm(data, transition=step)
                form.is_valid()
                form.add_error(None, exc.messages)
            else:
                target = reverse("case_detail", args=[case.pk])
                remember(request, form.cleaned_data.get("submission_id"), target)
                messages.success(
                    request,
                    _("Done: %(action)s.") % {"action": str(step.label).lower()},
                )
                return redirect(target)
    still_missing = [] if form.is_bound else workflow.messages(workflow.blockers(case, name))
    return render(
        request,
        "cases/casework/transition.html",
        {
            "case": case,
            "step": step,
            "form": form,
            "still_missing": still_missing,
            "conflict": conflict,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------- allocation


def _allocatable_memberships():
    """Active members who can work on a case (external co-workers included)."""
    roles = [r for r in Role if role_has(r, Perm.WORK_CASES)]
    return (
        Membership.objects.filter(is_active=True, role__in=roles)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@decide(requires(Perm.ALLOCATE_CASES))
def case_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    """Allocate a lead, co-workers and observers; end an allocation."""
    case = _case(request, Perm.ALLOCATE_CASES, pk)
    memberships = _allocatable_memberships()
    form = AllocateForm(memberships=memberships)
    if request.method == "POST":
        if "end" in request.POST:
            try:
                allocation = m.Allocation.objects.select_related("membership__user").get(
                    case=case, pk=int(request.POST["end"])
                )
            except (m.Allocation.DoesNotExist, ValueError) as exc:
                raise Http404 from exc
            try:
                actions.end_allocation(actor=request.user, allocation=allocation)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("%(name)s is no longer allocated to this case.")
                    % {"name": allocation.membership.user.full_name or allocation.membership.user},
                )
            return redirect("case_allocate", pk=case.pk)
        form = AllocateForm(request.POST, memberships=memberships)
        response = handle_post(
            request,
            form,
            lambda data: actions.allocate(
                actor=request.user,
                case=case,
                membership=data["membership"],
                role=data["role"],
            ),
            redirect_to=reverse("case_allocate", args=[case.pk]),
            message=_("Allocation saved."),
        )
        if response:
            return response
    current = list(
        m.Allocation.objects.filter(case=case, ended_on=None).select_related("membership__user")
    )
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
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_object_or_404(request, m.Task, Perm.WORK_CASES, pk=pk)
    try:
        actions.complete_task(actor=request.user, task=task)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Task done: %(title)s.") % {"title": task.title})
    return redirect(safe_next(request) or reverse("case_detail", args=[task.case_id]))


# ---------------------------------------------------------------- caseload


CASELOAD_ROLES = (
    Role.ADMINISTRATOR,
    Role.MANAGER,
    Role.ADVANCED_PRACTITIONER,
    Role.PRACTITIONER,
    Role.VOLUNTEER,
    Role.EXTERNAL_COWORKER,
)


@decide(requires(Perm.VIEW_ALL_CASES))
def caseload(request: HttpRequest) -> HttpResponse:
    """Each practitioner's open cases by status and their overdue tasks (three queries)."""
    today = timezone.localdate()
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
    return render(request, "cases/casework/caseload.html", {"people": people})


# ---------------------------------------------------------------- Victims' Code and my cases


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


def clocks_due(cases, today: date) -> list[dict]:
    """Every Victims' Code clock not yet met on these cases, soonest first (one query)."""
    rows = (
        cases.filter(status__in=list(c.OPEN_STATUSES), reported_on__isnull=False)
        .exclude(justice_stage=c.JusticeStage.NONE)
        .filter(Q(information_offered_on=None) | Q(support_referred_on=None))
        .only(*CLOCK_FIELDS)
    )
    due = []
    for case in rows:
        for clock in clocks.clocks_for(case):
            if clock.done_on is None:
                due.append({"case": case, "clock": clock, "state": clock.state(today)})
    due.sort(key=lambda d: (d["clock"].due_on, d["case"].reference))
    return due


@decide(requires(Perm.VIEW_CASES))
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    visible = m.Case.objects.for_user(request.user, Perm.VIEW_CASES)
    due = clocks_due(visible, today)
    my_tasks = list(
        m.Task.objects.filter(
            assignee=request.membership,
            done_on=None,
            case__in=visible.filter(status__in=list(c.OPEN_STATUSES)),
        )
        .select_related("case")
        .order_by("due_on", "id")[:PAGE_SIZE]
    )
    my_cases = list(
        _annotated_cases(
            visible.filter(
                status__in=list(c.OPEN_STATUSES),
                pk__in=m.Allocation.objects.filter(
                    membership=request.membership, ended_on=None
                ).values("case"),
            )
        ).order_by("-received_on", "-id")[:PAGE_SIZE]
    )
    return render(
        request,
        "cases/casework/dashboard.html",
        {
            "overdue": [d for d in due if d["state"] == "overdue"][:DASHBOARD_LIMIT],
            "due": [d for d in due if d["state"] != "overdue"][:DASHBOARD_LIMIT],
            "my_tasks": my_tasks,
            "my_cases": my_cases,
            "today": today,
            "may_work": role_has(_role(request), Perm.WORK_CASES),
            "information_days": clocks.INFORMATION_DAYS,
            "information_days_enhanced": clocks.INFORMATION_DAYS_ENHANCED,
            "support_days": clocks.SUPPORT_REFERRAL_DAYS,
        },
    )
