"""axe finds no accessibility violations on the e-learning pages, in English and Welsh: the
authoring pages (modules, lessons, questions, enrolling a client's people, my CPD), the public
catalogue and sign-up, and a signed-in learner's dashboard, module, lesson, quiz and result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.support import LANGUAGES, assert_accessible

pytestmark = pytest.mark.browser


def build(organisation):
    """A published module with a learner half-way through it and a member who passed it."""
    from mend.core.roles import Role
    from mend.core.tenancy import organisation_scope
    from mend.core.tests_support import make_member
    from mend.training import actions
    from mend.training import models as m
    from tests.training.elearning_support import (
        answers,
        finish_lessons,
        learner,
        published_module,
    )
    from tests.training.support import school_client

    manager = make_member(organisation, Role.MANAGER, full_name="Morgan Price")
    module = published_module(manager.user, organisation)
    alex = learner(organisation)
    with organisation_scope(organisation):
        school_client(manager.user, organisation)
        lessons = list(m.Lesson.objects.filter(module=module).order_by("position"))
        question = m.QuizQuestion.objects.filter(module=module).first()
        alex_enrolment = actions.enrol_self(user=alex, module=module)
        actions.complete_lesson(user=alex, enrolment=alex_enrolment, lesson=lessons[0])
        passed = finish_lessons(manager.user, actions.enrol_self(user=manager.user, module=module))
        failed_attempt = actions.submit_quiz(
            user=manager.user, enrolment=passed, answers=answers(module, 1)
        )
        passed_attempt = actions.submit_quiz(
            user=manager.user, enrolment=passed, answers=answers(module, 4)
        )
    return {
        "manager": manager,
        "module": module,
        "lessons": lessons,
        "question": question,
        "alex": alex,
        "alex_enrolment": alex_enrolment,
        "passed": passed,
        "failed_attempt": failed_attempt,
        "passed_attempt": passed_attempt,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_authoring_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    world = build(organisation)
    sign_in_as(world["manager"].user, organisation)
    if language == "cy":
        use_welsh()
    module = world["module"]

    def question_with_errors():
        page.goto(reverse("training_question_new", args=[module.pk]))
        page.locator("input[name=text]").fill("Who speaks?")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("modules", reverse("training_modules")),
            ("module-new", reverse("training_module_new")),
            ("module", reverse("training_module", args=[module.pk])),
            ("module-edit", reverse("training_module_edit", args=[module.pk])),
            ("lesson-new", reverse("training_lesson_new", args=[module.pk])),
            ("lesson-edit", reverse("training_lesson_edit", args=[world["lessons"][0].pk])),
            ("question-new", reverse("training_question_new", args=[module.pk])),
            ("question-with-errors", question_with_errors),
            ("question-edit", reverse("training_question_edit", args=[world["question"].pk])),
            ("enrol-client", reverse("training_module_enrol_client", args=[module.pk])),
            ("my-cpd", reverse("training_my_cpd")),
            (
                "member-result",
                reverse(
                    "training_learn_result",
                    args=[organisation.slug, world["passed"].pk, world["passed_attempt"].pk],
                ),
            ),
        ],
        language,
        prefix="elearning-",
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_learning_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, language, use_welsh
):
    build(organisation)
    if language == "cy":
        use_welsh()
    slug = organisation.slug

    def join_with_errors():
        page.goto(reverse("training_learn_join", args=[slug]))
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    assert_accessible(
        page,
        [
            ("catalogue", reverse("training_learn_catalogue", args=[slug])),
            ("join", reverse("training_learn_join", args=[slug])),
            ("join-with-errors", join_with_errors),
        ],
        language,
        prefix="elearning-",
    )
    assert csp_reports.reports == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_signed_in_learners_pages_have_no_accessibility_violations(
    page, csp_reports, organisation, sign_in_as, language, use_welsh
):
    world = build(organisation)
    sign_in_as(world["alex"])
    if language == "cy":
        use_welsh()
    slug = organisation.slug
    enrolment = world["alex_enrolment"]
    lessons = world["lessons"]

    def finish_and_fail_the_quiz():
        page.goto(reverse("training_learn_lesson", args=[slug, enrolment.pk, lessons[1].pk]))
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"**{reverse('training_learn_quiz', args=[slug, enrolment.pk])}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector(".govuk-error-summary")

    def fail_result():
        for fieldset in page.locator("main form fieldset").all():
            fieldset.locator("input[type=radio]").nth(1).check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_selector("h1")

    assert_accessible(
        page,
        [
            ("catalogue-signed-in", reverse("training_learn_catalogue", args=[slug])),
            ("dashboard", reverse("training_learn_dashboard", args=[slug])),
            ("learner-module", reverse("training_learn_module", args=[slug, enrolment.pk])),
            (
                "lesson",
                reverse("training_learn_lesson", args=[slug, enrolment.pk, lessons[0].pk]),
            ),
            ("quiz-with-errors", finish_and_fail_the_quiz),
            ("result-not-passed", fail_result),
        ],
        language,
        prefix="elearning-",
    )
    assert csp_reports.reports == []
