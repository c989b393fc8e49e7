"""Assessment and risk (the Assessment tab) and the decision to proceed."""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.assessment import queries
from mend.cases.assessment.forms import (
    PartyAssessmentForm,
    PrinciplesForm,
    RiskAssessmentForm,
    SignOffForm,
    SuitabilityForm,
)
from mend.cases.web import CaseRequest
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.models import AccessLog
from mend.core.roles import Perm
from mend.core.submissions import form_page
from mend.core.web import current_language


def _refused(request: CaseRequest, message: str, case: m.Case | None = None) -> HttpResponse:
    return render(
        request,
        "cases/assessment/refused.html",
        {"message": message, "case": case},
        status=403,
    )


def _refusal_for(kind: str) -> str:
    refusals: dict[str, str] = {
        c.SignOffKind.RISK: _(
            "Your role cannot give the risk sign-off. An advanced practitioner, a manager or an "
            "administrator must give it."
        ),
        c.SignOffKind.ADVANCED: _(
            "Only an advanced practitioner can give this sign-off (or a manager or an "
            "administrator). Ask an advanced practitioner to review the case."
        ),
        c.SignOffKind.MANAGER: _(
            "Only a manager can give manager sign-off (or an administrator). Ask your manager to "
            "review the case."
        ),
        c.SignOffKind.SPECIALIST: _("Your role cannot record a specialist consultation."),
    }
    return refusals[kind]


# ---------------------------------------------------------------- the Assessment tab


@decide(requires(Perm.VIEW_CASES))
def case_assessment(request: CaseRequest, pk: int) -> HttpResponse:
    case = queries.case_for_tab(access.get_object_or_404(request, m.Case, Perm.VIEW_CASES, pk=pk))
    can_work = access.can(request.user, Perm.WORK_CASES, case)
    given: dict[str, list[m.SignOff]] = {}
    for signoff in case.signoffs.all():
        if signoff.revoked_at is None:
            given.setdefault(signoff.kind, []).append(signoff)
    reasons = queries.signoff_reasons(case)
    signoffs = [
        {
            "kind": kind,
            "label": c.SignOffKind(kind).label,
            "reasons": why,
            "given": given.get(kind, []),
            "can_give": can_work and queries.can_give(request.user, case, kind),
            "who": queries.who_may_give(kind),
        }
        for kind, why in reasons.items()
    ]
    risks = list(case.risk_assessments.all())
    principles = case.principles.select_related("by").order_by("-at", "-id").first()
    principle_rows = [
        (label, (principles.considered or {}).get(value, "") if principles else "")
        for value, label in c.Principle.choices
    ]
    return render(
        request,
        "cases/assessment/assessment.html",
        {
            **tabs.tab_context(case, "case_assessment"),
            "can_work": can_work,
            "handovers": [r for r in risks if r.is_handover],
            "risks": [r for r in risks if not r.is_handover],
            "signoffs": signoffs,
            "missing": [s for s in signoffs if not s["given"]],
            "suitability": list(case.suitability.all()),
            "principles": principles,
            "principle_rows": principle_rows,
            "parties": list(case.parties.all()),
        },
    )


@decide(requires(Perm.WORK_CASES))
def handover_download(request: CaseRequest, pk: int) -> HttpResponse | FileResponse:
    """The referrer's risk assessment document, for people working on the case; logged."""
    handover = access.get_object_or_404(
        request, m.RiskAssessment, Perm.WORK_CASES, pk=pk, is_handover=True
    )
    if not handover.document:
        raise Http404
    try:
        stream = handover.document.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.log_access(request.user, handover, request.organisation, kind=AccessLog.Kind.EXPORT)
    name = handover.document_name or os.path.basename(handover.document.name)
    return FileResponse(stream, as_attachment=True, filename=os.path.basename(name))


# ---------------------------------------------------------------- recording


@decide(requires(Perm.WORK_CASES))
def risk_new(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    parties = list(case.parties.select_related("person"))
    form = RiskAssessmentForm(request.POST or None, parties=parties)
    return form_page(
        request,
        form,
        lambda data: actions.record_risk_assessment(actor=request.user, case=case, **data),
        "cases/assessment/risk_form.html",
        {"case": case, "form": form},
        redirect_to=reverse("case_assessment", args=[case.pk]),
        message=_("Risk assessment recorded."),
    )


@decide(requires(Perm.WORK_CASES))
def signoff(request: CaseRequest, pk: int, kind: str) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    if kind not in c.SignOffKind.values:
        raise Http404
    if not queries.can_give(request.user, case, kind):
        return _refused(request, _refusal_for(kind), case)
    queries.case_for_tab(case)
    form = SignOffForm(request.POST or None, kind=kind)

    def page() -> dict[str, Any]:
        reasons = queries.signoff_reasons(case)
        return {
            "case": case,
            "form": form,
            "kind": kind,
            "label": c.SignOffKind(kind).label,
            "required": kind in reasons,
            "reasons": reasons.get(kind, []),
            "who": queries.who_may_give(kind),
            "already": [s for s in case.signoffs.all() if s.kind == kind and not s.revoked_at],
            "needs_risk_assessment": kind in (c.SignOffKind.RISK, c.SignOffKind.ADVANCED)
            and not any(not r.is_handover for r in case.risk_assessments.all()),
        }

    try:
        return form_page(
            request,
            form,
            lambda data: actions.record_signoff(actor=request.user, case=case, kind=kind, **data),
            "cases/assessment/signoff_form.html",
            page,
            redirect_to=reverse("case_assessment", args=[case.pk]),
            message=lambda _signoff: (
                _("%(signoff)s recorded.") % {"signoff": c.SignOffKind(kind).label}
            ),
        )
    except PermissionDenied as exc:
        return _refused(request, str(exc) or _refusal_for(kind), case)


@decide(requires(Perm.WORK_CASES))
def party_assess(request: CaseRequest, pk: int) -> HttpResponse:
    party = access.get_object_or_404(request, m.Party, Perm.WORK_CASES, pk=pk)
    case = party.case
    question_set = queries.question_set_for(party)
    if question_set is None:
        return _refused(
            request,
            _("There are no question sets in use. An administrator can turn one on in settings."),
            case,
        )
    language = current_language()
    form = PartyAssessmentForm(
        request.POST or None, questions=question_set.questions, language=language
    )

    def page() -> dict[str, Any]:
        earlier = []
        for assessment in party.assessments.select_related("question_set", "assessed_by"):
            texts = queries.in_language(assessment.question_set, language)
            earlier.append(
                {
                    "assessment": assessment,
                    "answers": [
                        (texts.get(key, key), answer)
                        for key, answer in (assessment.answers or {}).items()
                    ],
                }
            )
        return {
            "case": case,
            "party": party,
            "form": form,
            "question_set": question_set,
            "earlier": earlier,
        }

    return form_page(
        request,
        form,
        lambda data: actions.record_assessment(
            actor=request.user,
            party=party,
            question_set=question_set,
            answers=form.answers(),
            needs=data["needs"],
            hopes=data["hopes"],
        ),
        "cases/assessment/party_assess.html",
        page,
        redirect_to=reverse("case_assessment", args=[case.pk]),
        message=lambda _assessment: (
            _("Joint initial assessment with %(person)s recorded.") % {"person": party.person}
        ),
    )


@decide(requires(Perm.WORK_CASES))
def suitability(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    form = SuitabilityForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.record_suitability(actor=request.user, case=case, **data),
        "cases/assessment/suitability_form.html",
        {"case": case, "form": form, "decisions": list(case.suitability.select_related("by"))},
        redirect_to=reverse("case_assessment", args=[case.pk]),
        message=_("Suitability decision recorded."),
    )


@decide(requires(Perm.WORK_CASES))
def principles(request: CaseRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    latest = case.principles.order_by("-at", "-id").first()
    form = PrinciplesForm(request.POST or None, initial=(latest.considered if latest else {}))
    return form_page(
        request,
        form,
        lambda data: actions.record_principles(
            actor=request.user, case=case, considered=form.considered()
        ),
        "cases/assessment/principles_form.html",
        {"case": case, "form": form},
        redirect_to=reverse("case_assessment", args=[case.pk]),
        message=_("Guiding principles checklist recorded."),
    )
