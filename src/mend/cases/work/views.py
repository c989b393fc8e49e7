"""Work on a case: the activity log, processes from the menu of services, meetings and invitations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.web import CaseRequest
from mend.cases.work import queries
from mend.cases.work.forms import (
    ActivityForm,
    CancelMeetingForm,
    MeetingForm,
    MeetingHeldForm,
    ProcessForm,
)
from mend.core import access, audit, context
from mend.core.access import decide, requires
from mend.core.models import AccessLog, Membership
from mend.core.roles import Perm
from mend.core.submissions import form_page, handle_post

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------- helpers


def _cases() -> QuerySet[m.Case]:
    return m.Case.objects.select_related("case_type")


def _meetings() -> QuerySet[m.Meeting]:
    return m.Meeting.objects.select_related("case__case_type", "process")


def _parties(case: m.Case):
    return m.Party.objects.filter(case=case).select_related("person").order_by("role", "id")


def _members(request: CaseRequest, case: m.Case):
    """Active members allocated to the case now, and the person recording."""
    allocated = m.Allocation.objects.filter(case=case, ended_on=None).values("membership")
    me = getattr(request, "membership", None)
    return (
        Membership.objects.filter(Q(pk__in=allocated) | Q(pk=me.pk if me else None))
        .filter(is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def _case_context(case: m.Case, **extra) -> dict:
    return {**tabs.tab_context(case, "case_work"), **extra}


def _cursor(activity: m.Activity) -> str:
    return f"{(activity.occurred_at - _EPOCH) // timedelta(microseconds=1)}-{activity.pk}"


def _parse_cursor(value: str) -> tuple[datetime, int] | None:
    try:
        micros, pk = value.split("-", 1)
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


def _log_notes_viewed(request: CaseRequest, activities: list[m.Activity]) -> None:
    """One access-log row per activity whose notes were shown (a single insert)."""
    ctx = context.current()
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                organisation=request.organisation,
                user=request.user,
                kind=AccessLog.Kind.VIEW,
                object_type=a._meta.label_lower,
                object_id=str(a.pk),
                object_label=str(a)[:200],
                request_id=ctx.request_id,
                ip_address=ctx.ip_address,
            )
            for a in activities
            if a.notes
        ]
    )


# ---------------------------------------------------------------- the work tab


@decide(requires(Perm.VIEW_CASES))
def case_work(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, _cases(), Perm.VIEW_CASES, pk=pk)
    can_work = access.can(request.user, Perm.WORK_CASES, case)
    parties = m.Party.objects.select_related("person")
    activities = (
        m.Activity.objects.filter(case=case)  # type: ignore[type-var]  # stubs cannot type Prefetches of different models in one call
        .select_related("belongs_to__person")
        .prefetch_related(
            Prefetch("practitioners", queryset=Membership.objects.select_related("user")),
            Prefetch("parties", queryset=parties),
        )
        .order_by("-occurred_at", "-id")
    )
    cursor = _parse_cursor(request.GET.get("before", ""))
    if cursor is not None:
        at, before_pk = cursor
        activities = activities.filter(Q(occurred_at__lt=at) | Q(occurred_at=at, pk__lt=before_pk))
    size = settings.MEND_PAGE_SIZE
    page = list(activities[: size + 1])
    older_url = None
    if len(page) > size:
        page = page[:size]
        older_url = "?" + urlencode({"before": _cursor(page[-1])})
    if can_work:
        _log_notes_viewed(request, page)
    processes = (
        m.Process.objects.filter(case=case)
        .prefetch_related(Prefetch("parties", queryset=parties))
        .order_by("started_on", "id")
    )
    meetings = (
        m.Meeting.objects.filter(case=case)
        .prefetch_related(Prefetch("attendees", queryset=parties))
        .order_by("-starts_at", "-id")
    )
    return render(
        request,
        "cases/work/case_work.html",
        _case_context(
            case,
            can_work=can_work,
            activities=page,
            older_url=older_url,
            first_page=cursor is not None,
            processes=list(processes),
            meetings=list(meetings),
        ),
    )


# ---------------------------------------------------------------- recording work


def _create(request, case, form, act, template, *, redirect_to, message, **extra) -> HttpResponse:
    """The shared create flow: one record per submission, refusals shown on the form."""
    return form_page(
        request,
        form,
        act,
        template,
        _case_context(case, form=form, **extra),
        redirect_to=redirect_to,
        message=message,
    )


@decide(requires(Perm.WORK_CASES))
def activity_create(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, _cases(), Perm.WORK_CASES, pk=pk)
    form = ActivityForm(
        request.POST or None,
        parties=_parties(case),
        members=_members(request, case),
        initial={"practitioners": [request.membership.pk]},
    )

    return _create(
        request,
        case,
        form,
        lambda data: actions.record_activity(actor=request.user, case=case, **data),
        "cases/work/activity_form.html",
        redirect_to=reverse("case_work", args=[case.pk]),
        message=_("The activity has been recorded."),
        heading=_("Record an activity"),
        submit_label=_("Save the activity"),
    )


@decide(requires(Perm.WORK_CASES))
def process_create(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, _cases(), Perm.WORK_CASES, pk=pk)
    form = ProcessForm(request.POST or None, parties=_parties(case))
    suitability = list(case.suitability.all().order_by("-at"))

    return _create(
        request,
        case,
        form,
        lambda data: actions.choose_process(actor=request.user, case=case, **data),
        "cases/work/process_form.html",
        redirect_to=reverse("case_work", args=[case.pk]),
        message=lambda process: (
            _("%(process)s has been chosen.") % {"process": process.get_kind_display()}
        ),
        heading=_("Choose a process"),
        submit_label=_("Choose this process"),
        suitability=suitability,
    )


@decide(requires(Perm.WORK_CASES))
def meeting_create(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, _cases(), Perm.WORK_CASES, pk=pk)
    form = MeetingForm(
        request.POST or None,
        parties=_parties(case),
        members=_members(request, case),
        processes=m.Process.objects.filter(case=case, ended_on=None).order_by("started_on", "id"),
        initial={"facilitators": [request.membership.pk]},
    )

    def schedule(data: dict) -> m.Meeting:
        try:
            return actions.schedule_meeting(actor=request.user, case=case, **data)
        except actions.MeetingRefused as exc:
            # Every reason is listed together at the top of the form, in the order found.
            raise ValidationError(exc.messages) from exc

    return _create(
        request,
        case,
        form,
        schedule,
        "cases/work/meeting_form.html",
        redirect_to=lambda meeting: reverse("meeting_detail", args=[meeting.pk]),
        message=_("The meeting has been scheduled."),
        heading=_("Schedule a meeting"),
        submit_label=_("Schedule the meeting"),
    )


# ---------------------------------------------------------------- a meeting


@decide(requires(Perm.VIEW_CASES))
def meeting_detail(request: CaseRequest, pk: int) -> HttpResponse:
    meeting = access.get_object_or_404(request, _meetings(), Perm.VIEW_CASES, pk=pk)
    attendees = list(meeting.attendees.select_related("person").order_by("role", "id"))
    facilitators = list(meeting.facilitators.select_related("user"))
    can_work = access.can(request.user, Perm.WORK_CASES, meeting.case)
    return render(
        request,
        "cases/work/meeting_detail.html",
        _case_context(
            meeting.case,
            meeting=meeting,
            attendees=attendees,
            facilitators=facilitators,
            can_work=can_work,
            planned=meeting.status == c.MeetingStatus.PLANNED,
            started=meeting.starts_at <= timezone.now(),
        ),
    )


def _invitation(
    request: CaseRequest, meeting: m.Meeting, filename: str, *, for_party: m.Party | None = None
) -> HttpResponse:
    """The meeting's calendar file to download (for one party, or for staff); logged."""
    audit.log_access(request.user, meeting, request.organisation, kind=AccessLog.Kind.EXPORT)
    response = HttpResponse(
        queries.meeting_invitation(meeting, for_party=for_party),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@decide(requires(Perm.VIEW_CASES))
def meeting_invite(request: CaseRequest, pk: int) -> HttpResponse:
    """The staff calendar entry (it names the case reference)."""
    meeting = access.get_object_or_404(request, _meetings(), Perm.VIEW_CASES, pk=pk)
    return _invitation(request, meeting, f"{meeting.case.reference}-meeting.ics")


@decide(requires(Perm.WORK_CASES))
def meeting_party_invite(request: CaseRequest, pk: int, party_pk: int) -> HttpResponse:
    """The invitation for one attending party: time, place and kind, naming nobody else."""
    meeting = access.get_object_or_404(request, _meetings(), Perm.WORK_CASES, pk=pk)
    party = meeting.attendees.filter(pk=party_pk).first()
    if party is None:
        raise Http404
    return _invitation(request, meeting, "invitation.ics", for_party=party)


@decide(requires(Perm.WORK_CASES))
def meeting_cancel(request: CaseRequest, pk: int) -> HttpResponse:
    meeting = access.get_object_or_404(request, _meetings(), Perm.WORK_CASES, pk=pk)
    form = CancelMeetingForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.cancel_meeting(actor=request.user, meeting=meeting, **data),
        "cases/work/meeting_cancel.html",
        _case_context(meeting.case, meeting=meeting, form=form),
        redirect_to=reverse("meeting_detail", args=[meeting.pk]),
        message=_(
            "The meeting has been cancelled. Send everyone invited the updated "
            "invitation so it leaves their calendars."
        ),
    )


@decide(requires(Perm.WORK_CASES))
def meeting_held(request: CaseRequest, pk: int) -> HttpResponse:
    meeting = access.get_object_or_404(request, _meetings(), Perm.WORK_CASES, pk=pk)
    form = MeetingHeldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.mark_meeting_held(actor=request.user, meeting=meeting),
            redirect_to=reverse("meeting_detail", args=[meeting.pk]),
            message=_("The meeting has been recorded as held."),
        )
        if response:
            return response
    return render(
        request,
        "cases/work/meeting_held.html",
        _case_context(meeting.case, meeting=meeting, errors=form.non_field_errors()),
    )
