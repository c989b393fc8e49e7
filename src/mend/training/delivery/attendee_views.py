"""Delivery pages after the sessions: the client's attendee list, certificates, the confidence
surveys and their results per course and per trainer."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.core import access
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page
from mend.training import choices as c
from mend.training import models as m
from mend.training.delivery import actions as delivery
from mend.training.delivery import evaluation, queries, surveys
from mend.training.delivery.certificates import certificate_attachment
from mend.training.delivery.forms import (
    AttendeeForm,
    AttendeeListForm,
    ConfirmForm,
    SendEvaluationsForm,
)
from mend.training.delivery.views import button, engagement_to_manage
from mend.training.web import TrainingRequest

# ---------------------------------------------------------------- attendees


@decide(requires(Perm.MANAGE_TRAINING))
def attendees(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = engagement_to_manage(request, pk)
    form = AttendeeForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: delivery.add_attendee(actor=request.user, engagement=engagement, **data),
        redirect_to=reverse("training_attendees", args=[engagement.pk]),
        message=lambda attendee: _("%(name)s added.") % {"name": attendee.name},
        template="training/delivery/attendees.html",
        context=lambda: {
            "engagement": engagement,
            "attendees": queries.attendee_list(engagement),
            "form": form,
        },
    )


@decide(requires(Perm.MANAGE_TRAINING))
def attendees_paste(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = engagement_to_manage(request, pk)
    form = AttendeeListForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: delivery.add_attendees(
            actor=request.user,
            engagement=engagement,
            text=data["attendees"],
            language=data["language"],
        ),
        redirect_to=reverse("training_attendees", args=[engagement.pk]),
        message=lambda added: _("%(count)s attendees added.") % {"count": len(added)},
        template="training/delivery/attendees_paste.html",
        context={"engagement": engagement, "form": form},
    )


@require_POST
@decide(requires(Perm.MANAGE_TRAINING))
def attendee_remove(request: TrainingRequest, pk: int) -> HttpResponse:
    attendee = access.get_object_or_404(request, m.Attendee, Perm.MANAGE_TRAINING, pk=pk)
    return button(
        request,
        lambda: delivery.remove_attendee(actor=request.user, attendee=attendee),
        redirect_to=reverse("training_attendees", args=[attendee.engagement_id]),
        message=_("%(name)s removed.") % {"name": attendee.name},
    )


# ---------------------------------------------------------------- certificates


@decide(requires(Perm.MANAGE_TRAINING))
def certificates(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = engagement_to_manage(request, pk)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":

        def issue() -> list[m.Certificate]:
            issued = delivery.issue_certificates(actor=request.user, engagement=engagement)
            if issued:
                messages.success(
                    request, _("%(count)s certificates issued.") % {"count": len(issued)}
                )
            else:
                messages.info(request, _("There were no new certificates to issue."))
            return issued

        return button(
            request, issue, redirect_to=reverse("training_certificates", args=[engagement.pk])
        )
    listed = queries.certificate_list(engagement)
    return render(
        request,
        "training/delivery/certificates.html",
        {
            "engagement": engagement,
            "attendees": listed,
            "waiting": [a for a in listed if a.completed and a.cert is None],
            "scheduled": engagement.sessions.filter(status=c.SessionStatus.SCHEDULED).count(),
            "form": form,
        },
    )


@decide(requires(Perm.VIEW_TRAINING))
def certificate_download(request: TrainingRequest, pk: int) -> HttpResponse:
    certificate = access.get_object_or_404(request, m.Certificate, Perm.VIEW_TRAINING, pk=pk)
    return certificate_attachment(certificate, queries.certificate_url(certificate.code))


# ---------------------------------------------------------------- surveys


@decide(requires(Perm.MANAGE_TRAINING))
def evaluations_send(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = engagement_to_manage(request, pk)
    form = SendEvaluationsForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: surveys.send_evaluations(actor=request.user, engagement=engagement, **data),
        redirect_to=reverse("training_evaluations_send", args=[engagement.pk]),
        message=lambda sent: _("%(count)s survey links emailed.") % {"count": len(sent)},
        template="training/delivery/evaluations_send.html",
        context=lambda: {
            "engagement": engagement,
            "form": form,
            "counts": queries.survey_counts(engagement),
            "can_see_results": access.has_perm(request.user, Perm.VIEW_TRAINING_DASHBOARD),
        },
    )


@decide(requires(Perm.VIEW_TRAINING_DASHBOARD))
def course_results(request: TrainingRequest, pk: int) -> HttpResponse:
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
def trainer_results(request: TrainingRequest, pk: int) -> HttpResponse:
    membership = access.get_object_or_404(
        request, queries.members(), Perm.VIEW_TRAINING_DASHBOARD, pk=pk
    )
    if not queries.is_trainer(membership):
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
