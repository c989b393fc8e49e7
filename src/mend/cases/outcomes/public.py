"""Outcomes pages reached without signing in: the one-time feedback survey (the token in the
link is the credential) and an organisation's published case studies."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from mend.cases import actions
from mend.cases.outcomes import queries
from mend.cases.outcomes.forms import SurveyForm
from mend.core.access import PUBLIC, decide
from mend.core.queries import organisation_named
from mend.core.submissions import form_page
from mend.core.tenancy import organisation_scope


@decide(PUBLIC)
def feedback_survey(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time survey: no sign-in, the token is the credential."""
    feedback = queries.find_feedback_request(token)
    if feedback is not None and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # Nobody chose a language in this browser: use the one the person prefers.
        with organisation_scope(feedback.organisation):
            translation.activate(queries.party_language(feedback.party))
            request.LANGUAGE_CODE = translation.get_language()
    problem = queries.feedback_problem(feedback)
    organisation = feedback.organisation if feedback else None
    if problem:
        status, message = problem
        return render(
            request,
            "cases/outcomes/survey_problem.html",
            {"message": message, "organisation": organisation},
            status=status,
        )
    assert organisation is not None  # feedback_problem refuses a missing request
    language = translation.get_language() or "en"
    form = SurveyForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.answer_feedback(token=token, **data),
        "cases/outcomes/survey.html",
        {"form": form, "organisation_name": organisation.display_name(language)},
        redirect_to=reverse("feedback_survey", args=[token]),
    )


# ---------------------------------------------------------------- published case studies


@decide(PUBLIC)
def stories(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_named(slug)
    language = translation.get_language() or "en"
    return render(
        request,
        "cases/outcomes/stories.html",
        {
            "stories": queries.published_stories(organisation),
            "organisation_name": organisation.display_name(language),
            "slug": organisation.slug,
        },
    )


@decide(PUBLIC)
def story(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = organisation_named(slug)
    found = queries.published_story(organisation, pk)
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
