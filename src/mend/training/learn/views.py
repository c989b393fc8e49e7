"""E-learning for learners, under /learn/<organisation slug>/.

The catalogue and the sign-up form are public (learn/public.py). Everything else is `access.LEARNER`: any signed-in
person, whose own Learner and Enrolment rows in the organisation named by the URL are the only
ones read. Learners have no membership, so no organisation scope is active for them: every view
here runs inside `organisation_scope` of the URL's organisation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.core import access
from mend.core.access import LEARNER, decide
from mend.core.forms import GovukForm
from mend.core.models import Organisation
from mend.core.queries import organisation_named
from mend.core.submissions import form_page, handle_post
from mend.core.tenancy import organisation_scope
from mend.training import models as m
from mend.training.delivery.certificates import certificate_attachment
from mend.training.elearning import actions, richtext
from mend.training.elearning import enrolment as enrolling
from mend.training.elearning import queries as progress
from mend.training.elearning.forms import QuizForm
from mend.training.learn import queries


def in_organisation(view: Callable) -> Callable:
    """Resolve the URL's organisation (404 if there is none) and scope the view's queries to it."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args, **kwargs):
        organisation = organisation_named(slug)
        with organisation_scope(organisation):
            return view(request, organisation, *args, **kwargs)

    return wrapped


def page_context(request: HttpRequest, organisation: Organisation, **extra: object) -> dict:
    language = translation.get_language() or "en"
    return {
        "organisation": organisation,
        "organisation_name": organisation.display_name(language),
        "slug": organisation.slug,
        "is_member": organisation.pk in access.memberships(request.user),
        **extra,
    }


def _enrolment_context(
    request: HttpRequest, organisation: Organisation, enrolment: m.Enrolment, **extra: object
) -> dict:
    """`page_context` for a page of one of the learner's enrolments."""
    return page_context(
        request, organisation, enrolment=enrolment, module=enrolment.module, **extra
    )


def _own_enrolment(request: HttpRequest, pk: int) -> m.Enrolment:
    """The signed-in person's own enrolment; anyone else's (or none) is 404."""
    enrolment = queries.own_enrolment(request.user, pk)
    if enrolment is None:
        raise Http404
    return enrolment


def learn_path(name: str, organisation: Organisation, *args: object) -> str:
    return reverse(name, args=[organisation.slug, *args])


# ---------------------------------------------------------------- the learner's own pages


@decide(LEARNER)
@in_organisation
def dashboard(request: HttpRequest, organisation) -> HttpResponse:
    enrolments = queries.dashboard_enrolments(request.user)
    return render(
        request,
        "training/learn/dashboard.html",
        page_context(request, organisation, enrolments=enrolments),
    )


@decide(LEARNER)
@require_POST
@in_organisation
def enrol(request: HttpRequest, organisation, pk: int) -> HttpResponse:
    module = m.Module.objects.filter(pk=pk, is_published=True).first()
    if module is None:
        raise Http404
    response = handle_post(
        request,
        GovukForm(request.POST),
        lambda _data: enrolling.enrol_self(user=request.user, module=module),
        redirect_to=lambda enrolment: learn_path(
            "training_learn_module", organisation, enrolment.pk
        ),
        message=_("You are enrolled. Your progress is saved as you go."),
    )
    if response:
        return response
    messages.error(request, _("This module is not open for enrolment."))
    return redirect(learn_path("training_learn_catalogue", organisation))


@decide(LEARNER)
@in_organisation
def module_overview(request: HttpRequest, organisation, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    lessons = queries.module_lessons(enrolment)
    ids = [lesson.pk for lesson in lessons]
    attempts = queries.recent_attempts(enrolment)
    certificate = m.Certificate.objects.filter(enrolment=enrolment).first()
    return render(
        request,
        "training/learn/module.html",
        _enrolment_context(
            request,
            organisation,
            enrolment,
            lessons=lessons,
            next_lesson=progress.next_lesson(enrolment, ids),
            lessons_done=progress.lessons_done(enrolment, ids),
            percent=progress.progress_percent(enrolment, ids),
            attempts=attempts,
            certificate=certificate,
        ),
    )


@decide(LEARNER)
@in_organisation
def lesson(request: HttpRequest, organisation, pk: int, lesson_pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    ids = progress.lesson_ids(enrolment.module)
    if lesson_pk not in ids:
        raise Http404
    current = m.Lesson.objects.get(pk=lesson_pk)
    index = ids.index(lesson_pk)

    def onward(done: m.Enrolment) -> str:
        if index + 1 < len(ids):
            return learn_path("training_learn_lesson", organisation, pk, ids[index + 1])
        if progress.next_lesson(done, ids) is None:
            return learn_path("training_learn_quiz", organisation, pk)
        return learn_path("training_learn_module", organisation, pk)

    def context() -> dict:
        language = translation.get_language() or "en"
        body = current.body_cy if language == "cy" and current.body_cy else current.body
        return _enrolment_context(
            request,
            organisation,
            enrolment,
            lesson=current,
            body=richtext.render(body),
            number=index + 1,
            total=len(ids),
            previous_pk=ids[index - 1] if index > 0 else None,
            is_done=lesson_pk in (enrolment.completed_lessons or []),
        )

    return form_page(
        request,
        GovukForm(request.POST),
        lambda _data: actions.complete_lesson(
            user=request.user, enrolment=enrolment, lesson=current
        ),
        "training/learn/lesson.html",
        context,
        redirect_to=onward,
    )


@decide(LEARNER)
@in_organisation
def quiz(request: HttpRequest, organisation, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    ids = progress.lesson_ids(enrolment.module)
    if progress.next_lesson(enrolment, ids) is not None:
        messages.warning(request, _("Finish every lesson before you take the quiz."))
        return redirect(learn_path("training_learn_module", organisation, pk))
    questions = queries.quiz_questions(enrolment)
    form = QuizForm(request.POST or None, questions=questions)
    return form_page(
        request,
        form,
        lambda _data: actions.submit_quiz(
            user=request.user, enrolment=enrolment, answers=form.answers()
        ),
        redirect_to=lambda attempt: learn_path(
            "training_learn_result", organisation, pk, attempt.pk
        ),
        template="training/learn/quiz.html",
        context=lambda: _enrolment_context(request, organisation, enrolment, form=form),
    )


@decide(LEARNER)
@in_organisation
def result(request: HttpRequest, organisation, pk: int, attempt_pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    attempt = m.QuizAttempt.objects.filter(enrolment=enrolment, pk=attempt_pk).first()
    if attempt is None:
        raise Http404
    certificate = m.Certificate.objects.filter(enrolment=enrolment).first()
    cpd_entry = m.CpdEntry.objects.filter(enrolment=enrolment).first()
    return render(
        request,
        "training/learn/result.html",
        _enrolment_context(
            request,
            organisation,
            enrolment,
            attempt=attempt,
            certificate=certificate,
            cpd_entry=cpd_entry,
        ),
    )


def verify_url(code: str) -> str:
    """The public check of a certificate, or just its code if that page is not there."""
    try:
        return settings.MEND_BASE_URL.rstrip("/") + reverse("training_certificate", args=[code])
    except NoReverseMatch:
        return code


@decide(LEARNER)
@in_organisation
def certificate(request: HttpRequest, organisation, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    found = queries.valid_certificate(enrolment)
    if found is None:
        raise Http404
    return certificate_attachment(found, verify_url(found.code))
