"""The casework settings pages: case types and timelines, question sets, complexity factors."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from mend.cases import choices as c
from mend.cases import models as m
from mend.cases.configuration import actions
from mend.cases.configuration.forms import CaseTypeForm, ComplexityFactorForm, QuestionSetForm
from mend.cases.web import CaseRequest
from mend.core import access
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page

# ---------------------------------------------------------------- case types


@decide(requires(Perm.CONFIGURE_CASEWORK))
def case_type_list(request: CaseRequest) -> HttpResponse:
    case_types = m.CaseType.objects.prefetch_related(
        Prefetch("steps", queryset=m.TimelineStep.objects.order_by("day_offset", "id"))  # type: ignore[arg-type]  # stubs cannot type a Prefetch on the organisation manager
    ).order_by("name")
    return render(
        request,
        "cases/configuration/case_type_list.html",
        {"case_types": list(case_types), "section": "case_types"},
    )


@decide(requires(Perm.CONFIGURE_CASEWORK))
def case_type_edit(request: CaseRequest, pk: int) -> HttpResponse:
    case_type = access.get_object_or_404(request, m.CaseType, Perm.CONFIGURE_CASEWORK, pk=pk)
    form = CaseTypeForm.editing(
        case_type,
        request.POST,
        initial={f"days_{s.kind}": s.day_offset for s in case_type.steps.all()},
    )
    return form_page(
        request,
        form,
        lambda data: actions.update_case_type(actor=request.user, case_type=case_type, **data),
        "cases/configuration/case_type_form.html",
        {"case_type": case_type, "form": form, "section": "case_types"},
        redirect_to=reverse("case_type_list"),
        message=lambda _saved: (
            _("%(name)s saved. The timeline applies to cases accepted from now on.")
            % {"name": form.cleaned_data["name"]}
        ),
    )


# ---------------------------------------------------------------- question sets


@decide(requires(Perm.CONFIGURE_CASEWORK))
def question_set_list(request: CaseRequest) -> HttpResponse:
    return render(
        request,
        "cases/configuration/question_set_list.html",
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
def question_set_edit(request: CaseRequest, pk: int) -> HttpResponse:
    question_set = access.get_object_or_404(request, m.QuestionSet, Perm.CONFIGURE_CASEWORK, pk=pk)
    form = QuestionSetForm.editing(
        question_set,
        request.POST,
        initial={"questions": _questions_text(question_set.questions)},
    )
    return form_page(
        request,
        form,
        lambda data: actions.update_question_set(
            actor=request.user, question_set=question_set, **data
        ),
        "cases/configuration/question_set_form.html",
        {"question_set": question_set, "form": form, "section": "question_sets"},
        redirect_to=reverse("question_set_list"),
        message=_("Question set saved."),
    )


# ---------------------------------------------------------------- complexity factors


@decide(requires(Perm.CONFIGURE_CASEWORK))
def complexity_factor_list(request: CaseRequest) -> HttpResponse:
    return render(
        request,
        "cases/configuration/complexity_factor_list.html",
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
def complexity_factor_create(request: CaseRequest) -> HttpResponse:
    form = ComplexityFactorForm(
        request.POST or None, initial={"signoffs": [c.SignOffKind.ADVANCED]}
    )
    return form_page(
        request,
        form,
        lambda data: actions.create_complexity_factor(
            actor=request.user, organisation=request.organisation, **data
        ),
        "cases/configuration/complexity_factor_form.html",
        {"factor": None, "form": form, "section": "complexity_factors"},
        redirect_to=reverse("complexity_factor_list"),
        message=_("Complexity factor added."),
    )


@decide(requires(Perm.CONFIGURE_CASEWORK))
def complexity_factor_edit(request: CaseRequest, pk: int) -> HttpResponse:
    factor = access.get_object_or_404(request, m.ComplexityFactor, Perm.CONFIGURE_CASEWORK, pk=pk)
    form = ComplexityFactorForm.editing(
        factor, request.POST, editing=True, initial={"signoffs": _factor_signoffs(factor)}
    )
    return form_page(
        request,
        form,
        lambda data: actions.update_complexity_factor(actor=request.user, factor=factor, **data),
        "cases/configuration/complexity_factor_form.html",
        {"factor": factor, "form": form, "section": "complexity_factors"},
        redirect_to=reverse("complexity_factor_list"),
        message=_("Complexity factor saved."),
    )
