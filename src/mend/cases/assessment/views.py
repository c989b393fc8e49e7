"""Assessment and risk (the Assessment tab), the decision to proceed, and casework configuration."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.cases import actions, tabs
from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.assessment import queries
from mend.cases.assessment.configuration import fingerprint
from mend.cases.assessment.forms import (
    CaseTypeForm,
    ComplexityFactorForm,
    PartyAssessmentForm,
    PrinciplesForm,
    QuestionSetForm,
    RiskAssessmentForm,
    SignOffForm,
    SuitabilityForm,
)
from mend.core import access, audit
from mend.core.access import decide, requires
from mend.core.forms import add_action_errors
from mend.core.models import AccessLog
from mend.core.roles import Perm
from mend.core.submissions import handle_post
from mend.core.web import current_language


def _refused(request: HttpRequest, message: str, case: m.Case | None = None) -> HttpResponse:
    return render(
        request,
        "cases/assessment/refused.html",
        {"message": message, "case": case},
        status=403,
    )


def _refusal_for(kind: str) -> str:
    return {
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
    }[kind]


# ---------------------------------------------------------------- the Assessment tab


@decide(requires(Perm.VIEW_CASES))
def case_assessment(request: HttpRequest, pk: int) -> HttpResponse:
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
def handover_download(request: HttpRequest, pk: int) -> HttpResponse:
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
def risk_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    parties = list(case.parties.select_related("person"))
    form = RiskAssessmentForm(request.POST or None, parties=parties)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.record_risk_assessment(
                actor=request.user,
                case=case,
                level=data["level"],
                notes=data["notes"],
                mitigation=data["mitigation"],
                party=data["party"],
            ),
            redirect_to=reverse("case_assessment", args=[case.pk]),
            message=_("Risk assessment recorded."),
        )
        if response:
            return response
    return render(request, "cases/assessment/risk_form.html", {"case": case, "form": form})


@decide(requires(Perm.WORK_CASES))
def signoff(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    if kind not in c.SignOffKind.values:
        raise Http404
    if not queries.can_give(request.user, case, kind):
        return _refused(request, _refusal_for(kind), case)
    queries.case_for_tab(case)
    form = SignOffForm(request.POST or None, kind=kind)
    if request.method == "POST":
        try:
            response = handle_post(
                request,
                form,
                lambda data: actions.record_signoff(
                    actor=request.user,
                    case=case,
                    kind=kind,
                    notes=data["notes"],
                    specialist_service=data.get("specialist_service", ""),
                ),
                redirect_to=reverse("case_assessment", args=[case.pk]),
                message=lambda _signoff: (
                    _("%(signoff)s recorded.") % {"signoff": c.SignOffKind(kind).label}
                ),
            )
        except PermissionDenied as exc:
            return _refused(request, str(exc) or _refusal_for(kind), case)
        if response:
            return response
    reasons = queries.signoff_reasons(case)
    return render(
        request,
        "cases/assessment/signoff_form.html",
        {
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
        },
    )


@decide(requires(Perm.WORK_CASES))
def party_assess(request: HttpRequest, pk: int) -> HttpResponse:
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
    if request.method == "POST":
        response = handle_post(
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
            redirect_to=reverse("case_assessment", args=[case.pk]),
            message=lambda _assessment: (
                _("Joint initial assessment with %(person)s recorded.") % {"person": party.person}
            ),
        )
        if response:
            return response
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
    return render(
        request,
        "cases/assessment/party_assess.html",
        {
            "case": case,
            "party": party,
            "form": form,
            "question_set": question_set,
            "earlier": earlier,
        },
    )


@decide(requires(Perm.WORK_CASES))
def suitability(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    form = SuitabilityForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.record_suitability(
                actor=request.user,
                case=case,
                process_kind=data["process_kind"],
                decision=data["decision"],
                reason=data["reason"],
            ),
            redirect_to=reverse("case_assessment", args=[case.pk]),
            message=_("Suitability decision recorded."),
        )
        if response:
            return response
    return render(
        request,
        "cases/assessment/suitability_form.html",
        {"case": case, "form": form, "decisions": list(case.suitability.select_related("by"))},
    )


@decide(requires(Perm.WORK_CASES))
def principles(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_object_or_404(request, m.Case, Perm.WORK_CASES, pk=pk)
    latest = case.principles.order_by("-at", "-id").first()
    form = PrinciplesForm(request.POST or None, initial=(latest.considered if latest else {}))
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.record_principles(
                actor=request.user, case=case, considered=form.considered()
            ),
            redirect_to=reverse("case_assessment", args=[case.pk]),
            message=_("Guiding principles checklist recorded."),
        )
        if response:
            return response
    return render(request, "cases/assessment/principles_form.html", {"case": case, "form": form})


# ---------------------------------------------------------------- configuration


@decide(requires(Perm.CONFIGURE_CASEWORK))
def case_type_list(request: HttpRequest) -> HttpResponse:
    case_types = m.CaseType.objects.prefetch_related(
        Prefetch("steps", queryset=m.TimelineStep.objects.order_by("day_offset", "id"))
    ).order_by("name")
    return render(
        request,
        "cases/assessment/settings/case_type_list.html",
        {"case_types": list(case_types), "section": "case_types"},
    )


@decide(requires(Perm.CONFIGURE_CASEWORK))
def case_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case_type = access.get_object_or_404(request, m.CaseType, Perm.CONFIGURE_CASEWORK, pk=pk)
    steps = {s.kind: s.day_offset for s in case_type.steps.all()}
    initial = {
        "name": case_type.name,
        "name_cy": case_type.name_cy,
        "description": case_type.description,
        "enhanced_pathway": "yes" if case_type.enhanced_pathway else "no",
        "is_active": "yes" if case_type.is_active else "no",
        "version": case_type.version,
        **{f"days_{k}": v for k, v in steps.items()},
    }
    form = CaseTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_case_type(
                actor=request.user,
                case_type=case_type,
                version=form.cleaned_data.get("version"),
                name=form.cleaned_data["name"],
                name_cy=form.cleaned_data["name_cy"],
                description=form.cleaned_data["description"],
                enhanced_pathway=form.cleaned_data["enhanced_pathway"],
                is_active=form.cleaned_data["is_active"],
                offsets=form.offsets(),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s saved. The timeline applies to cases accepted from now on.")
                % {"name": form.cleaned_data["name"]},
            )
            return redirect("case_type_list")
    return render(
        request,
        "cases/assessment/settings/case_type_form.html",
        {"case_type": case_type, "form": form, "section": "case_types"},
    )


@decide(requires(Perm.CONFIGURE_CASEWORK))
def question_set_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/assessment/settings/question_set_list.html",
        {
            "question_sets": list(m.QuestionSet.objects.order_by("name")),
            "section": "question_sets",
        },
    )


def _questions_text(questions: list[dict]) -> str:
    return "\n".join(
        " | ".join([q.get("key", ""), q.get("en", ""), q.get("cy", "")]) for q in questions
    )


@decide(requires(Perm.CONFIGURE_CASEWORK))
def question_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question_set = access.get_object_or_404(request, m.QuestionSet, Perm.CONFIGURE_CASEWORK, pk=pk)
    form = QuestionSetForm(
        request.POST or None,
        initial={
            "seen": fingerprint(question_set),
            "name": question_set.name,
            "party_role": question_set.party_role,
            "is_active": "yes" if question_set.is_active else "no",
            "questions": _questions_text(question_set.questions),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_question_set(
                actor=request.user,
                question_set=question_set,
                seen=form.cleaned_data.get("seen") or None,
                name=form.cleaned_data["name"],
                party_role=form.cleaned_data["party_role"],
                is_active=form.cleaned_data["is_active"],
                questions=form.cleaned_data["questions"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Question set saved."))
            return redirect("question_set_list")
    return render(
        request,
        "cases/assessment/settings/question_set_form.html",
        {"question_set": question_set, "form": form, "section": "question_sets"},
    )


@decide(requires(Perm.CONFIGURE_CASEWORK))
def complexity_factor_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/assessment/settings/complexity_factor_list.html",
        {
            "factors": list(m.ComplexityFactor.objects.order_by("name")),
            "section": "complexity_factors",
        },
    )


def _factor_signoffs(factor: m.ComplexityFactor) -> list[str]:
    return [
        kind
        for kind, flag in [
            (c.SignOffKind.ADVANCED, factor.needs_advanced_signoff),
            (c.SignOffKind.MANAGER, factor.needs_manager_signoff),
            (c.SignOffKind.SPECIALIST, factor.needs_specialist_consultation),
        ]
        if flag
    ]


@decide(requires(Perm.CONFIGURE_CASEWORK))
def complexity_factor_create(request: HttpRequest) -> HttpResponse:
    form = ComplexityFactorForm(
        request.POST or None, initial={"signoffs": [c.SignOffKind.ADVANCED]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_complexity_factor(
                actor=request.user,
                organisation=request.organisation,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                name_cy=form.cleaned_data["name_cy"],
                signoffs=form.cleaned_data["signoffs"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Complexity factor added."))
            return redirect("complexity_factor_list")
    return render(
        request,
        "cases/assessment/settings/complexity_factor_form.html",
        {"factor": None, "form": form, "section": "complexity_factors"},
    )


@decide(requires(Perm.CONFIGURE_CASEWORK))
def complexity_factor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    factor = access.get_object_or_404(request, m.ComplexityFactor, Perm.CONFIGURE_CASEWORK, pk=pk)
    form = ComplexityFactorForm(
        request.POST or None,
        editing=True,
        initial={
            "seen": fingerprint(factor),
            "name": factor.name,
            "name_cy": factor.name_cy,
            "signoffs": _factor_signoffs(factor),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_complexity_factor(
                actor=request.user,
                factor=factor,
                seen=form.cleaned_data.get("seen") or None,
                name=form.cleaned_data["name"],
                name_cy=form.cleaned_data["name_cy"],
                signoffs=form.cleaned_data["signoffs"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Complexity factor saved."))
            return redirect("complexity_factor_list")
    return render(
        request,
        "cases/assessment/settings/complexity_factor_form.html",
        {"factor": factor, "form": form, "section": "complexity_factors"},
    )
