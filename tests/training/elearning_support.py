"""Building blocks for the e-learning tests: a published module made through the actions, and
learners who sign up or are members."""

from __future__ import annotations

from decimal import Decimal

from mend.core.tenancy import organisation_scope
from mend.core.tests_support import PASSWORD
from mend.training import actions
from mend.training import models as m


def published_module(actor, organisation, *, questions=4, pass_mark=75, lessons=2, **extra):
    """'Restorative conversations', with `lessons` lessons and `questions` questions whose
    first answer is the correct one."""
    with organisation_scope(organisation):
        module = actions.create_module(
            actor=actor,
            organisation=organisation,
            title=extra.pop("title", "Restorative conversations"),
            title_cy="Sgyrsiau adferol",
            summary="How to hold a restorative conversation.",
            cpd_hours=Decimal("2.5"),
            pass_mark=pass_mark,
            open_to_public=extra.pop("open_to_public", True),
        )
        for number in range(1, lessons + 1):
            actions.add_lesson(
                actor=actor,
                module=module,
                title=f"Lesson {number}",
                body=f"<p>What happened, who was affected, part {number}.</p>",
            )
        for number in range(1, questions + 1):
            actions.add_question(
                actor=actor,
                module=module,
                text=f"Question {number}?",
                choices=[("Right", "", True), ("Wrong", "", False), ("Also wrong", "", False)],
            )
        return actions.update_module(actor=actor, module=module, is_published=True)


def learner(organisation, email="alex.learner@example.test", name="Alex Learner"):
    with organisation_scope(organisation):
        return actions.sign_up_learner(
            organisation=organisation,
            full_name=name,
            email=email,
            password=PASSWORD,
            language="en",
        )


def answers(module, right: int) -> dict[int, int]:
    """Answers to the module's quiz with the first `right` questions answered correctly."""
    chosen = {}
    questions = m.QuizQuestion.objects.filter(module=module).prefetch_related("choices")
    for number, question in enumerate(questions.order_by("position")):
        choices = sorted(question.choices.all(), key=lambda ch: ch.position)
        correct = next(ch for ch in choices if ch.is_correct)
        wrong = next(ch for ch in choices if not ch.is_correct)
        chosen[question.pk] = (correct if number < right else wrong).pk
    return chosen


def finish_lessons(user, enrolment):
    for lesson in m.Lesson.objects.filter(module=enrolment.module_id).order_by("position"):
        enrolment = actions.complete_lesson(user=user, enrolment=enrolment, lesson=lesson)
    return enrolment
