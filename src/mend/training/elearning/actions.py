"""Training actions: e-learning. Authors write modules (lessons of sanitised rich text and a quiz
with a pass mark); learners sign up themselves or are enrolled by a client; progress is saved
lesson by lesson; passing issues a certificate once and credits CPD hours once to a member.

Authoring and enrolling by a client need AUTHOR_ELEARNING. A learner's own actions take the
signed-in user and only ever touch that user's own Learner and Enrolment rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mend.core import access, audit
from mend.core.changes import check_version, create, lock
from mend.core.models import Organisation
from mend.core.roles import Perm
from mend.training import models as m
from mend.training.delivery.actions import issue_certificate
from mend.training.elearning import richtext
from mend.training.elearning.queries import (
    is_own,
    lesson_ids,
    next_lesson,
    publish_problem,
    score,
)
from mend.training.events import TrainingEvent

__all__ = [
    "MAX_CHOICES",
    "MIN_CHOICES",
    "add_lesson",
    "add_question",
    "complete_lesson",
    "create_module",
    "move_lesson",
    "submit_quiz",
    "update_lesson",
    "update_module",
    "update_question",
]

MIN_CHOICES = 2
MAX_CHOICES = 6
MODULE_FIELDS = [
    "title",
    "title_cy",
    "summary",
    "summary_cy",
    "cpd_hours",
    "pass_mark",
    "is_published",
    "open_to_public",
]
LESSON_FIELDS = ["title", "title_cy", "body", "body_cy"]


# ---------------------------------------------------------------- modules


def _check_module(values: dict) -> None:
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = _("Enter the module's title.")
    hours = values.get("cpd_hours")
    if hours is None or Decimal(hours) < 0:
        errors["cpd_hours"] = _("Enter the CPD hours, 0 or more.")
    pass_mark = values.get("pass_mark")
    if pass_mark is None or not 1 <= int(pass_mark) <= 100:
        errors["pass_mark"] = _("Enter a pass mark between 1 and 100.")
    if errors:
        raise ValidationError(errors)


def create_module(*, actor: object, organisation: Organisation, **values: object) -> m.Module:
    """A new module, unpublished until it has lessons and a quiz."""
    access.require(actor, Perm.AUTHOR_ELEARNING, organisation)
    values = {k: v for k, v in values.items() if k in MODULE_FIELDS}
    values.setdefault("pass_mark", 80)
    _check_module(values)
    if values.get("is_published"):
        raise ValidationError(
            {"is_published": _("Add at least one lesson and one quiz question before publishing.")}
        )
    module = m.Module(organisation=organisation, **values)
    module.title = module.title.strip()
    return create(
        module,
        actor=actor,
        action=TrainingEvent.MODULE_CREATED,
        changes=lambda module: {"title": [None, module.title]},
    )


def update_module(
    *, actor: object, module: m.Module, version: int | None = None, **values: object
) -> m.Module:
    access.require(actor, Perm.AUTHOR_ELEARNING, module)
    values = {k: v for k, v in values.items() if k in MODULE_FIELDS}
    _check_module({**audit.snapshot(module, MODULE_FIELDS), **values})
    with transaction.atomic():
        locked = lock(module)
        check_version(locked, version)
        before = audit.snapshot(locked, MODULE_FIELDS)
        for field, value in values.items():
            setattr(locked, field, value)
        if locked.is_published and not before["is_published"]:
            problem = publish_problem(locked)
            if problem:
                raise ValidationError({"is_published": problem})
        changes = audit.diff(locked, before, MODULE_FIELDS)
        if changes:
            _save_changed(locked, changes, actor=actor, action=TrainingEvent.MODULE_CHANGED)
    return locked


def _save_changed(
    locked: m.Module | m.Lesson, changes: dict, *, actor: object, action: str
) -> None:
    """An edited row that changed: the next version, validated as a whole, saved, audited."""
    locked.version += 1
    locked.full_clean()
    locked.save()
    audit.record(action, actor=actor, organisation=locked.organisation, obj=locked, changes=changes)


# ---------------------------------------------------------------- lessons


def _clean_lesson(values: dict) -> dict:
    values = {k: v for k, v in values.items() if k in LESSON_FIELDS}
    for field in ("body", "body_cy"):
        if field in values:
            values[field] = richtext.sanitise(values[field])
    errors = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = _("Enter the lesson's title.")
    if "body" in values and not values["body"]:
        errors["body"] = _("Enter the lesson's text.")
    if errors:
        raise ValidationError(errors)
    return values


def add_lesson(*, actor: object, module: m.Module, **values: object) -> m.Lesson:
    """A lesson at the end of the module; its text is sanitised before it is saved."""
    access.require(actor, Perm.AUTHOR_ELEARNING, module)
    values = _clean_lesson(values)
    with transaction.atomic():
        lock(module)
        last = m.Lesson.objects.filter(module=module).aggregate(last=Max("position"))["last"]
        lesson = m.Lesson(
            organisation=module.organisation, module=module, position=(last or 0) + 1, **values
        )
        lesson.full_clean()
        lesson.save()
        audit.record(
            TrainingEvent.LESSON_ADDED,
            actor=actor,
            organisation=module.organisation,
            obj=lesson,
            changes={"module": module.pk, "title": [None, lesson.title]},
        )
    return lesson


def update_lesson(
    *, actor: object, lesson: m.Lesson, version: int | None = None, **values: object
) -> m.Lesson:
    access.require(actor, Perm.AUTHOR_ELEARNING, lesson)
    values = _clean_lesson(values)
    with transaction.atomic():
        locked = lock(lesson)
        check_version(locked, version)
        before = audit.snapshot(locked, LESSON_FIELDS)
        for field, value in values.items():
            setattr(locked, field, value)
        changes = audit.diff(locked, before, LESSON_FIELDS)
        if changes:
            # The texts can be long: say they changed rather than copying them into the trail.
            for field in ("body", "body_cy"):
                if field in changes:
                    changes[field] = "changed"
            _save_changed(locked, changes, actor=actor, action=TrainingEvent.LESSON_CHANGED)
    return locked


def move_lesson(*, actor: object, lesson: m.Lesson, direction: str) -> m.Lesson:
    """Swap the lesson with the one before ("up") or after ("down") it."""
    access.require(actor, Perm.AUTHOR_ELEARNING, lesson)
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose whether to move the lesson up or down."))
    with transaction.atomic():
        m.Module.objects.select_for_update().get(pk=lesson.module_id)
        lessons = list(m.Lesson.objects.filter(module_id=lesson.module_id).order_by("position"))
        index = next(i for i, row in enumerate(lessons) if row.pk == lesson.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(lessons):
            return lesson
        lessons[index], lessons[other] = lessons[other], lessons[index]
        for position, row in enumerate(lessons, start=1):
            if row.position != position:
                row.position = position
                row.save(update_fields=["position"])
        audit.record_for(
            TrainingEvent.LESSON_MOVED,
            lesson,
            actor=actor,
            changes={"direction": direction, "position": other + 1},
        )
    return lessons[other]


# ---------------------------------------------------------------- quiz questions


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    text_cy: str = ""
    is_correct: bool = False


def _clean_question(text: str, choices) -> list[ChoiceSpec]:
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Enter the question.")
    specs = [
        spec if isinstance(spec, ChoiceSpec) else ChoiceSpec(*spec)
        for spec in choices
        if (spec.text if isinstance(spec, ChoiceSpec) else spec[0]).strip()
    ]
    if not MIN_CHOICES <= len(specs) <= MAX_CHOICES:
        errors["choices"] = _("Give between %(low)d and %(high)d answers to choose from.") % {
            "low": MIN_CHOICES,
            "high": MAX_CHOICES,
        }
    elif not any(spec.is_correct for spec in specs):
        errors["choices"] = _("Mark at least one answer as correct.")
    if errors:
        raise ValidationError(errors)
    return specs


def add_question(
    *,
    actor: object,
    module: m.Module,
    text: str,
    text_cy: str = "",
    choices: Iterable[ChoiceSpec | tuple],
) -> m.QuizQuestion:
    """A question at the end of the quiz. `choices`: (text, text_cy, is_correct) each."""
    access.require(actor, Perm.AUTHOR_ELEARNING, module)
    specs = _clean_question(text, choices)
    with transaction.atomic():
        lock(module)
        last = m.QuizQuestion.objects.filter(module=module).aggregate(last=Max("position"))
        question = m.QuizQuestion.objects.create(
            organisation=module.organisation,
            module=module,
            position=(last["last"] or 0) + 1,
            text=text.strip(),
            text_cy=(text_cy or "").strip(),
        )
        _save_choices(question, specs)
        audit.record(
            TrainingEvent.QUESTION_ADDED,
            actor=actor,
            organisation=module.organisation,
            obj=question,
            changes={"module": module.pk, "choices": len(specs)},
        )
    return question


def update_question(
    *,
    actor: object,
    question: m.QuizQuestion,
    text: str,
    text_cy: str = "",
    choices: Iterable[ChoiceSpec | tuple],
) -> m.QuizQuestion:
    """Change a question and its answers (answers are kept by position, extra ones removed)."""
    access.require(actor, Perm.AUTHOR_ELEARNING, question)
    specs = _clean_question(text, choices)
    with transaction.atomic():
        locked = lock(question)
        locked.text, locked.text_cy = text.strip(), (text_cy or "").strip()
        locked.save(update_fields=["text", "text_cy"])
        _save_choices(locked, specs)
        audit.record_for(
            TrainingEvent.QUESTION_CHANGED,
            locked,
            actor=actor,
            changes={"choices": len(specs)},
        )
    return locked


def _save_choices(question: m.QuizQuestion, specs: list[ChoiceSpec]) -> None:
    existing = list(m.QuizChoice.objects.filter(question=question).order_by("position", "pk"))
    for position, spec in enumerate(specs, start=1):
        row = existing[position - 1] if position <= len(existing) else None
        if row is None:
            row = m.QuizChoice(organisation=question.organisation, question=question)
        row.position = position
        row.text, row.text_cy = spec.text.strip(), (spec.text_cy or "").strip()
        row.is_correct = bool(spec.is_correct)
        row.save()
    extra = [row.pk for row in existing[len(specs) :]]
    if extra:
        m.QuizChoice.objects.filter(pk__in=extra).delete()


# ---------------------------------------------------------------- progress and the quiz


def complete_lesson(*, user: object, enrolment: m.Enrolment, lesson: m.Lesson) -> m.Enrolment:
    if not is_own(user, enrolment):
        raise PermissionDenied
    if lesson.module_id != enrolment.module_id:
        raise ValidationError(_("This lesson is not part of the module."))
    with transaction.atomic():
        locked = lock(enrolment)
        if lesson.pk not in (locked.completed_lessons or []):
            locked.completed_lessons = [*(locked.completed_lessons or []), lesson.pk]
            locked.save(update_fields=["completed_lessons"])
            audit.record_for(
                TrainingEvent.LESSON_COMPLETED,
                locked,
                actor=user,
                changes={"lesson": lesson.pk},
            )
    return locked


def submit_quiz(*, user: object, enrolment: m.Enrolment, answers: dict) -> m.QuizAttempt:
    """Mark an attempt. `answers` maps question id to the chosen choice id. Passing (score at
    least the pass mark) records the pass, issues the certificate and credits CPD, each once."""
    if not is_own(user, enrolment):
        raise PermissionDenied
    module = m.Module.objects.get(pk=enrolment.module_id)
    ids = lesson_ids(module)
    with transaction.atomic():
        locked = lock(enrolment)
        if next_lesson(locked, ids) is not None:
            raise ValidationError(_("Finish every lesson before you take the quiz."))
        questions = list(m.QuizQuestion.objects.filter(module=module).prefetch_related("choices"))
        if not questions:
            raise ValidationError(_("This module has no quiz yet."))
        chosen: dict[str, int] = {}
        correct = 0
        missing = []
        for question in questions:
            raw = answers.get(question.pk, answers.get(str(question.pk)))
            choice = next((ch for ch in question.choices.all() if str(ch.pk) == str(raw)), None)
            if choice is None:
                missing.append(question.pk)
                continue
            chosen[str(question.pk)] = choice.pk
            correct += choice.is_correct
        if missing:
            raise ValidationError(_("Answer every question."))
        percent = score(correct, len(questions))
        passed = correct * 100 >= module.pass_mark * len(questions)
        attempt = m.QuizAttempt.objects.create(
            organisation=locked.organisation,
            enrolment=locked,
            answers=chosen,
            score=percent,
            passed=passed,
        )
        locked.best_score = max(locked.best_score or 0, percent)
        fields = ["best_score"]
        first_pass = passed and locked.passed_at is None
        if first_pass:
            locked.passed_at = attempt.submitted_at
            fields.append("passed_at")
        locked.save(update_fields=fields)
        audit.record_for(
            TrainingEvent.QUIZ_SUBMITTED,
            locked,
            actor=user,
            changes={"score": percent, "passed": passed},
        )
        if passed:
            _certify(user, locked, module)
    return attempt


def _certify(user, enrolment: m.Enrolment, module: m.Module) -> None:
    """The certificate and CPD credit for a pass, each made once whatever the retries."""
    organisation = enrolment.organisation
    completed_on = timezone.localdate(enrolment.passed_at)
    learner = m.Learner.objects.get(pk=enrolment.learner_id)
    if not m.Certificate.objects.filter(enrolment=enrolment).exists():
        issue_certificate(
            actor=user,
            organisation=organisation,
            holder_name=learner.name,
            course_title=module.title,
            course_title_cy=module.title_cy,
            cpd_hours=module.cpd_hours,
            completed_on=completed_on,
            language=user.preferred_language,
            enrolment=enrolment,
        )
    membership = access.memberships(user).get(organisation.pk)
    if membership is not None and not m.CpdEntry.objects.filter(enrolment=enrolment).exists():
        entry = m.CpdEntry.objects.create(
            organisation=organisation,
            membership_id=membership.pk,
            title=module.title,
            hours=module.cpd_hours,
            completed_on=completed_on,
            enrolment=enrolment,
        )
        audit.record(
            TrainingEvent.CPD_CREDITED,
            actor=user,
            organisation=organisation,
            obj=entry,
            changes={"hours": str(entry.hours), "enrolment": enrolment.pk},
        )
