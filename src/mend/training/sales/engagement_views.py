"""Sales pages: engagements (the list, a new one, the engagement page with every area's panel),
quotes and sending or withdrawing the Service Level Agreement."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min, Q, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import access
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page
from mend.core.web import current_language
from mend.training import actions, panels, workflow
from mend.training import choices as c
from mend.training import models as m
from mend.training.sales.forms import (
    ConfirmForm,
    EngagementForm,
    ProposalForm,
    SendAgreementForm,
    StatusFilterForm,
)
from mend.training.sales.proposals import proposal_filename, proposal_pdf
from mend.training.sales.queries import (
    engagements_with_parties,
    offered_courses,
    proposal_lines,
)
from mend.training.sales.views import SHOWN, list_page
from mend.training.web import TrainingRequest

# ---------------------------------------------------------------- engagements


@decide(requires(Perm.VIEW_TRAINING))
def training_engagements(request: TrainingRequest) -> HttpResponse:
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
    return list_page(
        request, "training/sales/engagements.html", form, engagements, ("-created_at", "-pk")
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_engagement_new(request: TrainingRequest) -> HttpResponse:
    options = {
        "clients": m.Client.objects.filter(is_active=True).order_by("name", "pk"),
        "contacts": m.ClientContact.objects.filter(is_active=True, client__is_active=True)
        .select_related("client")
        .order_by("client__name", "name", "pk"),
        "courses": offered_courses(),
    }
    initial = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
    form = EngagementForm(request.POST or None, initial=initial, **options)
    return form_page(
        request,
        form,
        lambda data: actions.create_engagement(actor=request.user, **data),
        redirect_to=lambda engagement: reverse("training_engagement", args=[engagement.pk]),
        message=lambda engagement: _("Engagement %(ref)s created.") % {"ref": engagement.reference},
        template="training/sales/engagement_new.html",
        context={"form": form},
    )


@decide(requires(Perm.DELIVER_TRAINING))
def training_engagement(request: TrainingRequest, pk: int) -> HttpResponse:
    """The engagement page: the sales summary and one panel per area. Trainers reach it for the
    engagements they deliver sessions of, and see no sales or money details."""
    engagement = access.get_object_or_404(
        request,
        m.Engagement.objects.select_related("client", "contact", "course", "enquiry"),
        Perm.DELIVER_TRAINING,
        pk=pk,
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


# ---------------------------------------------------------------- quotes


@decide(requires(Perm.MANAGE_TRAINING))
def training_proposal_new(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = access.get_object_or_404(
        request, engagements_with_parties(), Perm.MANAGE_TRAINING, pk=pk
    )
    default_until = timezone.localdate() + timedelta(days=actions.PROPOSAL_DAYS)
    form = ProposalForm(request.POST or None, initial={"valid_until": default_until})
    language = engagement.language
    lines = proposal_lines(engagement, language)
    return form_page(
        request,
        form,
        lambda data: actions.issue_proposal(actor=request.user, engagement=engagement, **data),
        redirect_to=reverse("training_engagement", args=[engagement.pk]),
        message=lambda proposal: (
            _("Quote %(number)s issued. Download it and send it to the client.")
            % {"number": proposal.number}
        ),
        template="training/sales/proposal_new.html",
        context={"form": form, "engagement": engagement, "lines": lines, "language": language},
    )


@decide(requires(Perm.VIEW_TRAINING))
def training_proposal_pdf(request: TrainingRequest, pk: int) -> HttpResponse:
    proposal = access.get_object_or_404(
        request,
        m.Proposal.objects.select_related(
            "organisation", "engagement__client", "engagement__contact"
        ),
        Perm.VIEW_TRAINING,
        pk=pk,
    )
    response = HttpResponse(proposal_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proposal_filename(proposal)}"'
    return response


# ---------------------------------------------------------------- the Service Level Agreement


@decide(requires(Perm.MANAGE_TRAINING))
def training_sla_send(request: TrainingRequest, pk: int) -> HttpResponse:
    engagement = access.get_object_or_404(
        request, engagements_with_parties(), Perm.MANAGE_TRAINING, pk=pk
    )
    contacts = m.ClientContact.objects.filter(client=engagement.client, is_active=True).order_by(
        "name", "pk"
    )
    form = SendAgreementForm(
        request.POST or None, contacts=contacts, initial={"contact": engagement.contact_id}
    )
    sessions = list(engagement.sessions.exclude(status=c.SessionStatus.CANCELLED))
    return form_page(
        request,
        form,
        lambda data: actions.send_sla(actor=request.user, engagement=engagement, **data),
        redirect_to=reverse("training_engagement", args=[engagement.pk]),
        message=lambda sla: (
            _("The agreement was emailed to %(name)s.")
            % {"name": form.cleaned_data["contact"].name}
        ),
        template="training/sales/sla_send.html",
        context=lambda: {
            "form": form,
            "engagement": engagement,
            "sessions": sessions,
            "total": sum((s.value for s in sessions), m.ZERO),
            "no_contacts": not contacts.exists(),
        },
    )


@decide(requires(Perm.MANAGE_TRAINING))
def training_sla_withdraw(request: TrainingRequest, pk: int) -> HttpResponse:
    sla = access.get_object_or_404(
        request,
        m.ServiceLevelAgreement.objects.select_related("engagement", "contact"),
        Perm.MANAGE_TRAINING,
        pk=pk,
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        lambda data: actions.withdraw_sla(actor=request.user, sla=sla),
        redirect_to=reverse("training_engagement", args=[sla.engagement_id]),
        message=_("The agreement was withdrawn. Its link no longer works."),
        template="training/sales/sla_withdraw.html",
        context={"form": form, "sla": sla},
    )
