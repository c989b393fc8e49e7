"""Sales pages: the training start page, clients and their contacts, and the course catalogue.

Enquiries are in `enquiry_views`, engagements, quotes and the agreement in `engagement_views`, and
the pages that need no sign-in (the public enquiry form, the agreement link) in `public`."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mend.core import access
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page
from mend.core.web import keyset_page
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from mend.training.sales.forms import (
    ClientEditForm,
    ClientFilterForm,
    ClientNewForm,
    ContactEditForm,
    ContactNewForm,
    CourseEditForm,
    CourseNewForm,
)
from mend.training.web import TrainingRequest

# Bounded lists on one record's page (the newest first).
SHOWN = 50


# Pages of other training areas, by URL name: linked from the start page when they exist.
OTHER_PAGES = [
    ("training_my_sessions", gettext_lazy("Your training sessions"), Perm.DELIVER_TRAINING),
    ("training_trainers", gettext_lazy("Trainers"), Perm.CONFIGURE_TRAINING),
    ("training_invoices", gettext_lazy("Invoices and credit notes"), Perm.TRAINING_FINANCE),
    ("training_aged_debt", gettext_lazy("Aged debt"), Perm.TRAINING_FINANCE),
    ("training_dashboard", gettext_lazy("Dashboards"), Perm.VIEW_TRAINING_DASHBOARD),
    ("training_modules", gettext_lazy("E-learning modules"), Perm.AUTHOR_ELEARNING),
    ("training_policy", gettext_lazy("Cancellation policy"), Perm.CONFIGURE_TRAINING),
    ("training_settings", gettext_lazy("Invoice settings"), Perm.CONFIGURE_TRAINING),
]


def existing_links(request: TrainingRequest, pages=OTHER_PAGES) -> list[dict]:
    """Links to the pages that exist (reverse works) and that this person may use."""
    found = []
    for name, label, perm in pages:
        if not access.has_perm(request.user, perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        found.append({"url": url, "label": label})
    return found


def list_page(
    request: TrainingRequest,
    template: str,
    form: forms.Form | None,
    rows: QuerySet,
    order: Sequence[str],
) -> HttpResponse:
    """A list page of the sales area: its filter form and a counted keyset page of `rows`
    (already filtered) in `order`."""
    return render(
        request,
        template,
        {
            "form": form,
            "page": keyset_page(request, rows, order, count=True),
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
        },
    )


# ---------------------------------------------------------------- the start page


@decide(requires(Perm.VIEW_TRAINING))
def training_home(request: TrainingRequest) -> HttpResponse:
    counts = m.Enquiry.objects.aggregate(new=Count("pk", filter=Q(status=c.EnquiryStatus.NEW)))
    return render(
        request,
        "training/sales/home.html",
        {
            "new_enquiries": counts["new"],
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
            "other_links": existing_links(request),
        },
    )


# ---------------------------------------------------------------- clients and contacts


@decide(requires(Perm.VIEW_TRAINING))
def training_clients(request: TrainingRequest) -> HttpResponse:
    form = ClientFilterForm(request.GET or None)
    clients = m.Client.objects.for_user(request.user, Perm.VIEW_TRAINING).annotate(
        engagement_count=Count("engagements")
    )
    if form.is_valid():
        if form.cleaned_data["q"].strip():
            clients = clients.filter(name__icontains=form.cleaned_data["q"].strip())
        if form.cleaned_data["sector"]:
            clients = clients.filter(sector=form.cleaned_data["sector"])
    return list_page(request, "training/sales/clients.html", form, clients, ("name", "pk"))


@decide(requires(Perm.VIEW_TRAINING))
def training_client(request: TrainingRequest, pk: int) -> HttpResponse:
    client = access.get_object_or_404(request, m.Client, Perm.VIEW_TRAINING, pk=pk)
    contacts = list(client.contacts.order_by("-is_active", "name", "pk"))
    enquiries = list(
        m.Enquiry.objects.filter(client=client)
        .select_related("course")
        .order_by("-received_at", "-pk")[:SHOWN]
    )
    engagements = list(
        client.engagements.select_related("course")
        .annotate(
            value=Sum("sessions__value", filter=~Q(sessions__status=c.SessionStatus.CANCELLED))
        )
        .order_by("-created_at", "-pk")[:SHOWN]
    )
    return render(
        request,
        "training/sales/client.html",
        {
            "client": client,
            "contacts": contacts,
            "enquiries": enquiries,
            "engagements": engagements,
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
            "can_invoice": access.has_perm(request.user, Perm.TRAINING_FINANCE),
        },
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_client_new(request: TrainingRequest) -> HttpResponse:
    form = ClientNewForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.create_client(
            actor=request.user, organisation=request.organisation, **data
        ),
        redirect_to=lambda client: reverse("training_client", args=[client.pk]),
        message=lambda client: _("Client %(name)s added.") % {"name": client.name},
        template="training/sales/client_form.html",
        context={"form": form, "client": None},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_client_edit(request: TrainingRequest, pk: int) -> HttpResponse:
    client = access.get_object_or_404(request, m.Client, Perm.MANAGE_TRAINING, pk=pk)
    form = ClientEditForm.editing(client, request.POST)
    return form_page(
        request,
        form,
        lambda data: actions.update_client(actor=request.user, client=client, **data),
        redirect_to=reverse("training_client", args=[client.pk]),
        message=_("Client details saved."),
        template="training/sales/client_form.html",
        context={"form": form, "client": client},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_contact_new(request: TrainingRequest, pk: int) -> HttpResponse:
    client = access.get_object_or_404(request, m.Client, Perm.MANAGE_TRAINING, pk=pk)
    form = ContactNewForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.add_contact(actor=request.user, client=client, **data),
        redirect_to=reverse("training_client", args=[client.pk]),
        message=lambda contact: _("Contact %(name)s added.") % {"name": contact.name},
        template="training/sales/contact_form.html",
        context={"form": form, "client": client, "contact": None},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_contact_edit(request: TrainingRequest, pk: int) -> HttpResponse:
    contact = access.get_object_or_404(
        request, m.ClientContact.objects.select_related("client"), Perm.MANAGE_TRAINING, pk=pk
    )
    client = contact.client
    form = ContactEditForm.editing(contact, request.POST)
    return form_page(
        request,
        form,
        lambda data: actions.update_contact(actor=request.user, contact=contact, **data),
        redirect_to=reverse("training_client", args=[client.pk]),
        message=_("Contact details saved."),
        template="training/sales/contact_form.html",
        context={"form": form, "client": client, "contact": contact},
    )


# ---------------------------------------------------------------- courses


@decide(requires(Perm.VIEW_TRAINING))
def training_courses(request: TrainingRequest) -> HttpResponse:
    courses = m.Course.objects.for_user(request.user, Perm.VIEW_TRAINING)
    return list_page(
        request, "training/sales/courses.html", None, courses, ("-is_active", "title", "pk")
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_course_new(request: TrainingRequest) -> HttpResponse:
    form = CourseNewForm(request.POST or None, initial={"format": c.CourseFormat.IN_PERSON})
    return form_page(
        request,
        form,
        lambda data: actions.create_course(
            actor=request.user, organisation=request.organisation, **data
        ),
        redirect_to=reverse("training_courses"),
        message=lambda course: _("Course %(title)s added.") % {"title": course.title},
        template="training/sales/course_form.html",
        context={"form": form, "course": None},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_course_edit(request: TrainingRequest, pk: int) -> HttpResponse:
    course = access.get_object_or_404(request, m.Course, Perm.MANAGE_TRAINING, pk=pk)
    form = CourseEditForm.editing(course, request.POST)
    return form_page(
        request,
        form,
        lambda data: actions.update_course(actor=request.user, course=course, **data),
        redirect_to=reverse("training_courses"),
        message=_("Course saved."),
        template="training/sales/course_form.html",
        context={"form": form, "course": course},
    )
