"""Outcomes: the case's Outcomes tab, support packages, agreements and payments, sending feedback
surveys, and anonymised case studies. The survey itself and the published case studies are
public pages, in `outcomes/public.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
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
from mend.core.submissions import form_page, handle_button

SESSION_FEEDBACK_LINKS = "mend_feedback_links"


def _outcomes_url(case_pk: int) -> str:
    return reverse("case_outcomes", args=[case_pk])


def _study_url(study: m.CaseStudy) -> str:
    return reverse("case_study_edit", args=[study.pk])


def _page(request, template: str, case: m.Case, context: dict) -> HttpResponse:
    return render(request, template, {**tabs.tab_context(case, "case_outcomes"), **context})


def _form_page(
    request,
    form,
    act,
    template: str,
    case: m.Case,
    context: dict | Callable[[], dict] | None = None,
    *,
    redirect_to: str | Callable[[Any], str] | None = None,
    message: str | None = None,
) -> HttpResponse:
    """A form page on the outcomes tab (see `form_page`): the form is shown with `context` (a
    function when its data is only worth reading when the page is shown); once done, back to the
    tab unless `redirect_to` says where."""

    def page_context() -> dict:
        extra = context() if callable(context) else context or {}
        return {**tabs.tab_context(case, "case_outcomes"), "form": form, **extra}

    return form_page(
        request,
        form,
        act,
        template,
        page_context,
        redirect_to=redirect_to or _outcomes_url(case.pk),
        message=message,
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
    party = access.get_object_or_404(request, queries.parties(), Perm.WORK_CASES, pk=pk)
    form = SupportReferralForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda data: actions.add_support_referral(actor=request.user, party=party, **data),
        "cases/outcomes/support_form.html",
        party.case,
        {"party": party},
        message=_("Support referral added."),
    )


@decide(requires(Perm.WORK_CASES))
def support_referral_edit(request: CaseRequest, pk: int) -> HttpResponse:
    referral = access.get_object_or_404(
        request, queries.with_party(m.SupportReferral), Perm.WORK_CASES, pk=pk
    )
    form = SupportUpdateForm.editing(referral, request.POST)
    return _form_page(
        request,
        form,
        lambda data: actions.update_support_referral(actor=request.user, referral=referral, **data),
        "cases/outcomes/support_edit.html",
        referral.party.case,
        {"party": referral.party, "referral": referral},
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
    by_pk = {str(p.pk): p for p in parties}
    return _form_page(
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
        "cases/outcomes/item_form.html",
        case,
        {"agreement": agreement, "no_responsible": not responsible},
        message=_("Agreement item added."),
    )


def _agreement_item(request: CaseRequest, pk: int) -> m.AgreementItem:
    """The agreement item, with its people and balance, for someone who works on the case."""
    return queries.with_balance(
        access.get_object_or_404(request, queries.agreement_items(), Perm.WORK_CASES, pk=pk)
    )


def _item_page(
    request: CaseRequest, item: m.AgreementItem, form, action, template: str, message: str
) -> HttpResponse:
    """A form page about one agreement item: `action` is given the item and the form's data."""
    return _form_page(
        request,
        form,
        lambda data: action(actor=request.user, item=item, **data),
        template,
        item.agreement.case,
        {"item": item},
        message=message,
    )


@decide(requires(Perm.WORK_CASES))
def payment_new(request: CaseRequest, pk: int) -> HttpResponse:
    item = _agreement_item(request, pk)
    if item.kind != c.AgreementItemKind.RESTITUTION:
        raise Http404
    return _item_page(
        request,
        item,
        PaymentForm(request.POST or None),
        actions.record_payment,
        "cases/outcomes/payment_form.html",
        _("Payment recorded."),
    )


@decide(requires(Perm.WORK_CASES))
def agreement_item_status(request: CaseRequest, pk: int) -> HttpResponse:
    item = _agreement_item(request, pk)
    return _item_page(
        request,
        item,
        ItemStatusForm.editing(item, request.POST),
        actions.set_item_status,
        "cases/outcomes/item_status.html",
        _("Agreement item updated."),
    )


# ---------------------------------------------------------------- feedback


@decide(requires(Perm.WORK_CASES))
def feedback_send(request: CaseRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(
        request, queries.parties().prefetch_related("consents"), Perm.WORK_CASES, pk=pk
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
        {"party": party, "has_consent": has_consent, "has_email": has_email},
        redirect_to=lambda target: target,
    )


@decide(requires(Perm.WORK_CASES))
def feedback_link(request: CaseRequest, pk: int) -> HttpResponse:
    """Shows a survey link once, for the practitioner to pass on (only its hash is kept)."""
    feedback = access.get_object_or_404(
        request, queries.with_party(m.FeedbackRequest), Perm.WORK_CASES, pk=pk
    )
    links = dict(request.session.get(SESSION_FEEDBACK_LINKS, {}))
    url = links.pop(str(feedback.pk), None)
    request.session[SESSION_FEEDBACK_LINKS] = links
    return _page(
        request,
        "cases/outcomes/feedback_link.html",
        feedback.party.case,
        {"feedback": feedback, "party": feedback.party, "url": url},
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
        redirect_to=_study_url,
        message=_("Draft case study created. Read it carefully and edit it."),
    )


@decide(requires(Perm.WORK_CASES))
def case_study_edit(request: CaseRequest, pk: int) -> HttpResponse:
    study = access.get_object_or_404(request, queries.case_studies(), Perm.WORK_CASES, pk=pk)
    can_publish = access.has_perm(request.user, Perm.PUBLISH_CASE_STUDIES)
    form = CaseStudyForm.editing(study, request.POST)
    return _form_page(
        request,
        form,
        lambda data: actions.edit_case_study(actor=request.user, study=study, **data),
        "cases/outcomes/case_study_edit.html",
        study.case,
        lambda: {
            "study": study,
            "can_publish": can_publish,
            "missing_consents": (
                queries.missing_case_study_consents(study.case) if can_publish else []
            ),
            "organisation_slug": request.organisation.slug,
        },
        redirect_to=_study_url(study),
        message=_("Case study saved."),
    )


def _publishing(request, pk: int, act, done_message: str) -> HttpResponse:
    """Approve, publish or unpublish: back to the study, with every reason it was refused."""
    study = access.get_object_or_404(
        request, queries.case_studies(), Perm.PUBLISH_CASE_STUDIES, pk=pk
    )
    return handle_button(
        request,
        GovukForm(request.POST),
        lambda data: act(actor=request.user, study=study),
        redirect_to=_study_url(study),
        message=done_message,
    )


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
