"""Delivery pages anyone may open without signing in: checking a certificate is genuine, and the
one-time confidence survey (the token in the link is the credential)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mend.core.access import PUBLIC, decide
from mend.core.submissions import form_page
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from mend.training.delivery import queries, surveys
from mend.training.delivery.certificates import normalise_code
from mend.training.delivery.forms import CertificateCheckForm, EvaluationForm


@decide(PUBLIC)
def certificate_check(request: HttpRequest) -> HttpResponse:
    form = CertificateCheckForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if code and len(code) <= 20:
            return redirect("training_certificate", code=code)
        form.add_error("code", _("Enter the code as it is printed, for example 7KQ4-M2XP-9HDA."))
    return render(request, "training/delivery/certificate_check.html", {"form": form})


@decide(PUBLIC)
def certificate_public(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a certificate is genuine: the same page (and status) whether or not it exists."""
    code = normalise_code(code)[:20]
    found = queries.find_certificate(code)
    language = translation.get_language() or "en"
    context = {"code": code, "certificate": found}
    if found is not None:
        context["organisation_name"] = found.organisation.display_name(language)
        context["course"] = m.bilingual(found.course_title, found.course_title_cy, language)
    return render(request, "training/delivery/certificate_public.html", context)


@decide(PUBLIC)
def evaluation_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time confidence survey: no sign-in, the token is the credential."""
    survey = queries.find_evaluation(token)
    if survey is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # Nobody chose a language in this browser: use the attendee's.
        translation.activate(survey.attendee.language)
        request.LANGUAGE_CODE = translation.get_language()
    language = translation.get_language() or "en"
    problem = queries.evaluation_problem(survey)
    organisation_name = survey.organisation.display_name(language) if survey else ""
    if problem:
        status, message = problem
        return render(
            request,
            "training/delivery/evaluation_problem.html",
            {
                "message": message,
                "answered": survey is not None and survey.answered_at is not None,
                "organisation_name": organisation_name,
            },
            status=status,
        )
    assert survey is not None  # evaluation_problem refuses a missing survey
    form = EvaluationForm(request.POST or None)

    def answer(data: dict) -> m.EvaluationRequest:
        answers = dict(data)
        comments = answers.pop("comments", "")
        return surveys.answer_evaluation(token=token, answers=answers, comments=comments)

    def context() -> dict:
        with organisation_scope(survey.organisation):
            course = survey.attendee.engagement.course
            course_label = m.bilingual(course.title, course.title_cy, language)
        return {
            "form": form,
            "organisation_name": organisation_name,
            "course": course_label,
            "is_pre": survey.stage == c.SurveyStage.PRE,
        }

    return form_page(
        request,
        form,
        answer,
        "training/delivery/evaluation.html",
        context,
        redirect_to=reverse("training_evaluation", args=[token]),
    )
