"""E-learning authoring (AUTHOR_ELEARNING): modules, lessons, quiz questions, the module page
with its enrolments and progress, enrolling a client's people; and a member's own CPD record."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mend.core import access
from mend.core.access import decide, requires
from mend.core.roles import Perm
from mend.core.submissions import form_page, handle_post, translating_refusal
from mend.core.web import keyset_page
from mend.training import models as m
from mend.training.elearning import actions, queries, richtext
from mend.training.elearning import enrolment as enrolling
from mend.training.elearning.forms import (
    ClientEnrolmentForm,
    LessonForm,
    ModuleForm,
    MoveLessonForm,
    NewLessonForm,
    NewModuleForm,
    QuestionForm,
)
from mend.training.web import TrainingRequest

AUTHOR = Perm.AUTHOR_ELEARNING


def _module_url(pk: int) -> str:
    return reverse("training_module", args=[pk])


# ---------------------------------------------------------------- modules


@decide(requires(AUTHOR))
def modules(request: TrainingRequest) -> HttpResponse:
    rows = queries.modules_with_counts().filter(
        pk__in=m.Module.objects.for_user(request.user, AUTHOR).values("pk")
    )
    page = keyset_page(request, rows, ("title", "pk"))
    return render(request, "training/elearning/modules.html", {"page": page})


@decide(requires(AUTHOR))
def module_new(request: TrainingRequest) -> HttpResponse:
    form = NewModuleForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.create_module(
            actor=request.user, organisation=request.organisation, **form.values()
        ),
        redirect_to=lambda module: _module_url(module.pk),
        message=_("Module created. Now add its lessons and quiz."),
        template="training/elearning/module_form.html",
        context={"form": form},
    )


@decide(requires(AUTHOR))
def module_edit(request: TrainingRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    form = ModuleForm.editing(module, request.POST)
    return form_page(
        request,
        form,
        lambda data: actions.update_module(
            actor=request.user, module=module, version=data.get("version"), **form.values()
        ),
        redirect_to=_module_url(module.pk),
        message=_("Module saved."),
        template="training/elearning/module_form.html",
        context={"form": form, "module": module},
    )


@decide(requires(AUTHOR))
def module_detail(request: TrainingRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    lessons = queries.module_lessons(module)
    ids = [lesson.pk for lesson in lessons]
    page = keyset_page(request, queries.module_enrolments(module), ("-enrolled_at", "-pk"))
    queries.mark_progress(page.rows, ids)
    return render(
        request,
        "training/elearning/module.html",
        {
            "module": module,
            "lessons": lessons,
            "questions": queries.module_questions(module),
            "page": page,
            "lesson_total": len(ids),
        },
    )


# ---------------------------------------------------------------- lessons


@decide(requires(AUTHOR))
def lesson_new(request: TrainingRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    form = NewLessonForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda data: actions.add_lesson(actor=request.user, module=module, **data),
        redirect_to=_module_url(module.pk),
        message=_("Lesson added."),
        template="training/elearning/lesson_form.html",
        context={"form": form, "module": module},
    )


@decide(requires(AUTHOR))
def lesson_edit(request: TrainingRequest, pk: int) -> HttpResponse:
    lesson = access.get_object_or_404(request, m.Lesson, AUTHOR, pk=pk)
    module = m.Module.objects.get(pk=lesson.module_id)
    form = LessonForm.editing(lesson, request.POST)
    return form_page(
        request,
        form,
        lambda data: actions.update_lesson(actor=request.user, lesson=lesson, **data),
        redirect_to=_module_url(module.pk),
        message=_("Lesson saved."),
        template="training/elearning/lesson_form.html",
        context=lambda: {
            "form": form,
            "module": module,
            "lesson": lesson,
            "preview": richtext.render(lesson.body),
        },
    )


@decide(requires(AUTHOR))
@require_POST
def lesson_move(request: TrainingRequest, pk: int) -> HttpResponse:
    lesson = access.get_object_or_404(request, m.Lesson, AUTHOR, pk=pk)
    target = _module_url(lesson.module_id) + "#lessons"
    form = MoveLessonForm(request.POST)
    response = handle_post(
        request,
        form,
        lambda data: actions.move_lesson(
            actor=request.user, lesson=lesson, direction=data["direction"]
        ),
        redirect_to=target,
        message=_("Lesson moved."),
    )
    if response:
        return response
    messages.error(
        request, " ".join(cast(str, e) for errors in form.errors.values() for e in errors)
    )
    return redirect(target)


# ---------------------------------------------------------------- quiz questions


@decide(requires(AUTHOR))
def question_new(request: TrainingRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    return _question_page(
        request,
        QuestionForm(request.POST or None),
        partial(actions.add_question, actor=request.user, module=module),
        module=module,
        message=_("Question added."),
    )


@decide(requires(AUTHOR))
def question_edit(request: TrainingRequest, pk: int) -> HttpResponse:
    question = access.get_object_or_404(request, m.QuizQuestion, AUTHOR, pk=pk)
    module = m.Module.objects.get(pk=question.module_id)
    choices = list(m.QuizChoice.objects.filter(question=question).order_by("position", "pk"))
    return _question_page(
        request,
        QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question, choices)),
        partial(actions.update_question, actor=request.user, question=question),
        module=module,
        question=question,
        message=_("Question saved."),
    )


def _question_page(
    request: TrainingRequest,
    form: QuestionForm,
    save: Callable[..., m.QuizQuestion],
    *,
    module: m.Module,
    question: m.QuizQuestion | None = None,
    message: str,
) -> HttpResponse:
    """The page that adds or edits a quiz question: `save` takes the question's text and its
    answers, as `add_question` and `update_question` do."""
    return form_page(
        request,
        form,
        translating_refusal(
            lambda data: save(text=data["text"], text_cy=data["text_cy"], choices=form.choices()),
            _question_refusal,
        ),
        redirect_to=_module_url(module.pk) + "#quiz",
        message=message,
        template="training/elearning/question_form.html",
        context={"form": form, "module": module, "question": question},
    )


def _question_refusal(exc: ValidationError) -> ValidationError:
    """The action names `choices`; the form shows that on the 'which are correct' field."""
    if not (hasattr(exc, "error_dict") and "choices" in exc.error_dict):
        return exc
    errors = {"correct": list(exc.error_dict["choices"])}
    for field, found in exc.error_dict.items():
        if field != "choices":
            errors.setdefault(field, []).extend(found)
    return ValidationError(errors)


# ---------------------------------------------------------------- enrolling a client's people


@decide(requires(AUTHOR))
def module_enrol_client(request: TrainingRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    clients = queries.active_clients()
    form = ClientEnrolmentForm(request.POST or None, clients=clients)

    def enrol(data: dict) -> list:
        client = next(cl for cl in clients if str(cl.pk) == data["client"])
        people = enrolling.parse_learner_lines(data["people"])
        return enrolling.enrol_client_learners(
            actor=request.user, module=module, client=client, people=people
        )

    def enrolled(results) -> str:
        new_accounts = sum(r.new_account for r in results)
        return (
            ngettext(
                "%(count)d person enrolled and emailed.",
                "%(count)d people enrolled and emailed.",
                len(results),
            )
            % {"count": len(results)}
            + " "
            + ngettext(
                "%(count)d new account was made.",
                "%(count)d new accounts were made.",
                new_accounts,
            )
            % {"count": new_accounts}
        )

    return form_page(
        request,
        form,
        enrol,
        redirect_to=_module_url(module.pk) + "#enrolments",
        message=enrolled,
        template="training/elearning/enrol_client.html",
        context={"form": form, "module": module, "no_clients": not clients},
    )


# ---------------------------------------------------------------- a member's CPD


@decide(requires(Perm.VIEW_HOME))
def my_cpd(request: TrainingRequest) -> HttpResponse:
    entries = queries.cpd_entries(request.membership)
    page = keyset_page(request, entries, ("-completed_on", "-pk"))
    return render(
        request,
        "training/elearning/my_cpd.html",
        {"page": page, "total": queries.cpd_total(entries)},
    )
