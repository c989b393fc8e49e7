"""Outcomes: the case's Outcomes tab, support packages, agreements and payments, feedback
surveys (a public one-time page), and anonymised case studies (with their public pages)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.outcomes.actions import feedback_url, party_language
from mend.cases.outcomes.forms import (
    AgreementForm,
    AgreementItemForm,
    CaseStudyForm,
    FeedbackSendForm,
    ItemStatusForm,
    PaymentForm,
    SupportReferralForm,
    SupportUpdateForm,
    SurveyForm,
)
from mend.cases.workflow import current_consent
from mend.core import access
from mend.core.access import PUBLIC, decide, requires
from mend.core.forms import add_action_errors
from mend.core.models import Organisation
from mend.core.roles import Perm
from mend.core.submissions import already_done, handle_post, remember
from mend.core.tenancy import organisation_scope

SESSION_FEEDBACK_LINKS = "mend_feedback_links"


def _outcomes_url(case_pk: int) -> str:
    return reverse("case_outcomes", args=[case_pk])


def _page(request, template: str, case: m.Case, context: dict) -> HttpResponse:
    return render(request, template, {**tabs.tab_context(case, "case_outcomes"), **context})


# ---------------------------------------------------------------- the tab


@decide(requires(Perm.VIEW_CASES))
def case_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.VIEW_CASES, pk=pk)
    parties = list(
        m.Party.objects.filter(case=case)
        .select_related("person")
        .prefetch_related(
            "consents",
            Prefetch("support_referrals", queryset=m.SupportReferral.objects.order_by("id")),
            Prefetch("feedback_requests", queryset=m.FeedbackRequest.objects.order_by("-sent_at")),
        )
    )
    agreements = list(
        m.Agreement.objects.filter(case=case)
        .select_related("meeting")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=m.AgreementItem.objects.select_related(
                    "responsible__person", "serves__person"
                ).prefetch_related("payments"),
            )
        )
    )
    for agreement in agreements:
        for item in agreement.items.all():
            if item.amount is not None:
                item.paid_so_far = item.paid()
                item.balance = item.amount - item.paid_so_far
    for party in parties:
        party.feedback_consent = current_consent(party, c.ConsentScope.FEEDBACK) is not None
        party.case_study_consent = current_consent(party, c.ConsentScope.CASE_STUDY) is not None
        party.answered = [f for f in party.feedback_requests.all() if f.answered_at]
    follow_up = list(m.Task.objects.filter(case=case, kind="follow_up").order_by("due_on", "id"))
    studies = list(m.CaseStudy.objects.filter(case=case).order_by("-id"))
    can_work = access.has_perm(request.user, Perm.WORK_CASES)
    return _page(
        request,
        "cases/outcomes/tab.html",
        case,
        {
            "parties": parties,
            "agreements": agreements,
            "follow_up": follow_up,
            "studies": studies,
            "can_work": can_work,
            "can_publish": access.has_perm(request.user, Perm.PUBLISH_CASE_STUDIES),
            "now": timezone.now(),
        },
    )


# ---------------------------------------------------------------- support packages


@decide(requires(Perm.WORK_CASES))
def support_referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(request, m.Party, Perm.WORK_CASES, pk=pk)
    party = m.Party.objects.select_related("person", "case__case_type").get(pk=party.pk)
    case = party.case
    form = SupportReferralForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
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
            redirect_to=_outcomes_url(case.pk),
            message=_("Support referral added."),
        )
        if response:
            return response
    return _page(request, "cases/outcomes/support_form.html", case, {"form": form, "party": party})


@decide(requires(Perm.WORK_CASES))
def support_referral_edit(request: HttpRequest, pk: int) -> HttpResponse:
    referral = access.get_object_or_404(request, m.SupportReferral, Perm.WORK_CASES, pk=pk)
    party = m.Party.objects.select_related("person").get(pk=referral.party_id)
    case = m.Case.objects.select_related("case_type").get(pk=party.case_id)
    form = SupportUpdateForm(
        request.POST or None,
        initial={
            "provider": referral.provider,
            "status": referral.status,
            "referred_on": referral.referred_on,
            "outcome": referral.outcome,
            "fingerprint": actions.support_fingerprint(referral),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_support_referral(
                actor=request.user,
                referral=referral,
                status=data["status"],
                provider=data["provider"],
                referred_on=data["referred_on"],
                outcome=data["outcome"],
                fingerprint=data["fingerprint"] or None,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Support referral updated."))
            return redirect(_outcomes_url(case.pk))
    return _page(
        request,
        "cases/outcomes/support_edit.html",
        case,
        {"form": form, "party": party, "referral": referral},
    )


# ---------------------------------------------------------------- agreements


@decide(requires(Perm.WORK_CASES))
def agreement_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    meetings = list(m.Meeting.objects.filter(case=case).order_by("starts_at"))
    form = AgreementForm(request.POST or None, meetings=meetings)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.create_agreement(
                actor=request.user,
                case=case,
                made_on=data["made_on"],
                meeting=next((mt for mt in meetings if str(mt.pk) == data["meeting"]), None),
            ),
            redirect_to=lambda agreement: reverse("agreement_item_new", args=[agreement.pk]),
            message=_("Agreement recorded. Now add what was agreed."),
        )
        if response:
            return response
    return _page(request, "cases/outcomes/agreement_form.html", case, {"form": form})


@decide(requires(Perm.WORK_CASES))
def agreement_item_new(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = access.get_object_or_404(request, m.Agreement, Perm.WORK_CASES, pk=pk)
    case = m.Case.objects.select_related("case_type").get(pk=agreement.case_id)
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


def _item(request, pk: int) -> tuple[m.AgreementItem, m.Case]:
    item = access.get_object_or_404(
        request,
        m.AgreementItem,
        Perm.WORK_CASES,
        pk=pk,
    )
    item = (
        m.AgreementItem.objects.select_related("responsible__person", "serves__person", "agreement")
        .prefetch_related("payments")
        .get(pk=item.pk)
    )
    case = m.Case.objects.select_related("case_type").get(pk=item.agreement.case_id)
    if item.amount is not None:
        item.paid_so_far = item.paid()
        item.balance = item.amount - item.paid_so_far
    return item, case


@decide(requires(Perm.WORK_CASES))
def payment_new(request: HttpRequest, pk: int) -> HttpResponse:
    item, case = _item(request, pk)
    if item.kind != c.AgreementItemKind.RESTITUTION:
        raise Http404
    form = PaymentForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.record_payment(
                actor=request.user, item=item, amount=data["amount"], paid_on=data["paid_on"]
            ),
            redirect_to=_outcomes_url(case.pk),
            message=_("Payment recorded."),
        )
        if response:
            return response
    return _page(request, "cases/outcomes/payment_form.html", case, {"form": form, "item": item})


@decide(requires(Perm.WORK_CASES))
def agreement_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item, case = _item(request, pk)
    form = ItemStatusForm(request.POST or None, initial={"status": item.status})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_item_status(
                actor=request.user, item=item, status=form.cleaned_data["status"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Agreement item updated."))
            return redirect(_outcomes_url(case.pk))
    return _page(request, "cases/outcomes/item_status.html", case, {"form": form, "item": item})


# ---------------------------------------------------------------- feedback


@decide(requires(Perm.WORK_CASES))
def feedback_send(request: HttpRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(request, m.Party, Perm.WORK_CASES, pk=pk)
    party = (
        m.Party.objects.select_related("person", "case__case_type")
        .prefetch_related("consents")
        .get(pk=party.pk)
    )
    case = party.case
    has_consent = current_consent(party, c.ConsentScope.FEEDBACK) is not None
    has_email = bool(((party.person.contact or {}).get("email") or "").strip())
    form = FeedbackSendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done = already_done(request, request.POST.get("submission_id"))
        if done:
            return redirect(done)
        if form.is_valid():
            try:
                feedback, token, emailed = actions.send_feedback_request(
                    actor=request.user, party=party
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                if emailed:
                    target = _outcomes_url(case.pk)
                    messages.success(
                        request,
                        _("The survey link was emailed to %(name)s.") % {"name": party.person},
                    )
                else:
                    links = dict(request.session.get(SESSION_FEEDBACK_LINKS, {}))
                    links[str(feedback.pk)] = feedback_url(token)
                    request.session[SESSION_FEEDBACK_LINKS] = links
                    target = reverse("feedback_link", args=[feedback.pk])
                remember(request, form.cleaned_data.get("submission_id"), target)
                return redirect(target)
    return _page(
        request,
        "cases/outcomes/feedback_send.html",
        case,
        {"form": form, "party": party, "has_consent": has_consent, "has_email": has_email},
    )


@decide(requires(Perm.WORK_CASES))
def feedback_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Shows a survey link once, for the practitioner to pass on (only its hash is kept)."""
    feedback = access.get_object_or_404(request, m.FeedbackRequest, Perm.WORK_CASES, pk=pk)
    party = m.Party.objects.select_related("person").get(pk=feedback.party_id)
    case = m.Case.objects.select_related("case_type").get(pk=party.case_id)
    links = dict(request.session.get(SESSION_FEEDBACK_LINKS, {}))
    url = links.pop(str(feedback.pk), None)
    request.session[SESSION_FEEDBACK_LINKS] = links
    return _page(
        request,
        "cases/outcomes/feedback_link.html",
        case,
        {"feedback": feedback, "party": party, "url": url},
    )


@decide(PUBLIC)
def feedback_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time survey: no sign-in, the token is the credential."""
    from django.conf import settings

    feedback = actions.find_feedback_request(token)
    if feedback is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # Nobody chose a language in this browser: use the one the person prefers.
        with organisation_scope(feedback.organisation):
            translation.activate(party_language(feedback.party))
            request.LANGUAGE_CODE = translation.get_language()
    problem = actions.feedback_problem(feedback)
    organisation = feedback.organisation if feedback else None
    if problem:
        status, message = problem
        return render(
            request,
            "cases/outcomes/survey_problem.html",
            {"message": message, "organisation": organisation},
            status=status,
        )
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.answer_feedback(
                token=token,
                satisfaction=data["satisfaction"],
                felt_safe=data["felt_safe"] == "yes",
                felt_heard=data["felt_heard"] == "yes",
                would_recommend=data["would_recommend"] == "yes",
                comments=data["comments"],
                may_quote_anonymously=data["may_quote_anonymously"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect("feedback_survey", token=token)
    language = translation.get_language() or "en"
    return render(
        request,
        "cases/outcomes/survey.html",
        {"form": form, "organisation_name": organisation.display_name(language)},
    )


# ---------------------------------------------------------------- case studies


@decide(requires(Perm.WORK_CASES))
def case_study_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    form = FeedbackSendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.draft_case_study(actor=request.user, case=case),
            redirect_to=lambda study: reverse("case_study_edit", args=[study.pk]),
            message=_("Draft case study created. Read it carefully and edit it."),
        )
        if response:
            return response
    return _page(request, "cases/outcomes/case_study_new.html", case, {"form": form})


def _study(request, pk: int, perm: str) -> tuple[m.CaseStudy, m.Case]:
    study = access.get_object_or_404(request, m.CaseStudy, perm, pk=pk)
    case = m.Case.objects.select_related("case_type").get(pk=study.case_id)
    return study, case


@decide(requires(Perm.WORK_CASES))
def case_study_edit(request: HttpRequest, pk: int) -> HttpResponse:
    study, case = _study(request, pk, Perm.WORK_CASES)
    form = CaseStudyForm(
        request.POST or None,
        initial={"title": study.title, "narrative": study.narrative, "version": study.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.edit_case_study(
                actor=request.user,
                study=study,
                title=data["title"],
                narrative=data["narrative"],
                version=data.get("version"),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Case study saved."))
            return redirect("case_study_edit", pk=study.pk)
    can_publish = access.has_perm(request.user, Perm.PUBLISH_CASE_STUDIES)
    return _page(
        request,
        "cases/outcomes/case_study_edit.html",
        case,
        {
            "form": form,
            "study": study,
            "can_publish": can_publish,
            "missing_consents": actions.missing_case_study_consents(case) if can_publish else [],
            "organisation_slug": request.organisation.slug,
        },
    )


def _publishing(request, pk: int, act, done_message: str) -> HttpResponse:
    study, _case = _study(request, pk, Perm.PUBLISH_CASE_STUDIES)
    try:
        act(actor=request.user, study=study)
    except ValidationError as exc:
        for reason in exc.messages:
            messages.error(request, reason)
    else:
        messages.success(request, done_message)
    return redirect("case_study_edit", pk=study.pk)


@require_POST
@decide(requires(Perm.PUBLISH_CASE_STUDIES))
def case_study_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _publishing(request, pk, actions.approve_case_study, _("Case study approved."))


@require_POST
@decide(requires(Perm.PUBLISH_CASE_STUDIES))
def case_study_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _publishing(request, pk, actions.publish_case_study, _("Case study published."))


@require_POST
@decide(requires(Perm.PUBLISH_CASE_STUDIES))
def case_study_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _publishing(
        request, pk, actions.unpublish_case_study, _("Case study taken off the public page.")
    )


# ---------------------------------------------------------------- public stories


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


@decide(PUBLIC)
def stories(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(slug)
    published = list(
        m.CaseStudy.across_organisations.filter(
            organisation=organisation, published_at__isnull=False
        ).order_by("-published_at", "-id")
    )
    language = translation.get_language() or "en"
    return render(
        request,
        "cases/outcomes/stories.html",
        {
            "stories": published,
            "organisation_name": organisation.display_name(language),
            "slug": organisation.slug,
        },
    )


@decide(PUBLIC)
def story(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(slug)
    found = m.CaseStudy.across_organisations.filter(
        organisation=organisation, published_at__isnull=False, pk=pk
    ).first()
    if found is None:
        raise Http404
    language = translation.get_language() or "en"
    return render(
        request,
        "cases/outcomes/story.html",
        {
            "story": found,
            "paragraphs": [p for p in found.narrative.split("\n\n") if p.strip()],
            "organisation_name": organisation.display_name(language),
            "slug": organisation.slug,
        },
    )
