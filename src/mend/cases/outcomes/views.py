"""Outcomes: the case's Outcomes tab, support packages, agreements and payments, sending feedback
surveys, and anonymised case studies. The survey itself and the published case studies are
public pages, in `outcomes/public.py`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.outcomes import queries
from mend.cases.outcomes.forms import (
    AgreementForm,
    AgreementItemForm,
    CaseStudyForm,
    FeedbackSendForm,
    ItemStatusForm,
    PaymentForm,
    SupportReferralForm,
    SupportUpdateForm,
)
from mend.cases.web import CaseRequest
from mend.cases.workflow import current_consent
from mend.core import access
from mend.core.access import decide, requires
from mend.core.forms import GovukForm
from mend.core.roles import Perm
from mend.core.submissions import form_page, handle_post

SESSION_FEEDBACK_LINKS = "mend_feedback_links"


def _outcomes_url(case_pk: int) -> str:
    return reverse("case_outcomes", args=[case_pk])


def _page(request, template: str, case: m.Case, context: dict) -> HttpResponse:
    return render(request, template, {**tabs.tab_context(case, "case_outcomes"), **context})


def _form_page(
    request, form, act, template: str, case: m.Case, context: dict, **post
) -> HttpResponse:
    """A form page on the outcomes tab (see `form_page`; `post` is `redirect_to` and `message`)."""
    return form_page(
        request, form, act, template, {**tabs.tab_context(case, "case_outcomes"), **context}, **post
    )


# ---------------------------------------------------------------- the tab


@decide(requires(Perm.VIEW_CASES))
def case_outcomes(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.VIEW_CASES, pk=pk)
    follow_up = list(m.Task.objects.filter(case=case, kind="follow_up").order_by("due_on", "id"))
    return _page(
        request,
        "cases/outcomes/tab.html",
        case,
        {
            "parties": queries.outcome_parties(case),
            "agreements": queries.agreements(case),
            "follow_up": follow_up,
            "studies": list(m.CaseStudy.objects.filter(case=case).order_by("-id")),
            "can_work": access.has_perm(request.user, Perm.WORK_CASES),
            "can_publish": access.has_perm(request.user, Perm.PUBLISH_CASE_STUDIES),
            "now": timezone.now(),
        },
    )


# ---------------------------------------------------------------- support packages


@decide(requires(Perm.WORK_CASES))
def support_referral_new(request: CaseRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(
        request,
        m.Party.objects.select_related("person", "case__case_type"),
        Perm.WORK_CASES,
        pk=pk,
    )
    case = party.case
    form = SupportReferralForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: actions.add_support_referral(
            actor=request.user,
            party=party,
            service=data["service"],
            provider=data["provider"],
            status=data["status"],
            referred_on=data["referred_on"],
            outcome=data["outcome"],
        ),
        "cases/outcomes/support_form.html",
        case,
        {"form": form, "party": party},
        redirect_to=_outcomes_url(case.pk),
        message=_("Support referral added."),
    )


@decide(requires(Perm.WORK_CASES))
def support_referral_edit(request: CaseRequest, pk: int) -> HttpResponse:
    referral = access.get_object_or_404(
        request,
        m.SupportReferral.objects.select_related("party__person", "party__case__case_type"),
        Perm.WORK_CASES,
        pk=pk,
    )
    party = referral.party
    case = party.case
    form = SupportUpdateForm(
        request.POST or None,
        initial={
            "provider": referral.provider,
            "status": referral.status,
            "referred_on": referral.referred_on,
            "outcome": referral.outcome,
            "version": referral.version,
        },
    )
    return _form_page(
        request,
        form,
        lambda data: actions.update_support_referral(
            actor=request.user,
            referral=referral,
            status=data["status"],
            provider=data["provider"],
            referred_on=data["referred_on"],
            outcome=data["outcome"],
            version=data.get("version"),
        ),
        "cases/outcomes/support_edit.html",
        case,
        {"form": form, "party": party, "referral": referral},
        redirect_to=_outcomes_url(case.pk),
        message=_("Support referral updated."),
    )


# ---------------------------------------------------------------- agreements


@decide(requires(Perm.WORK_CASES))
def agreement_new(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    meetings = list(m.Meeting.objects.filter(case=case).order_by("starts_at"))
    form = AgreementForm(request.POST or None, meetings=meetings)
    return _form_page(
        request,
        form,
        lambda data: actions.create_agreement(
            actor=request.user,
            case=case,
            made_on=data["made_on"],
            meeting=next((mt for mt in meetings if str(mt.pk) == data["meeting"]), None),
        ),
        "cases/outcomes/agreement_form.html",
        case,
        {"form": form},
        redirect_to=lambda agreement: reverse("agreement_item_new", args=[agreement.pk]),
        message=_("Agreement recorded. Now add what was agreed."),
    )


@decide(requires(Perm.WORK_CASES))
def agreement_item_new(request: CaseRequest, pk: int) -> HttpResponse:
    agreement = access.get_object_or_404(
        request, m.Agreement.objects.select_related("case__case_type"), Perm.WORK_CASES, pk=pk
    )
    case = agreement.case
    parties = list(m.Party.objects.filter(case=case).select_related("person"))
    responsible = [p for p in parties if p.role == c.PartyRole.RESPONSIBLE]
    harmed = [p for p in parties if p.role == c.PartyRole.HARMED]
    form = AgreementItemForm(request.POST or None, responsible=responsible, harmed=harmed)
    if request.method == "POST":
        by_pk = {str(p.pk): p for p in parties}
        response = handle_post(
            request,
            form,
            lambda data: actions.add_agreement_item(
                actor=request.user,
                agreement=agreement,
                kind=data["kind"],
                responsible=by_pk[data["responsible"]],
                serves=by_pk.get(data["serves"]),
                description=data["description"],
                amount=data["amount"],
                due_on=data["due_on"],
            ),
            redirect_to=_outcomes_url(case.pk),
            message=_("Agreement item added."),
        )
        if response:
            return response
    return _page(
        request,
        "cases/outcomes/item_form.html",
        case,
        {"form": form, "agreement": agreement, "no_responsible": not responsible},
    )


@decide(requires(Perm.WORK_CASES))
def payment_new(request: CaseRequest, pk: int) -> HttpResponse:
    item = queries.with_balance(
        access.get_object_or_404(request, queries.agreement_items(), Perm.WORK_CASES, pk=pk)
    )
    case = item.agreement.case
    if item.kind != c.AgreementItemKind.RESTITUTION:
        raise Http404
    form = PaymentForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: actions.record_payment(
            actor=request.user, item=item, amount=data["amount"], paid_on=data["paid_on"]
        ),
        "cases/outcomes/payment_form.html",
        case,
        {"form": form, "item": item},
        redirect_to=_outcomes_url(case.pk),
        message=_("Payment recorded."),
    )


@decide(requires(Perm.WORK_CASES))
def agreement_item_status(request: CaseRequest, pk: int) -> HttpResponse:
    item = queries.with_balance(
        access.get_object_or_404(request, queries.agreement_items(), Perm.WORK_CASES, pk=pk)
    )
    case = item.agreement.case
    form = ItemStatusForm(request.POST or None, initial={"status": item.status})
    return _form_page(
        request,
        form,
        lambda data: actions.set_item_status(actor=request.user, item=item, status=data["status"]),
        "cases/outcomes/item_status.html",
        case,
        {"form": form, "item": item},
        redirect_to=_outcomes_url(case.pk),
        message=_("Agreement item updated."),
    )


# ---------------------------------------------------------------- feedback


@decide(requires(Perm.WORK_CASES))
def feedback_send(request: CaseRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(
        request,
        m.Party.objects.select_related("person", "case__case_type").prefetch_related("consents"),
        Perm.WORK_CASES,
        pk=pk,
    )
    case = party.case
    has_consent = current_consent(party, c.ConsentScope.FEEDBACK) is not None
    has_email = bool(((party.person.contact or {}).get("email") or "").strip())
    form = FeedbackSendForm(request.POST if request.method == "POST" else None)

    def send(data: dict) -> str:
        """Send the survey; where to go next (the link is shown once when it was not emailed)."""
        feedback, token, emailed = actions.send_feedback_request(actor=request.user, party=party)
        if emailed:
            messages.success(
                request, _("The survey link was emailed to %(name)s.") % {"name": party.person}
            )
            return _outcomes_url(case.pk)
        links = dict(request.session.get(SESSION_FEEDBACK_LINKS, {}))
        links[str(feedback.pk)] = queries.feedback_url(token)
        request.session[SESSION_FEEDBACK_LINKS] = links
        return reverse("feedback_link", args=[feedback.pk])

    return _form_page(
        request,
        form,
        send,
        "cases/outcomes/feedback_send.html",
        case,
        {"form": form, "party": party, "has_consent": has_consent, "has_email": has_email},
        redirect_to=lambda target: target,
    )


@decide(requires(Perm.WORK_CASES))
def feedback_link(request: CaseRequest, pk: int) -> HttpResponse:
    """Shows a survey link once, for the practitioner to pass on (only its hash is kept)."""
    feedback = access.get_object_or_404(
        request,
        m.FeedbackRequest.objects.select_related("party__person", "party__case__case_type"),
        Perm.WORK_CASES,
        pk=pk,
    )
    party = feedback.party
    links = dict(request.session.get(SESSION_FEEDBACK_LINKS, {}))
    url = links.pop(str(feedback.pk), None)
    request.session[SESSION_FEEDBACK_LINKS] = links
    return _page(
        request,
        "cases/outcomes/feedback_link.html",
        party.case,
        {"feedback": feedback, "party": party, "url": url},
    )


# ---------------------------------------------------------------- case studies


@decide(requires(Perm.WORK_CASES))
def case_study_new(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    form = FeedbackSendForm(request.POST if request.method == "POST" else None)
    return _form_page(
        request,
        form,
        lambda data: actions.draft_case_study(actor=request.user, case=case),
        "cases/outcomes/case_study_new.html",
        case,
        {"form": form},
        redirect_to=lambda study: reverse("case_study_edit", args=[study.pk]),
        message=_("Draft case study created. Read it carefully and edit it."),
    )


def _studies():
    return m.CaseStudy.objects.select_related("case__case_type")


@decide(requires(Perm.WORK_CASES))
def case_study_edit(request: CaseRequest, pk: int) -> HttpResponse:
    study = access.get_object_or_404(request, _studies(), Perm.WORK_CASES, pk=pk)
    case = study.case
    form = CaseStudyForm(
        request.POST or None,
        initial={"title": study.title, "narrative": study.narrative, "version": study.version},
    )
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.edit_case_study(
                actor=request.user,
                study=study,
                title=data["title"],
                narrative=data["narrative"],
                version=data.get("version"),
            ),
            redirect_to=reverse("case_study_edit", args=[study.pk]),
            message=_("Case study saved."),
        )
        if response:
            return response
    can_publish = access.has_perm(request.user, Perm.PUBLISH_CASE_STUDIES)
    return _page(
        request,
        "cases/outcomes/case_study_edit.html",
        case,
        {
            "form": form,
            "study": study,
            "can_publish": can_publish,
            "missing_consents": queries.missing_case_study_consents(case) if can_publish else [],
            "organisation_slug": request.organisation.slug,
        },
    )


def _publishing(request, pk: int, act, done_message: str) -> HttpResponse:
    """Approve, publish or unpublish: back to the study, with every reason it was refused."""
    study = access.get_object_or_404(request, _studies(), Perm.PUBLISH_CASE_STUDIES, pk=pk)
    target = reverse("case_study_edit", args=[study.pk])
    form = GovukForm(request.POST)
    response = handle_post(
        request,
        form,
        lambda data: act(actor=request.user, study=study),
        redirect_to=target,
        message=done_message,
    )
    if response:
        return response
    for reason in form.non_field_errors():
        messages.error(request, reason)  # type: ignore[arg-type]  # non-field errors are strings here
    return redirect(target)


@require_POST
@decide(requires(Perm.PUBLISH_CASE_STUDIES))
def case_study_approve(request: CaseRequest, pk: int) -> HttpResponse:
    return _publishing(request, pk, actions.approve_case_study, _("Case study approved."))


@require_POST
@decide(requires(Perm.PUBLISH_CASE_STUDIES))
def case_study_publish(request: CaseRequest, pk: int) -> HttpResponse:
    return _publishing(request, pk, actions.publish_case_study, _("Case study published."))


@require_POST
@decide(requires(Perm.PUBLISH_CASE_STUDIES))
def case_study_unpublish(request: CaseRequest, pk: int) -> HttpResponse:
    return _publishing(
        request, pk, actions.unpublish_case_study, _("Case study taken off the public page.")
    )
