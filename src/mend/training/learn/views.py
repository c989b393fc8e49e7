"""E-learning for learners, under /learn/<organisation slug>/.

The catalogue and the sign-up form are public. Everything else is `access.LEARNER`: any signed-in
person, whose own Learner and Enrolment rows in the organisation named by the URL are the only
ones read. Learners have no membership, so no organisation scope is active for them: every view
here runs inside `organisation_scope` of the URL's organisation.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mend.core import access
from mend.core.access import LEARNER, PUBLIC, decide
from mend.core.forms import add_action_errors
from mend.core.models import Organisation
from mend.core.submissions import handle_post
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import models as m
from mend.training.delivery.certificates import certificate_pdf
from mend.training.elearning import richtext
from mend.training.elearning.forms import JoinForm, QuizForm

PAGE_SIZE = 25
# The sign-up signs the new learner in with the password they just chose (see settings).
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def in_organisation(view):
    """Resolve the URL's organisation (404 if there is none) and scope the view's queries to it."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args, **kwargs):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise Http404
        with organisation_scope(organisation):
            return view(request, organisation, *args, **kwargs)

    return wrapped


def _context(request, organisation, **extra) -> dict:
    language = translation.get_language() or "en"
    return {
        "organisation": organisation,
        "organisation_name": organisation.display_name(language),
        "slug": organisation.slug,
        "is_member": organisation.pk in access.memberships(request.user),
        **extra,
    }


def _own_enrolment(request, pk) -> m.Enrolment:
    """The signed-in person's own enrolment; anyone else's (or none) is 404."""
    enrolment = (
        m.Enrolment.objects.filter(pk=pk, learner__user=request.user)
        .select_related("module", "learner")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment


def _learn(name: str, organisation, *args) -> str:
    return reverse(name, args=[organisation.slug, *args])


# ---------------------------------------------------------------- public


@decide(PUBLIC)
@in_organisation
def catalogue(request: HttpRequest, organisation) -> HttpResponse:
    is_member = organisation.pk in access.memberships(request.user)
    shown = Q(is_published=True) & (Q() if is_member else Q(open_to_public=True))
    modules = m.Module.objects.filter(shown).order_by("title", "pk")
    page = Paginator(modules, PAGE_SIZE).get_page(request.GET.get("page"))
    enrolled = {}
    if request.user.is_authenticated:
        enrolled = dict(
            m.Enrolment.objects.filter(
                learner__user=request.user, module__in=[mod.pk for mod in page.object_list]
            ).values_list("module_id", "pk")
        )
    for module in page.object_list:
        module.enrolment_pk = enrolled.get(module.pk)
    return render(
        request, "training/learn/catalogue.html", _context(request, organisation, page=page)
    )


@decide(PUBLIC)
@in_organisation
def join(request: HttpRequest, organisation) -> HttpResponse:
    catalogue_url = _learn("training_learn_catalogue", organisation)
    if request.user.is_authenticated:
        if request.method == "POST":
            return redirect(catalogue_url)
        return render(request, "training/learn/join.html", _context(request, organisation))
    form = JoinForm(request.POST or None, initial={"language": translation.get_language() or "en"})
    if request.method == "POST":

        def sign_up(data):
            user = actions.sign_up_learner(
                organisation=organisation,
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"],
                language=data["language"],
            )
            login(request, user, backend=SIGN_IN_BACKEND)
            return user

        response = handle_post(
            request,
            form,
            sign_up,
            redirect_to=catalogue_url,
            message=_("Your account is ready. Choose a module to start."),
        )
        if response:
            return response
    return render(
        request,
        "training/learn/join.html",
        _context(
            request,
            organisation,
            form=form,
            sign_in_url=f"{reverse('account_login')}?next={catalogue_url}",
        ),
    )


# ---------------------------------------------------------------- the learner's own pages


@decide(LEARNER)
@in_organisation
def dashboard(request: HttpRequest, organisation) -> HttpResponse:
    enrolments = list(
        m.Enrolment.objects.filter(learner__user=request.user)
        .select_related("module", "certificate")
        .order_by("-enrolled_at", "-pk")[:100]
    )
    by_module: dict[int, list[int]] = {}
    for module_id, pk in (
        m.Lesson.objects.filter(module__in={e.module_id for e in enrolments})
        .order_by("module", "position", "pk")
        .values_list("module_id", "pk")
    ):
        by_module.setdefault(module_id, []).append(pk)
    for enrolment in enrolments:
        ids = by_module.get(enrolment.module_id, [])
        enrolment.percent = actions.progress_percent(enrolment, ids)
        enrolment.done = actions.lessons_done(enrolment, ids)
        enrolment.total = len(ids)
    return render(
        request,
        "training/learn/dashboard.html",
        _context(request, organisation, enrolments=enrolments),
    )


@decide(LEARNER)
@require_POST
@in_organisation
def enrol(request: HttpRequest, organisation, pk: int) -> HttpResponse:
    module = m.Module.objects.filter(pk=pk, is_published=True).first()
    if module is None:
        raise Http404
    try:
        enrolment = actions.enrol_self(user=request.user, module=module)
    except (ValidationError, PermissionDenied):
        messages.error(request, _("This module is not open for enrolment."))
        return redirect(_learn("training_learn_catalogue", organisation))
    messages.success(request, _("You are enrolled. Your progress is saved as you go."))
    return redirect(_learn("training_learn_module", organisation, enrolment.pk))


@decide(LEARNER)
@in_organisation
def module_overview(request: HttpRequest, organisation, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    lessons = list(m.Lesson.objects.filter(module=enrolment.module_id).order_by("position", "pk"))
    ids = [lesson.pk for lesson in lessons]
    done = set(enrolment.completed_lessons or [])
    for lesson in lessons:
        lesson.is_done = lesson.pk in done
    attempts = list(
        m.QuizAttempt.objects.filter(enrolment=enrolment).order_by("-submitted_at")[:20]
    )
    certificate = m.Certificate.objects.filter(enrolment=enrolment).first()
    return render(
        request,
        "training/learn/module.html",
        _context(
            request,
            organisation,
            enrolment=enrolment,
            module=enrolment.module,
            lessons=lessons,
            next_lesson=actions.next_lesson(enrolment, ids),
            lessons_done=actions.lessons_done(enrolment, ids),
            percent=actions.progress_percent(enrolment, ids),
            attempts=attempts,
            certificate=certificate,
        ),
    )


@decide(LEARNER)
@in_organisation
def lesson(request: HttpRequest, organisation, pk: int, lesson_pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    ids = actions.lesson_ids(enrolment.module)
    if lesson_pk not in ids:
        raise Http404
    current = m.Lesson.objects.get(pk=lesson_pk)
    index = ids.index(lesson_pk)
    if request.method == "POST":
        enrolment = actions.complete_lesson(user=request.user, enrolment=enrolment, lesson=current)
        if index + 1 < len(ids):
            return redirect(_learn("training_learn_lesson", organisation, pk, ids[index + 1]))
        if actions.next_lesson(enrolment, ids) is None:
            return redirect(_learn("training_learn_quiz", organisation, pk))
        return redirect(_learn("training_learn_module", organisation, pk))
    language = translation.get_language() or "en"
    body = current.body_cy if language == "cy" and current.body_cy else current.body
    return render(
        request,
        "training/learn/lesson.html",
        _context(
            request,
            organisation,
            enrolment=enrolment,
            module=enrolment.module,
            lesson=current,
            body=richtext.render(body),
            number=index + 1,
            total=len(ids),
            previous_pk=ids[index - 1] if index > 0 else None,
            is_done=lesson_pk in (enrolment.completed_lessons or []),
        ),
    )


@decide(LEARNER)
@in_organisation
def quiz(request: HttpRequest, organisation, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    ids = actions.lesson_ids(enrolment.module)
    if actions.next_lesson(enrolment, ids) is not None:
        messages.warning(request, _("Finish every lesson before you take the quiz."))
        return redirect(_learn("training_learn_module", organisation, pk))
    questions = list(
        m.QuizQuestion.objects.filter(module=enrolment.module_id)
        .prefetch_related("choices")
        .order_by("position", "pk")
    )
    form = QuizForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            attempt = actions.submit_quiz(
                user=request.user, enrolment=enrolment, answers=form.answers()
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect(_learn("training_learn_result", organisation, pk, attempt.pk))
    return render(
        request,
        "training/learn/quiz.html",
        _context(request, organisation, enrolment=enrolment, module=enrolment.module, form=form),
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
        _context(
            request,
            organisation,
            enrolment=enrolment,
            module=enrolment.module,
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
    found = (
        m.Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True)
        .select_related("organisation")
        .first()
    )
    if found is None:
        raise Http404
    pdf = certificate_pdf(found, verify_url(found.code))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{found.code}.pdf"'
    return response
