"""Delivery: sessions (add, edit, postpone, delivered), trainers and their levels, allocation,
the client's attendee list, registers, certificates (with the public check), and the
confidence surveys (a public one-time page) with their results per course and per trainer."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.core import access
from mend.core.access import PUBLIC, decide, requires
from mend.core.forms import add_action_errors
from mend.core.models import Membership
from mend.core.roles import Perm, Role
from mend.core.submissions import already_done, handle_post, remember
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.delivery import evaluation
from mend.training.delivery.certificates import certificate_pdf, normalise_code
from mend.training.delivery.forms import (
    AllocateForm,
    AttendeeForm,
    AttendeeListForm,
    CertificateCheckForm,
    ConfirmForm,
    EvaluationForm,
    NewTrainerForm,
    PostponeForm,
    RegisterForm,
    SendEvaluationsForm,
    SessionEditForm,
    SessionNewForm,
    TrainerLevelForm,
)

RECENT_SESSIONS = 20
UPCOMING_SESSIONS = 50


def _engagement(request, pk: int, perm: str) -> m.Engagement:
    found = access.get_object_or_404(request, m.Engagement, perm, pk=pk)
    return m.Engagement.objects.select_related("client", "course", "contact").get(pk=found.pk)


def _session(request, pk: int, perm: str) -> m.DeliverySession:
    found = access.get_object_or_404(request, m.DeliverySession, perm, pk=pk)
    return m.DeliverySession.objects.select_related("engagement__client", "engagement__course").get(
        pk=found.pk
    )


def _engagement_url(engagement: m.Engagement) -> str:
    return reverse("training_engagement", args=[engagement.pk])


def _session_url(session: m.DeliverySession) -> str:
    return reverse("training_session", args=[session.pk])


def _messages_from(request, exc: ValidationError) -> None:
    for reason in exc.messages:
        messages.error(request, reason)


# ---------------------------------------------------------------- sessions


def _session_values(data: dict) -> dict:
    online = data["where"] == "online"
    return {
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "venue": data["venue"],
        "is_online": online,
        "materials": data["materials"],
    }


@decide(requires(Perm.MANAGE_TRAINING))
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk, Perm.MANAGE_TRAINING)
    form = SessionNewForm(request.POST or None)
    if request.method == "POST":

        def add(data):
            try:
                return actions.add_session(
                    actor=request.user,
                    engagement=engagement,
                    value=data["value"],
                    **_session_values(data),
                )
            except ValidationError as exc:
                raise _field_names(exc) from exc

        response = handle_post(
            request, form, add, redirect_to=_session_url, message=_("Session added.")
        )
        if response:
            return response
    return render(
        request,
        "training/delivery/session_form.html",
        {"form": form, "engagement": engagement, "session": None},
    )


def _field_names(exc: ValidationError) -> ValidationError:
    """The actions name `starts_at` and `ends_at`; the form asks for a day and two times."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {"starts_at": "starts", "ends_at": "ends"}
    return ValidationError(
        {renamed.get(field, field): errors for field, errors in exc.error_dict.items()}
    )


@decide(requires(Perm.MANAGE_TRAINING))
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Perm.MANAGE_TRAINING)
    starts = timezone.localtime(session.starts_at)
    form = SessionEditForm(
        request.POST or None,
        initial={
            "day": starts.date(),
            "starts": starts.time(),
            "ends": timezone.localtime(session.ends_at).time(),
            "where": "online" if session.is_online else "in_person",
            "venue": session.venue,
            "value": session.value,
            "materials": session.materials,
            "version": session.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = _session_values(data)
        if data["value"] is not None:
            values["value"] = data["value"]
        try:
            actions.update_session(
                actor=request.user, session=session, version=data.get("version"), **values
            )
        except ValidationError as exc:
            add_action_errors(form, _field_names(exc))
        else:
            messages.success(request, _("Session updated."))
            return redirect(_session_url(session))
    return render(
        request,
        "training/delivery/session_form.html",
        {"form": form, "engagement": session.engagement, "session": session},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def session_postpone(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Perm.MANAGE_TRAINING)
    problem = actions.postponement_problem(session)
    form = PostponeForm(request.POST or None)
    if request.method == "POST" and problem is None and form.is_valid():
        data = form.cleaned_data
        try:
            actions.postpone_session(
                actor=request.user,
                session=session,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_action_errors(form, _field_names(exc))
        else:
            messages.success(request, _("Session postponed. No fee applies."))
            return redirect(_session_url(session))
    return render(
        request,
        "training/delivery/postpone.html",
        {"form": form, "session": session, "engagement": session.engagement, "problem": problem},
    )


def _candidates():
    """Members who may appear in the trainer list: trainers, and anyone with a level."""
    members = list(
        Membership.objects.filter(is_active=True)
        .filter(Q(role=Role.TRAINER) | Q(trainer_profile__isnull=False))
        .select_related("user", "trainer_profile")
        .order_by("user__full_name", "user__email")
    )
    for member in members:
        profile = getattr(member, "trainer_profile", None)
        level = profile.get_level_display() if profile else _("no level recorded")
        member.choice_label = f"{member.user} ({level})"
    return members


def _session_page(request, session: m.DeliverySession, allocate_form=None, status=200):
    engagement = session.engagement
    allocations = list(
        session.allocations.select_related(
            "membership__user", "membership__trainer_profile"
        ).order_by("-is_lead", "membership__user__full_name")
    )
    attendees = list(m.Attendee.objects.filter(engagement=engagement).order_by("name", "pk"))
    marks = dict(m.Attendance.objects.filter(session=session).values_list("attendee_id", "present"))
    for attendee in attendees:
        attendee.present = marks.get(attendee.pk)
    can_manage = access.has_perm(request.user, Perm.MANAGE_TRAINING)
    sees_all = access.has_perm(request.user, Perm.VIEW_TRAINING)
    if can_manage and allocate_form is None and session.status == c.SessionStatus.SCHEDULED:
        allocate_form = AllocateForm(members=_candidates())
    today = timezone.localdate()
    return render(
        request,
        "training/delivery/session.html",
        {
            "session": session,
            "engagement": engagement,
            "allocations": allocations,
            "attendees": attendees,
            "present_count": sum(1 for a in attendees if a.present),
            "register_taken": bool(marks),
            "register_open": actions.register_open(session),
            "can_mark_delivered": session.status == c.SessionStatus.SCHEDULED
            and session.delivery_date <= today,
            "can_manage": can_manage,
            "sees_all": sees_all,
            "allocate_form": allocate_form,
            "delivered_form": ConfirmForm(),
        },
        status=status,
    )


@decide(requires(Perm.DELIVER_TRAINING))
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Perm.DELIVER_TRAINING)
    return _session_page(request, session)


@require_POST
@decide(requires(Perm.DELIVER_TRAINING))
def session_delivered(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Perm.DELIVER_TRAINING)
    try:
        actions.mark_session_delivered(actor=request.user, session=session)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Session marked as delivered."))
    return redirect(_session_url(session))


@require_POST
@decide(requires(Perm.MANAGE_TRAINING))
def session_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Perm.MANAGE_TRAINING)
    members = _candidates()
    form = AllocateForm(request.POST, members=members)
    if form.is_valid():
        chosen = next(mb for mb in members if str(mb.pk) == form.cleaned_data["membership"])
        try:
            actions.allocate_trainer(
                actor=request.user,
                session=session,
                membership=chosen,
                is_lead=form.cleaned_data["role"] == "lead",
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is allocated to this session.") % {"name": chosen.user},
            )
            return redirect(_session_url(session))
    return _session_page(request, session, allocate_form=form)


@require_POST
@decide(requires(Perm.MANAGE_TRAINING))
def session_trainer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = access.get_object_or_404(request, m.SessionTrainer, Perm.MANAGE_TRAINING, pk=pk)
    allocation = m.SessionTrainer.objects.select_related("session", "membership__user").get(
        pk=allocation.pk
    )
    try:
        actions.remove_trainer(actor=request.user, allocation=allocation)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(
            request,
            _("%(name)s is no longer allocated to this session.")
            % {"name": allocation.membership.user},
        )
    return redirect(_session_url(allocation.session))


@decide(requires(Perm.DELIVER_TRAINING))
def session_register(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Perm.DELIVER_TRAINING)
    attendees = list(
        m.Attendee.objects.filter(engagement_id=session.engagement_id).order_by("name", "pk")
    )
    marked = m.Attendance.objects.filter(session=session, present=True)
    form = RegisterForm(
        request.POST or None,
        attendees=attendees,
        initial={"present": [str(pk) for pk in marked.values_list("attendee_id", flat=True)]},
    )
    is_open = actions.register_open(session)
    if request.method == "POST" and is_open and form.is_valid():
        try:
            actions.record_attendance(
                actor=request.user, session=session, present_ids=form.cleaned_data["present"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Register saved."))
            return redirect(_session_url(session))
    return render(
        request,
        "training/delivery/register.html",
        {
            "form": form,
            "session": session,
            "engagement": session.engagement,
            "attendees": attendees,
            "is_open": is_open,
        },
    )


# ---------------------------------------------------------------- trainers


@decide(requires(Perm.CONFIGURE_TRAINING))
def trainers(request: HttpRequest) -> HttpResponse:
    listed = _candidates()
    others = list(
        Membership.objects.filter(is_active=True, trainer_profile__isnull=True)
        .exclude(role__in=[Role.TRAINER, Role.EVALUATOR, Role.PARTNER_REFERRER])
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    form = NewTrainerForm(request.POST or None, members=others)
    if request.method == "POST" and form.is_valid():
        chosen = next(mb for mb in others if str(mb.pk) == form.cleaned_data["membership"])
        try:
            actions.set_trainer_level(
                actor=request.user, membership=chosen, level=form.cleaned_data["level"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("%(name)s's trainer level saved.") % {"name": chosen.user})
            return redirect("training_trainers")
    return render(
        request,
        "training/delivery/trainers.html",
        {
            "trainers": listed,
            "form": form,
            "has_others": bool(others),
            "can_see_results": access.has_perm(request.user, Perm.VIEW_TRAINING_DASHBOARD),
        },
    )


@decide(requires(Perm.CONFIGURE_TRAINING))
def trainer_level(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(request, Membership, Perm.CONFIGURE_TRAINING, pk=pk)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    profile = m.TrainerProfile.objects.filter(membership=membership).first()
    form = TrainerLevelForm(
        request.POST or None,
        initial={
            "level": profile.level if profile else "",
            "notes": profile.notes if profile else "",
            "version": profile.version if profile else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_trainer_level(
                actor=request.user,
                membership=membership,
                level=data["level"],
                notes=data["notes"],
                version=data.get("version"),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s's trainer level saved.") % {"name": membership.user}
            )
            return redirect("training_trainers")
    return render(
        request, "training/delivery/trainer_level.html", {"form": form, "member": membership}
    )


@decide(requires(Perm.DELIVER_TRAINING))
def my_sessions(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    mine = (
        m.DeliverySession.objects.for_user(request.user, Perm.DELIVER_TRAINING)
        .filter(allocations__membership=membership)
        .exclude(status=c.SessionStatus.CANCELLED)
        .select_related("engagement__client", "engagement__course")
    )
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    upcoming = list(
        mine.filter(starts_at__gte=start_of_today).order_by("starts_at", "pk")[:UPCOMING_SESSIONS]
    )
    recent = list(
        mine.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-pk")[:RECENT_SESSIONS]
    )
    return render(
        request,
        "training/delivery/my_sessions.html",
        {"upcoming": upcoming, "recent": recent, "recent_limit": RECENT_SESSIONS},
    )


# ---------------------------------------------------------------- attendees


@decide(requires(Perm.MANAGE_TRAINING))
def attendees(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk, Perm.MANAGE_TRAINING)
    form = AttendeeForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.add_attendee(
                actor=request.user,
                engagement=engagement,
                name=data["name"],
                email=data["email"],
                job_title=data["job_title"],
                language=data["language"],
            ),
            redirect_to=reverse("training_attendees", args=[engagement.pk]),
            message=lambda attendee: _("%(name)s added.") % {"name": attendee.name},
        )
        if response:
            return response
    listed = list(
        m.Attendee.objects.filter(engagement=engagement)
        .annotate(marks=Count("attendance"))
        .order_by("name", "pk")
    )
    return render(
        request,
        "training/delivery/attendees.html",
        {"engagement": engagement, "attendees": listed, "form": form},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def attendees_paste(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk, Perm.MANAGE_TRAINING)
    form = AttendeeListForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.add_attendees(
                actor=request.user,
                engagement=engagement,
                text=data["attendees"],
                language=data["language"],
            ),
            redirect_to=reverse("training_attendees", args=[engagement.pk]),
            message=lambda added: _("%(count)s attendees added.") % {"count": len(added)},
        )
        if response:
            return response
    return render(
        request, "training/delivery/attendees_paste.html", {"engagement": engagement, "form": form}
    )


@require_POST
@decide(requires(Perm.MANAGE_TRAINING))
def attendee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attendee = access.get_object_or_404(request, m.Attendee, Perm.MANAGE_TRAINING, pk=pk)
    target = reverse("training_attendees", args=[attendee.engagement_id])
    try:
        actions.remove_attendee(actor=request.user, attendee=attendee)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("%(name)s removed.") % {"name": attendee.name})
    return redirect(target)


# ---------------------------------------------------------------- certificates


@decide(requires(Perm.MANAGE_TRAINING))
def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk, Perm.MANAGE_TRAINING)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = already_done(request, form.cleaned_data.get("submission_id"))
        if done:
            return redirect(done)
        target = reverse("training_certificates", args=[engagement.pk])
        try:
            issued = actions.issue_certificates(actor=request.user, engagement=engagement)
        except ValidationError as exc:
            _messages_from(request, exc)
        else:
            remember(request, form.cleaned_data.get("submission_id"), target)
            if issued:
                messages.success(
                    request, _("%(count)s certificates issued.") % {"count": len(issued)}
                )
            else:
                messages.info(request, _("There were no new certificates to issue."))
        return redirect(target)
    completed = {a.pk for a in actions.completed_attendees(engagement)}
    listed = list(
        m.Attendee.objects.filter(engagement=engagement)
        .select_related("certificate")
        .order_by("name", "pk")
    )
    for attendee in listed:
        attendee.completed = attendee.pk in completed
        attendee.cert = getattr(attendee, "certificate", None)
    waiting = [a for a in listed if a.completed and a.cert is None]
    scheduled = engagement.sessions.filter(status=c.SessionStatus.SCHEDULED).count()
    return render(
        request,
        "training/delivery/certificates.html",
        {
            "engagement": engagement,
            "attendees": listed,
            "waiting": waiting,
            "scheduled": scheduled,
            "form": form,
        },
    )


@decide(requires(Perm.VIEW_TRAINING))
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = access.get_object_or_404(request, m.Certificate, Perm.VIEW_TRAINING, pk=pk)
    pdf = certificate_pdf(certificate, actions.certificate_url(certificate.code))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@decide(PUBLIC)
def certificate_check(request: HttpRequest) -> HttpResponse:
    form = CertificateCheckForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if code and len(code) <= 20:
            return redirect("training_certificate", code=code)
        form.add_error("code", _("Enter the code as it is printed, for example 7KQ4-M2XP-9HDA."))
    return render(request, "training/delivery/certificate_check.html", {"form": form})


@decide(PUBLIC)
def certificate_public(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a certificate is genuine: the same page (and status) whether or not it exists."""
    code = normalise_code(code)[:20]
    found = (
        m.Certificate.across_organisations.select_related("organisation").filter(code=code).first()
    )
    language = translation.get_language() or "en"
    context = {"code": code, "certificate": found}
    if found is not None:
        context["organisation_name"] = found.organisation.display_name(language)
        context["course"] = m.bilingual(found.course_title, found.course_title_cy, language)
    return render(request, "training/delivery/certificate_public.html", context)


# ---------------------------------------------------------------- surveys


@decide(requires(Perm.MANAGE_TRAINING))
def evaluations_send(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk, Perm.MANAGE_TRAINING)
    form = SendEvaluationsForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.send_evaluations(
                actor=request.user, engagement=engagement, stage=data["stage"]
            ),
            redirect_to=reverse("training_evaluations_send", args=[engagement.pk]),
            message=lambda sent: _("%(count)s survey links emailed.") % {"count": len(sent)},
        )
        if response:
            return response
    counts = m.Attendee.objects.filter(engagement=engagement).aggregate(
        total=Count("pk", distinct=True),
        without_email=Count("pk", filter=Q(email=""), distinct=True),
        pre_sent=Count("evaluations", filter=Q(evaluations__stage=c.SurveyStage.PRE)),
        pre_answered=Count(
            "evaluations",
            filter=Q(evaluations__stage=c.SurveyStage.PRE, evaluations__answered_at__isnull=False),
        ),
        post_sent=Count("evaluations", filter=Q(evaluations__stage=c.SurveyStage.POST)),
        post_answered=Count(
            "evaluations",
            filter=Q(evaluations__stage=c.SurveyStage.POST, evaluations__answered_at__isnull=False),
        ),
    )
    return render(
        request,
        "training/delivery/evaluations_send.html",
        {
            "engagement": engagement,
            "form": form,
            "counts": counts,
            "can_see_results": access.has_perm(request.user, Perm.VIEW_TRAINING_DASHBOARD),
        },
    )


@decide(PUBLIC)
def evaluation_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time confidence survey: no sign-in, the token is the credential."""
    survey = actions.find_evaluation(token)
    if survey is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # Nobody chose a language in this browser: use the attendee's.
        translation.activate(survey.attendee.language)
        request.LANGUAGE_CODE = translation.get_language()
    language = translation.get_language() or "en"
    problem = actions.evaluation_problem(survey)
    organisation_name = survey.organisation.display_name(language) if survey else ""
    if problem:
        status, message = problem
        return render(
            request,
            "training/delivery/evaluation_problem.html",
            {
                "message": message,
                "answered": survey is not None and survey.answered_at is not None,
                "organisation_name": organisation_name,
            },
            status=status,
        )
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        comments = data.pop("comments", "")
        try:
            actions.answer_evaluation(token=token, answers=data, comments=comments)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect("training_evaluation", token=token)
    with organisation_scope(survey.organisation):
        course = survey.attendee.engagement.course
        course_label = m.bilingual(course.title, course.title_cy, language)
    return render(
        request,
        "training/delivery/evaluation.html",
        {
            "form": form,
            "organisation_name": organisation_name,
            "course": course_label,
            "is_pre": survey.stage == c.SurveyStage.PRE,
        },
    )


@decide(requires(Perm.VIEW_TRAINING_DASHBOARD))
def course_results(request: HttpRequest, pk: int) -> HttpResponse:
    course = access.get_object_or_404(request, m.Course, Perm.VIEW_TRAINING_DASHBOARD, pk=pk)
    return render(
        request,
        "training/delivery/results.html",
        {
            "results": evaluation.course_results(course),
            "heading": course.label,
            "caption": _("Course"),
        },
    )


@decide(requires(Perm.VIEW_TRAINING_DASHBOARD))
def trainer_results(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(request, Membership, Perm.VIEW_TRAINING_DASHBOARD, pk=pk)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if not (
        membership.role == Role.TRAINER
        or m.TrainerProfile.objects.filter(membership=membership).exists()
    ):
        raise Http404
    return render(
        request,
        "training/delivery/results.html",
        {
            "results": evaluation.trainer_results(membership),
            "heading": str(membership.user),
            "caption": _("Trainer"),
        },
    )
