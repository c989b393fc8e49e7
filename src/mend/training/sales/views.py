"""Sales: the training start page, clients and contacts, the course catalogue, enquiries (staff
pages and the public bilingual form), engagements and their page, quotes, and the Service Level
Agreement (sent by staff, accepted by the client contact at its one-time link)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mend.core import access
from mend.core.access import PUBLIC, decide, requires
from mend.core.forms import add_action_errors
from mend.core.middleware import client_ip
from mend.core.models import Organisation
from mend.core.public_forms import RateLimit, screen
from mend.core.roles import Perm
from mend.core.submissions import already_done, handle_post, remember
from mend.core.tenancy import organisation_scope
from mend.core.web import current_language
from mend.training import actions, panels, workflow
from mend.training import choices as c
from mend.training import models as m
from mend.training.sales.forms import (
    AcceptAgreementForm,
    ClientEditForm,
    ClientFilterForm,
    ClientNewForm,
    CloseEnquiryForm,
    ConfirmForm,
    ContactEditForm,
    ContactNewForm,
    ConvertEnquiryForm,
    CourseEditForm,
    CourseNewForm,
    EngagementForm,
    ProposalForm,
    PublicEnquiryForm,
    SendAgreementForm,
    StaffEnquiryForm,
    StatusFilterForm,
)
from mend.training.sales.proposals import policy_terms, proposal_filename, proposal_pdf

PAGE_SIZE = 50
# Bounded lists on one record's page (the newest first).
SHOWN = 50
# Public enquiries accepted from one address in an hour.
ENQUIRY_LIMIT = RateLimit("training-enquiry", limit=5, window=3600)
SESSION_ENQUIRY_SENT = "mend_training_enquiry_sent"

# Pages of other training areas, by URL name: linked from the start page when they exist.
OTHER_PAGES = [
    ("training_my_sessions", gettext_lazy("Your training sessions"), Perm.DELIVER_TRAINING),
    ("training_trainers", gettext_lazy("Trainers"), Perm.VIEW_TRAINING),
    ("training_invoices", gettext_lazy("Invoices and credit notes"), Perm.TRAINING_FINANCE),
    ("training_aged_debt", gettext_lazy("Aged debt"), Perm.TRAINING_FINANCE),
    ("training_dashboard", gettext_lazy("Dashboards"), Perm.VIEW_TRAINING_DASHBOARD),
    ("training_modules", gettext_lazy("E-learning modules"), Perm.AUTHOR_ELEARNING),
    ("training_policy", gettext_lazy("Cancellation policy"), Perm.CONFIGURE_TRAINING),
    ("training_settings", gettext_lazy("Invoice settings"), Perm.CONFIGURE_TRAINING),
]


def existing_links(request: HttpRequest, pages=OTHER_PAGES) -> list[dict]:
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


def _page_of(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# ---------------------------------------------------------------- the start page


@decide(requires(Perm.VIEW_TRAINING))
def training_home(request: HttpRequest) -> HttpResponse:
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
def training_clients(request: HttpRequest) -> HttpResponse:
    form = ClientFilterForm(request.GET or None)
    clients = m.Client.objects.for_user(request.user, Perm.VIEW_TRAINING).annotate(
        engagement_count=Count("engagements")
    )
    if form.is_valid():
        if form.cleaned_data["q"].strip():
            clients = clients.filter(name__icontains=form.cleaned_data["q"].strip())
        if form.cleaned_data["sector"]:
            clients = clients.filter(sector=form.cleaned_data["sector"])
    page = _page_of(request, clients.order_by("name", "pk"))
    return render(
        request,
        "training/sales/clients.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
        },
    )


@decide(requires(Perm.VIEW_TRAINING))
def training_client(request: HttpRequest, pk: int) -> HttpResponse:
    client = access.get_object_or_404(request, m.Client, Perm.VIEW_TRAINING, pk=pk)
    contacts = list(client.contacts.order_by("-is_active", "name", "pk"))
    enquiries = list(
        m.Enquiry.objects.filter(client=client)
        .select_related("course")
        .order_by("-received_at", "-pk")[:SHOWN]
    )
    engagements = list(
        client.engagements.select_related("course")
        .annotate(value=Sum("sessions__value", filter=~Q(sessions__status="cancelled")))
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


def _client_values(data: dict) -> dict:
    fields = ["name", "sector", "address", "email", "phone", "language", "notes"]
    values = {f: data[f] for f in fields}
    if "is_active" in data:
        values["is_active"] = data["is_active"]
    return values


@decide(requires(Perm.MANAGE_TRAINING))
def training_client_new(request: HttpRequest) -> HttpResponse:
    form = ClientNewForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.create_client(
                actor=request.user, organisation=request.organisation, **_client_values(data)
            ),
            redirect_to=lambda client: reverse("training_client", args=[client.pk]),
            message=lambda client: _("Client %(name)s added.") % {"name": client.name},
        )
        if response:
            return response
    return render(request, "training/sales/client_form.html", {"form": form, "client": None})


@decide(requires(Perm.MANAGE_TRAINING))
def training_client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = access.get_object_or_404(request, m.Client, Perm.MANAGE_TRAINING, pk=pk)
    initial = {**_client_values(vars(client)), "version": client.version}
    initial["is_active"] = client.is_active
    form = ClientEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_client(
                actor=request.user,
                client=client,
                version=form.cleaned_data.get("version"),
                **_client_values(form.cleaned_data),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Client details saved."))
            return redirect("training_client", pk=client.pk)
    return render(request, "training/sales/client_form.html", {"form": form, "client": client})


CONTACT_FIELDS = ["name", "role", "job_title", "email", "phone", "language"]


def _contact_values(data: dict) -> dict:
    values = {f: data[f] for f in CONTACT_FIELDS}
    if "is_active" in data:
        values["is_active"] = data["is_active"]
    return values


@decide(requires(Perm.MANAGE_TRAINING))
def training_contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    client = access.get_object_or_404(request, m.Client, Perm.MANAGE_TRAINING, pk=pk)
    form = ContactNewForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.add_contact(
                actor=request.user, client=client, **_contact_values(data)
            ),
            redirect_to=reverse("training_client", args=[client.pk]),
            message=lambda contact: _("Contact %(name)s added.") % {"name": contact.name},
        )
        if response:
            return response
    return render(
        request,
        "training/sales/contact_form.html",
        {"form": form, "client": client, "contact": None},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_object_or_404(request, m.ClientContact, Perm.MANAGE_TRAINING, pk=pk)
    client = m.Client.objects.get(pk=contact.client_id)
    initial = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    initial.update(is_active=contact.is_active, version=contact.version)
    form = ContactEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_contact(
                actor=request.user,
                contact=contact,
                version=form.cleaned_data.get("version"),
                **_contact_values(form.cleaned_data),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Contact details saved."))
            return redirect("training_client", pk=client.pk)
    return render(
        request,
        "training/sales/contact_form.html",
        {"form": form, "client": client, "contact": contact},
    )


# ---------------------------------------------------------------- courses

COURSE_FIELDS = [
    "code",
    "title",
    "title_cy",
    "summary",
    "summary_cy",
    "audience",
    "format",
    "duration_hours",
    "cpd_hours",
    "price",
    "rjc_approved",
]


def _course_values(data: dict) -> dict:
    values = {f: data[f] for f in COURSE_FIELDS}
    if "is_active" in data:
        values["is_active"] = data["is_active"]
    return values


@decide(requires(Perm.VIEW_TRAINING))
def training_courses(request: HttpRequest) -> HttpResponse:
    courses = m.Course.objects.for_user(request.user, Perm.VIEW_TRAINING).order_by(
        "-is_active", "title", "pk"
    )
    return render(
        request,
        "training/sales/courses.html",
        {
            "page": _page_of(request, courses),
            "query": "",
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
        },
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_course_new(request: HttpRequest) -> HttpResponse:
    form = CourseNewForm(request.POST or None, initial={"format": c.CourseFormat.IN_PERSON})
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.create_course(
                actor=request.user, organisation=request.organisation, **_course_values(data)
            ),
            redirect_to=reverse("training_courses"),
            message=lambda course: _("Course %(title)s added.") % {"title": course.title},
        )
        if response:
            return response
    return render(request, "training/sales/course_form.html", {"form": form, "course": None})


@decide(requires(Perm.MANAGE_TRAINING))
def training_course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = access.get_object_or_404(request, m.Course, Perm.MANAGE_TRAINING, pk=pk)
    initial = {f: getattr(course, f) for f in COURSE_FIELDS}
    initial.update(is_active=course.is_active, version=course.version)
    form = CourseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_course(
                actor=request.user,
                course=course,
                version=form.cleaned_data.get("version"),
                **_course_values(form.cleaned_data),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect("training_courses")
    return render(request, "training/sales/course_form.html", {"form": form, "course": course})


# ---------------------------------------------------------------- enquiries (staff)


def _offered_courses():
    return m.Course.objects.filter(is_active=True).order_by("title", "pk")


def _enquiry_values(data: dict) -> dict:
    fields = [
        "organisation_name",
        "sector",
        "contact_name",
        "job_title",
        "email",
        "phone",
        "course",
        "participants",
        "preferred_dates",
        "message",
        "language",
    ]
    return {f: data.get(f) for f in fields}


@decide(requires(Perm.VIEW_TRAINING))
def training_enquiries(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None, statuses=c.EnquiryStatus.choices)
    enquiries = m.Enquiry.objects.for_user(request.user, Perm.VIEW_TRAINING).select_related(
        "course"
    )
    if form.is_valid() and form.cleaned_data["status"]:
        enquiries = enquiries.filter(status=form.cleaned_data["status"])
    page = _page_of(request, enquiries.order_by("-received_at", "-pk"))
    return render(
        request,
        "training/sales/enquiries.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
        },
    )


@decide(requires(Perm.VIEW_TRAINING))
def training_enquiry(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = access.get_object_or_404(request, m.Enquiry, Perm.VIEW_TRAINING, pk=pk)
    enquiry = m.Enquiry.objects.select_related("course", "client", "contact").get(pk=enquiry.pk)
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
def training_enquiry_new(request: HttpRequest) -> HttpResponse:
    courses = _offered_courses()
    form = StaffEnquiryForm(
        request.POST or None, courses=courses, initial={"language": current_language()}
    )
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.receive_enquiry(
                organisation=request.organisation, actor=request.user, **_enquiry_values(data)
            ),
            redirect_to=lambda enquiry: reverse("training_enquiry", args=[enquiry.pk]),
            message=_("Enquiry recorded."),
        )
        if response:
            return response
    return render(request, "training/sales/enquiry_new.html", {"form": form})


def _open_enquiry(request: HttpRequest, pk: int) -> m.Enquiry:
    enquiry = access.get_object_or_404(request, m.Enquiry, Perm.MANAGE_TRAINING, pk=pk)
    return m.Enquiry.objects.select_related("course").get(pk=enquiry.pk)


@decide(requires(Perm.MANAGE_TRAINING))
def training_enquiry_convert(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _open_enquiry(request, pk)
    if enquiry.status != c.EnquiryStatus.NEW:
        messages.error(request, _("This enquiry has already been dealt with."))
        return redirect("training_enquiry", pk=enquiry.pk)
    form = ConvertEnquiryForm(
        request.POST or None,
        courses=_offered_courses(),
        initial={"course": enquiry.course_id, "version": enquiry.version},
    )
    existing = (
        m.Client.objects.filter(name__iexact=enquiry.organisation_name.strip())
        .order_by("-is_active", "pk")
        .first()
    )
    if request.method == "POST" and form.is_valid():
        try:
            engagement = actions.convert_enquiry(
                actor=request.user,
                enquiry=enquiry,
                course=form.cleaned_data["course"],
                title=form.cleaned_data["title"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request,
                _("Engagement %(ref)s created for %(client)s.")
                % {"ref": engagement.reference, "client": engagement.client.name},
            )
            return redirect("training_engagement", pk=engagement.pk)
    return render(
        request,
        "training/sales/enquiry_convert.html",
        {"form": form, "enquiry": enquiry, "existing": existing},
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_enquiry_close(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _open_enquiry(request, pk)
    if enquiry.status != c.EnquiryStatus.NEW:
        messages.error(request, _("This enquiry has already been dealt with."))
        return redirect("training_enquiry", pk=enquiry.pk)
    form = CloseEnquiryForm(request.POST or None, initial={"version": enquiry.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_enquiry(
                actor=request.user,
                enquiry=enquiry,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Enquiry closed."))
            return redirect("training_enquiry", pk=enquiry.pk)
    return render(request, "training/sales/enquiry_close.html", {"form": form, "enquiry": enquiry})


# ---------------------------------------------------------------- the public enquiry form


def _public_organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


@decide(PUBLIC)
def training_enquire(request: HttpRequest, slug: str) -> HttpResponse:
    """The public training-enquiry form: no sign-in, in English or Welsh."""
    organisation = _public_organisation(slug)
    language = current_language()
    with organisation_scope(organisation):
        courses = _offered_courses()
        context = {
            "organisation": organisation.display_name(language),
            "slug": slug,
            "privacy_url": reverse("privacy"),
        }
        if request.method != "POST":
            form = PublicEnquiryForm(courses=courses, initial={"language": language})
            return render(request, "training/sales/enquire.html", {**context, "form": form})
        done = already_done(request, request.POST.get("submission_id"))
        if done:
            return redirect(done)
        form = PublicEnquiryForm(request.POST, courses=courses)
        status = screen(
            request,
            form,
            ENQUIRY_LIMIT,
            too_many=_(
                "We have received several enquiries from your connection in the last hour, so "
                "we cannot take another one just now. Please try again later, or phone us."
            ),
        )
        if status is None:
            status = 200
            if form.is_valid():
                try:
                    actions.receive_enquiry(
                        organisation=organisation, **_enquiry_values(form.cleaned_data)
                    )
                except ValidationError as exc:
                    add_action_errors(form, exc)
                else:
                    ENQUIRY_LIMIT.count(request)
                    request.session[SESSION_ENQUIRY_SENT] = slug
                    target = reverse("training_enquire_thanks", args=[slug])
                    remember(request, form.cleaned_data.get("submission_id"), target)
                    return redirect(target)
        return render(
            request, "training/sales/enquire.html", {**context, "form": form}, status=status
        )


@decide(PUBLIC)
def training_enquire_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _public_organisation(slug)
    if request.session.get(SESSION_ENQUIRY_SENT) != slug:
        return redirect("training_enquire", slug=slug)
    return render(
        request,
        "training/sales/enquire_thanks.html",
        {"organisation": organisation.display_name(current_language()), "slug": slug},
    )


# ---------------------------------------------------------------- engagements


@decide(requires(Perm.VIEW_TRAINING))
def training_engagements(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None, statuses=c.EngagementStatus.choices)
    now = timezone.now()
    engagements = (
        m.Engagement.objects.for_user(request.user, Perm.VIEW_TRAINING)
        .select_related("client", "course")
        .annotate(
            next_session=Min(
                "sessions__starts_at",
                filter=Q(sessions__status=c.SessionStatus.SCHEDULED, sessions__starts_at__gte=now),
            ),
            value=Sum("sessions__value", filter=~Q(sessions__status=c.SessionStatus.CANCELLED)),
        )
    )
    if form.is_valid() and form.cleaned_data["status"]:
        engagements = engagements.filter(status=form.cleaned_data["status"])
    page = _page_of(request, engagements.order_by("-created_at", "-pk"))
    return render(
        request,
        "training/sales/engagements.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
        },
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_engagement_new(request: HttpRequest) -> HttpResponse:
    options = {
        "clients": m.Client.objects.filter(is_active=True).order_by("name", "pk"),
        "contacts": m.ClientContact.objects.filter(is_active=True, client__is_active=True)
        .select_related("client")
        .order_by("client__name", "name", "pk"),
        "courses": _offered_courses(),
    }
    initial = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
    form = EngagementForm(request.POST or None, initial=initial, **options)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.create_engagement(
                actor=request.user,
                client=data["client"],
                contact=data["contact"],
                course=data["course"],
                title=data["title"],
                participants=data["participants"],
                notes=data["notes"],
            ),
            redirect_to=lambda engagement: reverse("training_engagement", args=[engagement.pk]),
            message=lambda engagement: (
                _("Engagement %(ref)s created.") % {"ref": engagement.reference}
            ),
        )
        if response:
            return response
    return render(request, "training/sales/engagement_new.html", {"form": form})


@decide(requires(Perm.DELIVER_TRAINING))
def training_engagement(request: HttpRequest, pk: int) -> HttpResponse:
    """The engagement page: the sales summary and one panel per area. Trainers reach it for the
    engagements they deliver sessions of, and see no sales or money details."""
    found = access.get_object_or_404(request, m.Engagement, Perm.DELIVER_TRAINING, pk=pk)
    engagement = m.Engagement.objects.select_related("client", "contact", "course", "enquiry").get(
        pk=found.pk
    )
    sees_sales = access.has_perm(request.user, Perm.VIEW_TRAINING)
    context = {
        "engagement": engagement,
        "sees_sales": sees_sales,
        "can_manage": access.has_perm(request.user, Perm.MANAGE_TRAINING),
        "course_label": m.bilingual(
            engagement.course.title, engagement.course.title_cy, current_language()
        ),
    }
    if sees_sales:
        totals = engagement.sessions.aggregate(
            value=Sum("value", filter=~Q(status=c.SessionStatus.CANCELLED)),
            count=Count("pk", filter=~Q(status=c.SessionStatus.CANCELLED)),
            next_session=Min(
                "starts_at",
                filter=Q(status=c.SessionStatus.SCHEDULED, starts_at__gte=timezone.now()),
            ),
        )
        slas = list(
            engagement.slas.select_related("contact", "sent_by").order_by("-sent_at", "-pk")[:SHOWN]
        )
        context.update(
            totals=totals,
            proposals=list(engagement.proposals.order_by("-issued_at", "-pk")[:SHOWN]),
            slas=slas,
            current_sla=slas[0] if slas else None,
            can_quote=engagement.status in workflow.QUOTABLE,
            can_send_sla=engagement.status in workflow.BEFORE_SIGNING,
        )
    context.update(panels.engagement_panels(request, engagement))
    return render(request, "training/sales/engagement.html", context)


def _engagement(request: HttpRequest, pk: int, perm: str = Perm.MANAGE_TRAINING) -> m.Engagement:
    found = access.get_object_or_404(request, m.Engagement, perm, pk=pk)
    return m.Engagement.objects.select_related("client", "contact", "course").get(pk=found.pk)


# ---------------------------------------------------------------- quotes


@decide(requires(Perm.MANAGE_TRAINING))
def training_proposal_new(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    default_until = timezone.localdate() + timedelta(days=actions.PROPOSAL_DAYS)
    form = ProposalForm(request.POST or None, initial={"valid_until": default_until})
    language = engagement.language
    lines = actions.proposal_lines(engagement, language)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.issue_proposal(
                actor=request.user,
                engagement=engagement,
                valid_until=data["valid_until"],
                notes=data["notes"],
            ),
            redirect_to=reverse("training_engagement", args=[engagement.pk]),
            message=lambda proposal: (
                _("Quote %(number)s issued. Download it and send it to the client.")
                % {"number": proposal.number}
            ),
        )
        if response:
            return response
    return render(
        request,
        "training/sales/proposal_new.html",
        {"form": form, "engagement": engagement, "lines": lines, "language": language},
    )


@decide(requires(Perm.VIEW_TRAINING))
def training_proposal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = access.get_object_or_404(request, m.Proposal, Perm.VIEW_TRAINING, pk=pk)
    proposal = m.Proposal.objects.select_related(
        "organisation", "engagement__client", "engagement__contact"
    ).get(pk=proposal.pk)
    response = HttpResponse(proposal_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proposal_filename(proposal)}"'
    return response


# ---------------------------------------------------------------- the Service Level Agreement


@decide(requires(Perm.MANAGE_TRAINING))
def training_sla_send(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = _engagement(request, pk)
    contacts = m.ClientContact.objects.filter(client=engagement.client, is_active=True).order_by(
        "name", "pk"
    )
    form = SendAgreementForm(
        request.POST or None, contacts=contacts, initial={"contact": engagement.contact_id}
    )
    sessions = list(engagement.sessions.exclude(status=c.SessionStatus.CANCELLED))
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.send_sla(
                actor=request.user, engagement=engagement, contact=data["contact"]
            ),
            redirect_to=reverse("training_engagement", args=[engagement.pk]),
            message=lambda sla: (
                _("The agreement was emailed to %(name)s.")
                % {"name": form.cleaned_data["contact"].name}
            ),
        )
        if response:
            return response
    return render(
        request,
        "training/sales/sla_send.html",
        {
            "form": form,
            "engagement": engagement,
            "sessions": sessions,
            "total": sum((s.value for s in sessions), m.ZERO),
            "no_contacts": not contacts.exists(),
        },
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_sla_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    sla = access.get_object_or_404(request, m.ServiceLevelAgreement, Perm.MANAGE_TRAINING, pk=pk)
    sla = m.ServiceLevelAgreement.objects.select_related("engagement", "contact").get(pk=sla.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_sla(actor=request.user, sla=sla)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The agreement was withdrawn. Its link no longer works."))
            return redirect("training_engagement", pk=sla.engagement_id)
    return render(request, "training/sales/sla_withdraw.html", {"form": form, "sla": sla})


def _sla_sessions(terms: dict) -> list[dict]:
    sessions = []
    for s in terms.get("sessions", []):
        sessions.append(
            {
                "starts_at": timezone.localtime(datetime.fromisoformat(s["starts_at"])),
                "ends_at": timezone.localtime(datetime.fromisoformat(s["ends_at"])),
                "venue": s.get("venue", ""),
                "is_online": s.get("is_online", False),
                "value": Decimal(s["value"]),
            }
        )
    return sessions


def _agreement_language(request: HttpRequest, sla) -> str:
    """The contact's language, unless this browser chose one with the language switcher."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or sla is None:
        return current_language()
    return sla.language


@decide(PUBLIC)
def training_sla(request: HttpRequest, token: str) -> HttpResponse:
    """The agreement at its one-time link: no sign-in, the token is the credential. Unknown,
    withdrawn and expired links all answer 404 with a page saying what to do."""
    sla = actions.find_sla(token)
    language = _agreement_language(request, sla)
    with translation.override(language):
        request.LANGUAGE_CODE = language
        problem = actions.sla_problem(sla)
        if problem:
            organisation = sla.organisation.display_name(language) if sla else ""
            return render(
                request,
                "training/sales/sla_problem.html",
                {"message": problem, "organisation": organisation},
                status=404,
            )
        form = AcceptAgreementForm(request.POST or None)
        if request.method == "POST" and sla.status == c.SlaStatus.SENT and form.is_valid():
            try:
                actions.accept_sla(
                    sla=sla,
                    name=form.cleaned_data["name"],
                    job_title=form.cleaned_data["job_title"],
                    ip_address=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    agree=form.cleaned_data["agree"],
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("training_sla", token=token)
        accepted = sla.status == c.SlaStatus.ACCEPTED
        with organisation_scope(sla.organisation):
            snapshot = (
                sla.policy_snapshot if accepted else actions.policy_snapshot(sla.organisation)
            )
        terms = sla.terms or {}
        return render(
            request,
            "training/sales/sla.html",
            {
                "sla": sla,
                "form": form,
                "accepted": accepted,
                "organisation": sla.organisation.display_name(language),
                "client": sla.engagement.client.name,
                "course": m.bilingual(
                    terms.get("course", ""), terms.get("course_cy", ""), language
                ),
                "terms": terms,
                "sessions": _sla_sessions(terms),
                "policy": policy_terms(snapshot),
            },
        )
