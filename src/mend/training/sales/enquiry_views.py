"""Sales pages: enquiries (the staff list, page and form; turning one into an engagement or
closing it). The public enquiry form is in `public`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.core import access
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page
from mend.core.web import current_language
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.sales.forms import (
    CloseEnquiryForm,
    ConvertEnquiryForm,
    StaffEnquiryForm,
    StatusFilterForm,
    enquiry_values,
)
from mend.training.sales.queries import client_named, offered_courses
from mend.training.sales.views import SHOWN, list_page
from mend.training.web import TrainingRequest


@decide(requires(Perm.VIEW_TRAINING))
def training_enquiries(request: TrainingRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None, statuses=c.EnquiryStatus.choices)
    enquiries = m.Enquiry.objects.for_user(request.user, Perm.VIEW_TRAINING).select_related(
        "course"
    )
    if form.is_valid() and form.cleaned_data["status"]:
        enquiries = enquiries.filter(status=form.cleaned_data["status"])
    return list_page(
        request, "training/sales/enquiries.html", form, enquiries, ("-received_at", "-pk")
    )


@decide(requires(Perm.VIEW_TRAINING))
def training_enquiry(request: TrainingRequest, pk: int) -> HttpResponse:
    enquiry = access.get_object_or_404(
        request,
        m.Enquiry.objects.select_related("course", "client", "contact"),
        Perm.VIEW_TRAINING,
        pk=pk,
    )
    engagements = list(enquiry.engagements.order_by("-created_at", "-pk")[:SHOWN])
    return render(
        request,
        "training/sales/enquiry.html",
        {
            "enquiry": enquiry,
            "engagements": engagements,
            "is_new": enquiry.status == c.EnquiryStatus.NEW,
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
        },
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_enquiry_new(request: TrainingRequest) -> HttpResponse:
    courses = offered_courses()
    form = StaffEnquiryForm(
        request.POST or None, courses=courses, initial={"language": current_language()}
    )
    return form_page(
        request,
        form,
        lambda data: actions.receive_enquiry(
            organisation=request.organisation, actor=request.user, **enquiry_values(data)
        ),
        redirect_to=lambda enquiry: reverse("training_enquiry", args=[enquiry.pk]),
        message=_("Enquiry recorded."),
        template="training/sales/enquiry_new.html",
        context={"form": form},
    )


def _new_enquiry(request: TrainingRequest, pk: int) -> tuple[m.Enquiry, HttpResponse | None]:
    """The enquiry to convert or close, and the answer to give instead when it has already been
    dealt with."""
    enquiry = access.get_object_or_404(
        request, m.Enquiry.objects.select_related("course"), Perm.MANAGE_TRAINING, pk=pk
    )
    if enquiry.status != c.EnquiryStatus.NEW:
        messages.error(request, _("This enquiry has already been dealt with."))
        return enquiry, redirect("training_enquiry", pk=enquiry.pk)
    return enquiry, None


@decide(requires(Perm.MANAGE_TRAINING))
def training_enquiry_convert(request: TrainingRequest, pk: int) -> HttpResponse:
    enquiry, dealt_with = _new_enquiry(request, pk)
    if dealt_with:
        return dealt_with
    form = ConvertEnquiryForm.editing(enquiry, request.POST, courses=offered_courses())
    existing = client_named(enquiry.organisation, enquiry.organisation_name)
    return form_page(
        request,
        form,
        lambda data: actions.convert_enquiry(actor=request.user, enquiry=enquiry, **data),
        redirect_to=lambda engagement: reverse("training_engagement", args=[engagement.pk]),
        message=lambda engagement: (
            _("Engagement %(ref)s created for %(client)s.")
            % {"ref": engagement.reference, "client": engagement.client.name}
        ),
        template="training/sales/enquiry_convert.html",
        context={"form": form, "enquiry": enquiry, "existing": existing},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_enquiry_close(request: TrainingRequest, pk: int) -> HttpResponse:
    enquiry, dealt_with = _new_enquiry(request, pk)
    if dealt_with:
        return dealt_with
    form = CloseEnquiryForm.editing(enquiry, request.POST)
    return form_page(
        request,
        form,
        lambda data: actions.close_enquiry(actor=request.user, enquiry=enquiry, **data),
        redirect_to=reverse("training_enquiry", args=[enquiry.pk]),
        message=_("Enquiry closed."),
        template="training/sales/enquiry_close.html",
        context={"form": form, "enquiry": enquiry},
    )
