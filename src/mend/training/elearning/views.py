"""E-learning authoring (AUTHOR_ELEARNING): modules, lessons, quiz questions, the module page
with its enrolments and progress, enrolling a client's people; and a member's own CPD record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mend.core import access
from mend.core.access import decide, requires
from mend.core.forms import add_action_errors
from mend.core.roles import Perm
from mend.core.submissions import handle_post
from mend.training import actions
from mend.training import models as m
from mend.training.elearning import richtext
from mend.training.elearning.forms import (
    ClientEnrolmentForm,
    LessonForm,
    ModuleForm,
    NewLessonForm,
    NewModuleForm,
    QuestionForm,
)

PAGE_SIZE = 25
AUTHOR = Perm.AUTHOR_ELEARNING


def _module_url(pk: int) -> str:
    return reverse("training_module", args=[pk])


# ---------------------------------------------------------------- modules


@decide(requires(AUTHOR))
def modules(request: HttpRequest) -> HttpResponse:
    rows = (
        m.Module.objects.for_user(request.user, AUTHOR)
        .annotate(
            lesson_count=Count("lessons", distinct=True),
            question_count=Count("questions", distinct=True),
            enrolment_count=Count("enrolments", distinct=True),
        )
        .order_by("title", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/elearning/modules.html", {"page": page})


@decide(requires(AUTHOR))
def module_new(request: HttpRequest) -> HttpResponse:
    form = NewModuleForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.create_module(
                actor=request.user, organisation=request.organisation, **form.values()
            ),
            redirect_to=lambda module: _module_url(module.pk),
            message=_("Module created. Now add its lessons and quiz."),
        )
        if response:
            return response
    return render(request, "training/elearning/module_form.html", {"form": form})


@decide(requires(AUTHOR))
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    form = ModuleForm(
        request.POST or None,
        initial={
            "title": module.title,
            "title_cy": module.title_cy,
            "summary": module.summary,
            "summary_cy": module.summary_cy,
            "cpd_hours": module.cpd_hours,
            "pass_mark": module.pass_mark,
            "open_to_public": "yes" if module.open_to_public else "no",
            "is_published": "yes" if module.is_published else "no",
            "version": module.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_module(
                actor=request.user,
                module=module,
                version=form.cleaned_data.get("version"),
                **form.values(),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Module saved."))
            return redirect(_module_url(module.pk))
    return render(request, "training/elearning/module_form.html", {"form": form, "module": module})


@decide(requires(AUTHOR))
def module_detail(request: HttpRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    lessons = list(m.Lesson.objects.filter(module=module).order_by("position", "pk"))
    questions = list(
        m.QuizQuestion.objects.filter(module=module)
        .prefetch_related("choices")
        .order_by("position", "pk")
    )
    ids = [lesson.pk for lesson in lessons]
    enrolments = (
        m.Enrolment.objects.filter(module=module)
        .select_related("learner", "client", "certificate")
        .order_by("-enrolled_at", "-pk")
    )
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    for enrolment in page.object_list:
        enrolment.done = actions.lessons_done(enrolment, ids)
        enrolment.percent = actions.progress_percent(enrolment, ids)
    return render(
        request,
        "training/elearning/module.html",
        {
            "module": module,
            "lessons": lessons,
            "questions": questions,
            "page": page,
            "lesson_total": len(ids),
        },
    )


# ---------------------------------------------------------------- lessons


@decide(requires(AUTHOR))
def lesson_new(request: HttpRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    form = NewLessonForm(request.POST or None)
    if request.method == "POST":
        response = handle_post(
            request,
            form,
            lambda data: actions.add_lesson(
                actor=request.user,
                module=module,
                title=data["title"],
                title_cy=data["title_cy"],
                body=data["body"],
                body_cy=data["body_cy"],
            ),
            redirect_to=_module_url(module.pk),
            message=_("Lesson added."),
        )
        if response:
            return response
    return render(request, "training/elearning/lesson_form.html", {"form": form, "module": module})


@decide(requires(AUTHOR))
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = access.get_object_or_404(request, m.Lesson, AUTHOR, pk=pk)
    module = m.Module.objects.get(pk=lesson.module_id)
    form = LessonForm(
        request.POST or None,
        initial={
            "title": lesson.title,
            "title_cy": lesson.title_cy,
            "body": lesson.body,
            "body_cy": lesson.body_cy,
            "version": lesson.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_lesson(
                actor=request.user,
                lesson=lesson,
                version=data.get("version"),
                title=data["title"],
                title_cy=data["title_cy"],
                body=data["body"],
                body_cy=data["body_cy"],
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect(_module_url(module.pk))
    return render(
        request,
        "training/elearning/lesson_form.html",
        {
            "form": form,
            "module": module,
            "lesson": lesson,
            "preview": richtext.render(lesson.body),
        },
    )


@decide(requires(AUTHOR))
@require_POST
def lesson_move(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = access.get_object_or_404(request, m.Lesson, AUTHOR, pk=pk)
    try:
        actions.move_lesson(
            actor=request.user, lesson=lesson, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Lesson moved."))
    return redirect(_module_url(lesson.module_id) + "#lessons")


# ---------------------------------------------------------------- quiz questions


@decide(requires(AUTHOR))
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":

        def add(data):
            try:
                return actions.add_question(
                    actor=request.user,
                    module=module,
                    text=data["text"],
                    text_cy=data["text_cy"],
                    choices=form.choices(),
                )
            except ValidationError as exc:
                raise _question_refusal(exc) from exc

        response = handle_post(
            request,
            form,
            add,
            redirect_to=_module_url(module.pk) + "#quiz",
            message=_("Question added."),
        )
        if response:
            return response
    return render(
        request, "training/elearning/question_form.html", {"form": form, "module": module}
    )


@decide(requires(AUTHOR))
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.get_object_or_404(request, m.QuizQuestion, AUTHOR, pk=pk)
    module = m.Module.objects.get(pk=question.module_id)
    choices = list(m.QuizChoice.objects.filter(question=question).order_by("position", "pk"))
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question, choices))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_question(
                actor=request.user,
                question=question,
                text=data["text"],
                text_cy=data["text_cy"],
                choices=form.choices(),
            )
        except ValidationError as exc:
            add_action_errors(form, _question_refusal(exc))
        else:
            messages.success(request, _("Question saved."))
            return redirect(_module_url(module.pk) + "#quiz")
    return render(
        request,
        "training/elearning/question_form.html",
        {"form": form, "module": module, "question": question},
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
def module_enrol_client(request: HttpRequest, pk: int) -> HttpResponse:
    module = access.get_object_or_404(request, m.Module, AUTHOR, pk=pk)
    clients = list(m.Client.objects.filter(is_active=True).order_by("name", "pk")[:500])
    form = ClientEnrolmentForm(request.POST or None, clients=clients)
    if request.method == "POST":

        def enrol(data):
            client = next(cl for cl in clients if str(cl.pk) == data["client"])
            people = actions.parse_learner_lines(data["people"])
            return actions.enrol_client_learners(
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

        response = handle_post(
            request,
            form,
            enrol,
            redirect_to=_module_url(module.pk) + "#enrolments",
            message=enrolled,
        )
        if response:
            return response
    return render(
        request,
        "training/elearning/enrol_client.html",
        {"form": form, "module": module, "no_clients": not clients},
    )


# ---------------------------------------------------------------- a member's CPD


@decide(requires(Perm.VIEW_HOME))
def my_cpd(request: HttpRequest) -> HttpResponse:
    entries = m.CpdEntry.objects.filter(membership=request.membership).order_by(
        "-completed_on", "-pk"
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    total = entries.aggregate(total=Sum("hours"))["total"] or 0
    return render(request, "training/elearning/my_cpd.html", {"page": page, "total": total})
