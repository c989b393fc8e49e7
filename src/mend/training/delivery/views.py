"""Delivery: sessions (add, edit, postpone, delivered), trainers and their levels, allocation,
the client's attendee list, registers, certificates, the confidence surveys and their results
per course and per trainer. The public certificate check and survey are in delivery/public.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.core import access
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page, handle_button, handle_post, translating_refusal
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.delivery import actions as delivery
from mend.training.delivery import queries
from mend.training.delivery.forms import (
    AllocateForm,
    ConfirmForm,
    NewTrainerForm,
    PostponeForm,
    RegisterForm,
    SessionEditForm,
    SessionNewForm,
    TrainerLevelForm,
)
from mend.training.web import TrainingRequest


def engagement_to_manage(request: TrainingRequest, pk: int) -> m.Engagement:
    """The engagement at `pk`, for a page that changes its sessions, attendees or surveys."""
    return access.get_object_or_404(request, queries.engagements(), Perm.MANAGE_TRAINING, pk=pk)


def _session_url(session: m.DeliverySession) -> str:
    return reverse("training_session", args=[session.pk])


def button(
    request: TrainingRequest,
    act: Callable[[], Any],
    *,
    redirect_to: str,
    message: str | Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A POST button that does one thing: done, or its refusal shown as messages; either way
    back to `redirect_to`."""
    return handle_button(
        request,
        ConfirmForm(request.POST),
        lambda _data: act(),
        redirect_to=redirect_to,
        message=message,
    )


def _form_page_while(
    is_open: bool,
    request: TrainingRequest,
    form: forms.Form,
    act: Callable[[dict], Any],
    template: str,
    context: dict[str, Any],
    *,
    redirect_to: str,
    message: str,
) -> HttpResponse:
    """`form_page` for a form that may be sent only while `is_open`: otherwise the page is
    shown (again) and a POST does nothing, the page saying why."""
    if is_open:
        return form_page(
            request, form, act, template, context, redirect_to=redirect_to, message=message
        )
    return render(request, template, context)


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


def _field_names(exc: ValidationError) -> ValidationError:
    """The actions name `starts_at` and `ends_at`; the form asks for a day and two times."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {"starts_at": "starts", "ends_at": "ends"}
    return ValidationError(
        {renamed.get(field, field): errors for field, errors in exc.error_dict.items()}
    )


def _renaming(act: Callable[[dict], Any]) -> Callable[[dict], Any]:
    return translating_refusal(act, _field_names)


@decide(requires(Perm.MANAGE_TRAINING))
def session_new(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = engagement_to_manage(request, pk)
    form = SessionNewForm(request.POST or None)
    return form_page(
        request,
        form,
        _renaming(
            lambda data: actions.add_session(
                actor=request.user,
                engagement=engagement,
                value=data["value"],
                **_session_values(data),
            )
        ),
        redirect_to=_session_url,
        message=_("Session added."),
        template="training/delivery/session_form.html",
        context={"form": form, "engagement": engagement, "session": None},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def session_edit(request: TrainingRequest, pk: int) -> HttpResponse:
    session = access.get_object_or_404(request, queries.sessions(), Perm.MANAGE_TRAINING, pk=pk)
    starts = timezone.localtime(session.starts_at)
    form = SessionEditForm.editing(
        session,
        request.POST,
        initial={
            "day": starts.date(),
            "starts": starts.time(),
            "ends": timezone.localtime(session.ends_at).time(),
            "where": "online" if session.is_online else "in_person",
        },
    )

    def update(data: dict) -> m.DeliverySession:
        values = _session_values(data)
        if data["value"] is not None:
            values["value"] = data["value"]
        return actions.update_session(
            actor=request.user, session=session, version=data.get("version"), **values
        )

    return form_page(
        request,
        form,
        _renaming(update),
        redirect_to=_session_url(session),
        message=_("Session updated."),
        template="training/delivery/session_form.html",
        context={"form": form, "engagement": session.engagement, "session": session},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def session_postpone(request: TrainingRequest, pk: int) -> HttpResponse:
    session = access.get_object_or_404(request, queries.sessions(), Perm.MANAGE_TRAINING, pk=pk)
    problem = actions.postponement_problem(session)
    form = PostponeForm(request.POST or None)
    return _form_page_while(
        problem is None,
        request,
        form,
        _renaming(
            lambda data: actions.postpone_session(
                actor=request.user,
                session=session,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        ),
        "training/delivery/postpone.html",
        {"form": form, "session": session, "engagement": session.engagement, "problem": problem},
        redirect_to=_session_url(session),
        message=_("Session postponed. No fee applies."),
    )


def _session_page(
    request: TrainingRequest, session: m.DeliverySession, allocate_form: AllocateForm | None = None
) -> HttpResponse:
    attendees, marks = queries.attendees_with_marks(session)
    can_manage = access.has_perm(request.user, Perm.MANAGE_TRAINING)
    if can_manage and allocate_form is None and session.status == c.SessionStatus.SCHEDULED:
        allocate_form = AllocateForm(members=queries.trainer_candidates())
    return render(
        request,
        "training/delivery/session.html",
        {
            "session": session,
            "engagement": session.engagement,
            "allocations": queries.session_allocations(session),
            "attendees": attendees,
            "present_count": sum(1 for a in attendees if a.present),
            "register_taken": bool(marks),
            "register_open": queries.register_open(session),
            "can_mark_delivered": session.status == c.SessionStatus.SCHEDULED
            and session.delivery_date <= timezone.localdate(),
            "can_manage": can_manage,
            "sees_all": access.has_perm(request.user, Perm.VIEW_TRAINING),
            "allocate_form": allocate_form,
            "delivered_form": ConfirmForm(),
        },
    )


@decide(requires(Perm.DELIVER_TRAINING))
def session_detail(request: TrainingRequest, pk: int) -> HttpResponse:
    session = access.get_object_or_404(request, queries.sessions(), Perm.DELIVER_TRAINING, pk=pk)
    return _session_page(request, session)


@require_POST
@decide(requires(Perm.DELIVER_TRAINING))
def session_delivered(request: TrainingRequest, pk: int) -> HttpResponse:
    session = access.get_object_or_404(request, queries.sessions(), Perm.DELIVER_TRAINING, pk=pk)
    return button(
        request,
        lambda: delivery.mark_session_delivered(actor=request.user, session=session),
        redirect_to=_session_url(session),
        message=_("Session marked as delivered."),
    )


@require_POST
@decide(requires(Perm.MANAGE_TRAINING))
def session_allocate(request: TrainingRequest, pk: int) -> HttpResponse:
    session = access.get_object_or_404(request, queries.sessions(), Perm.MANAGE_TRAINING, pk=pk)
    form = AllocateForm(request.POST, members=queries.trainer_candidates())
    response = handle_post(
        request,
        form,
        lambda data: delivery.allocate_trainer(
            actor=request.user,
            session=session,
            membership=data["membership"],
            is_lead=data["role"] == "lead",
        ),
        redirect_to=_session_url(session),
        message=lambda allocation: (
            _("%(name)s is allocated to this session.") % {"name": allocation.membership.user}
        ),
    )
    return response or _session_page(request, session, allocate_form=form)


@require_POST
@decide(requires(Perm.MANAGE_TRAINING))
def session_trainer_remove(request: TrainingRequest, pk: int) -> HttpResponse:
    allocation = access.get_object_or_404(
        request, queries.allocations(), Perm.MANAGE_TRAINING, pk=pk
    )
    return button(
        request,
        lambda: delivery.remove_trainer(actor=request.user, allocation=allocation),
        redirect_to=_session_url(allocation.session),
        message=_("%(name)s is no longer allocated to this session.")
        % {"name": allocation.membership.user},
    )


@decide(requires(Perm.DELIVER_TRAINING))
def session_register(request: TrainingRequest, pk: int) -> HttpResponse:
    session = access.get_object_or_404(request, queries.sessions(), Perm.DELIVER_TRAINING, pk=pk)
    attendees = queries.session_attendees(session)
    form = RegisterForm(
        request.POST or None,
        attendees=attendees,
        initial={"present": [str(pk) for pk in queries.present_ids(session)]},
    )
    is_open = queries.register_open(session)
    return _form_page_while(
        is_open,
        request,
        form,
        lambda data: delivery.record_attendance(
            actor=request.user, session=session, present_ids=data["present"]
        ),
        "training/delivery/register.html",
        {
            "form": form,
            "session": session,
            "engagement": session.engagement,
            "attendees": attendees,
            "is_open": is_open,
        },
        redirect_to=_session_url(session),
        message=_("Register saved."),
    )


# ---------------------------------------------------------------- trainers


@decide(requires(Perm.CONFIGURE_TRAINING))
def trainers(request: TrainingRequest) -> HttpResponse:
    others = queries.members_without_level()
    form = NewTrainerForm(request.POST or None, members=others)
    return form_page(
        request,
        form,
        lambda data: delivery.set_trainer_level(actor=request.user, **data),
        redirect_to=reverse("training_trainers"),
        message=lambda _profile: (
            _("%(name)s's trainer level saved.") % {"name": form.cleaned_data["membership"].user}
        ),
        template="training/delivery/trainers.html",
        context=lambda: {
            "trainers": queries.trainer_candidates(),
            "form": form,
            "has_others": bool(others),
            "can_see_results": access.has_perm(request.user, Perm.VIEW_TRAINING_DASHBOARD),
        },
    )


@decide(requires(Perm.CONFIGURE_TRAINING))
def trainer_level(request: TrainingRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(
        request, queries.members(), Perm.CONFIGURE_TRAINING, pk=pk
    )
    profile = m.TrainerProfile.objects.filter(membership=membership).first()
    form = TrainerLevelForm.editing(profile, request.POST)
    return form_page(
        request,
        form,
        lambda data: delivery.set_trainer_level(actor=request.user, membership=membership, **data),
        redirect_to=reverse("training_trainers"),
        message=_("%(name)s's trainer level saved.") % {"name": membership.user},
        template="training/delivery/trainer_level.html",
        context={"form": form, "member": membership},
    )


@decide(requires(Perm.DELIVER_TRAINING))
def my_sessions(request: TrainingRequest) -> HttpResponse:
    upcoming, recent = queries.my_sessions(request.user, request.membership)
    return render(
        request,
        "training/delivery/my_sessions.html",
        {"upcoming": upcoming, "recent": recent, "recent_limit": queries.RECENT_SESSIONS},
    )
