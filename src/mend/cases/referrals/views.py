"""Referrals: staff entry, partner referrers' pages, accept or decline (the public
self-referral is in public.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.cases import actions
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.casework import clocks
from mend.cases.referrals import queries
from mend.cases.referrals.forms import (
    AcceptForm,
    DeclineForm,
    PartnerReferralForm,
    StaffReferralForm,
)
from mend.cases.web import CaseRequest
from mend.core import access
from mend.core.access import decide, requires
from mend.core.models import Team
from mend.core.roles import Perm
from mend.core.submissions import form_page, handle_post
from mend.core.web import current_language, keyset_page


def _referral_page(
    request: CaseRequest,
    form_class: type[StaffReferralForm | PartnerReferralForm],
    refer: Callable[..., m.Case],
    template: str,
    *,
    then: str,
    message: str,
    **options: object,
) -> HttpResponse:
    """A referral form's page (the form takes an uploaded file): `refer` records the case from
    the form's answers, then the person is sent to the `then` page of the new case with
    `message`, which names its reference (`%(ref)s`)."""
    posted = request.method == "POST"
    form = form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        case_types=m.CaseType.objects.filter(is_active=True),
        language=current_language(),
        **options,
    )
    return form_page(
        request,
        form,
        lambda data: refer(
            actor=request.user, organisation=request.organisation, **form.referral(data)
        ),
        template,
        {"form": form},
        redirect_to=lambda case: reverse(then, args=[case.pk]),
        message=lambda case: message % {"ref": case.reference},
    )


# ---------------------------------------------------------------- staff entry


@decide(requires(Perm.CREATE_CASES))
def referral_new(request: CaseRequest) -> HttpResponse:
    return _referral_page(
        request,
        StaffReferralForm,
        actions.enter_referral,
        "cases/referrals/new.html",
        then="case_detail",
        message=_("Referral %(ref)s recorded."),
        factors=m.ComplexityFactor.objects.all(),
        teams=Team.objects.all(),
    )


# ---------------------------------------------------------------- referrals waiting for a decision


@decide(requires(Perm.ALLOCATE_CASES))
def referral_queue(request: CaseRequest) -> HttpResponse:
    cases = (
        m.Case.objects.for_user(request.user, Perm.ALLOCATE_CASES)
        .filter(status=c.Status.REFERRED)
        .select_related("case_type", "team")
    )
    page = keyset_page(request, cases, ("received_on", "pk"))
    today = timezone.localdate()
    rows = []
    for case in page:
        due = [clock for clock in clocks.clocks_for(case) if not clock.done_on]
        rows.append(
            {
                "case": case,
                "case_type": case.case_type.display_name(current_language()),
                "clocks": [(clock, clock.state(today)) for clock in due],
            }
        )
    return render(request, "cases/referrals/queue.html", {"rows": rows, "page": page})


# ---------------------------------------------------------------- accept or decline


def _referrer_lines(case: m.Case) -> list[str]:
    contact = case.referrer_contact or {}
    return [contact[k] for k in ("name", "role", "email", "phone") if contact.get(k)]


@decide(requires(Perm.ALLOCATE_CASES))
def referral_decide(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(
        request,
        m.Case.objects.select_related("case_type", "team").prefetch_related(  # type: ignore[type-var]  # stubs cannot type Prefetches of different models in one call
            "complexity_factors",
            Prefetch("parties", queryset=m.Party.objects.select_related("person")),
            Prefetch(
                "risk_assessments", queryset=m.RiskAssessment.objects.filter(is_handover=True)
            ),
        ),
        Perm.ALLOCATE_CASES,
        pk=pk,
    )
    accept_form: AcceptForm | DeclineForm = AcceptForm.editing(case)
    decline_form: AcceptForm | DeclineForm = DeclineForm.editing(case)
    refused: list[str] = []
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("accept", "decline"):
            raise Http404
        form_class = AcceptForm if decision == "accept" else DeclineForm
        form = form_class(request.POST)

        def act(data: dict) -> m.Case:
            try:
                return actions.transition(
                    actor=request.user,
                    case=case,
                    name=decision,
                    reason=data.get("reason", ""),
                    version=data.get("version"),
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                refused.extend(exc.messages)
                raise

        if decision == "accept":
            done = {
                "redirect_to": reverse("case_detail", args=[case.pk]),
                "message": _("Referral %(ref)s accepted. The referrer has been told.")
                % {"ref": case.reference},
            }
        else:
            done = {
                "redirect_to": reverse("referral_queue"),
                "message": _("Referral %(ref)s declined. The referrer has been told the reason.")
                % {"ref": case.reference},
            }
        response = handle_post(request, form, act, **done)
        if response:
            return response
        if refused:
            # The refusal is listed above both forms, not on the one that was sent.
            form = form_class(request.POST)
            form.is_valid()
        if decision == "accept":
            accept_form = form
        else:
            decline_form = form
    language = current_language()
    return render(
        request,
        "cases/referrals/decide.html",
        {
            "case": case,
            "case_type": case.case_type.display_name(language),
            "contact": _referrer_lines(case),
            "handovers": list(case.risk_assessments.all()),
            "parties": list(case.parties.all()),
            "factors": list(case.complexity_factors.all()),
            "accept_form": accept_form,
            "decline_form": decline_form,
            "refused": refused,
            "is_referred": case.status == c.Status.REFERRED,
        },
    )


# ---------------------------------------------------------------- partner-agency referrers


@decide(requires(Perm.REFER))
def referral_submit(request: CaseRequest) -> HttpResponse:
    return _referral_page(
        request,
        PartnerReferralForm,
        actions.submit_partner_referral,
        "cases/referrals/submit.html",
        then="referral_status",
        message=_("Thank you. Your referral's reference is %(ref)s."),
    )


def _my_referrals(request: CaseRequest) -> QuerySet[m.Case]:
    return m.Case.objects.for_user(request.user, Perm.REFER).filter(referrer=request.user)


@decide(requires(Perm.REFER))
def referral_mine(request: CaseRequest) -> HttpResponse:
    cases = (
        _my_referrals(request)
        .select_related("case_type")
        .annotate(last_change=Max("status_changes__at"))
    )
    page = keyset_page(request, cases, ("-received_on", "-pk"))
    language = current_language()
    rows = [{"case": case, "case_type": case.case_type.display_name(language)} for case in page]
    return render(request, "cases/referrals/mine.html", {"rows": rows, "page": page})


@decide(requires(Perm.REFER))
def referral_status(request: CaseRequest, pk: int) -> HttpResponse:
    """What a referrer may know: the status, its history, the decision and what they gave us."""
    case = access.get_object_or_404(
        request, _my_referrals(request).select_related("case_type"), Perm.REFER, pk=pk
    )
    history = list(
        m.StatusChange.objects.filter(case=case).only("to_status", "transition", "at", "case_id")
    )
    provided = queries.provided(case)
    roles = dict(c.PartyRole.choices)
    people = [
        {**person, "role_label": roles.get(person.get("role"), "")}
        for person in provided.get("people", [])
    ]
    return render(
        request,
        "cases/referrals/status.html",
        {
            "case": case,
            "case_type": case.case_type.display_name(current_language()),
            "history": history,
            "summary": provided.get("summary", ""),
            "people": people,
        },
    )
