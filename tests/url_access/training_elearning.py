"""Expectations for e-learning: authoring (AUTHOR_ELEARNING: administrators, managers, trainers),
a member's own CPD record (every role), and the learner pages under /learn/<organisation>/.

The catalogue and the sign-up form are public. The other learner pages are for anyone signed in
(access.LEARNER): everyone reaches their own dashboard, even for another organisation, and may
enrol in a published module open to the public (302 to their new enrolment). The walker's
visitors own no enrolment, so the pages about one enrolment (the administrator's) are not found
(404) for every role; anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from django.urls import reverse

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import models as m
from tests.training.elearning_support import answers, finish_lessons, published_module
from tests.url_access import EVERY_ROLE, Expect

AUTHORS = frozenset({Role.ADMINISTRATOR, Role.MANAGER, Role.TRAINER})
NOBODY = frozenset()

EXPECTED: dict[str, Expect] = {
    "training_modules": Expect(AUTHORS),
    "training_module_new": Expect(AUTHORS),
    **{
        name: Expect(AUTHORS, org_object=True)
        for name in (
            "training_module",
            "training_module_edit",
            "training_lesson_new",
            "training_question_new",
            "training_module_enrol_client",
            "training_lesson_edit",
            "training_question_edit",
        )
    },
    "training_lesson_move": Expect(AUTHORS, ok=302, method="post", org_object=True),
    "training_my_cpd": Expect(EVERY_ROLE),
    "training_learn_catalogue": Expect(None),
    "training_learn_join": Expect(None),
    "training_learn_dashboard": Expect(EVERY_ROLE),
    "training_learn_enrol": Expect(EVERY_ROLE, ok=302, method="post"),
    **{
        name: Expect(NOBODY, org_object=True)
        for name in (
            "training_learn_module",
            "training_learn_lesson",
            "training_learn_quiz",
            "training_learn_result",
            "training_learn_certificate",
        )
    },
}

POSTS = {"training_lesson_move": {"direction": "down"}}


def objects(organisation, admin_user, slug):
    module = published_module(admin_user, organisation)
    with organisation_scope(organisation):
        lesson = m.Lesson.objects.filter(module=module).order_by("position").first()
        question = m.QuizQuestion.objects.filter(module=module).first()
        # The administrator's own enrolment, passed: nobody else may see its pages.
        enrolment = finish_lessons(admin_user, actions.enrol_self(user=admin_user, module=module))
        attempt = actions.submit_quiz(
            user=admin_user, enrolment=enrolment, answers=answers(module, 4)
        )
    return {
        "module": module,
        "lesson": lesson,
        "question": question,
        "enrolment": enrolment,
        "attempt": attempt,
        "slug": organisation.slug,
    }


def urls(for_each) -> dict[str, dict[str, str]]:
    by_object = {
        "training_module": "module",
        "training_module_edit": "module",
        "training_lesson_new": "module",
        "training_question_new": "module",
        "training_module_enrol_client": "module",
        "training_lesson_edit": "lesson",
        "training_lesson_move": "lesson",
        "training_question_edit": "question",
    }
    found = {
        name: for_each(lambda o, n=name, key=key: reverse(n, args=[o[key].pk]))
        for name, key in by_object.items()
    }
    for name in ("training_learn_catalogue", "training_learn_join", "training_learn_dashboard"):
        found[name] = for_each(lambda o, n=name: reverse(n, args=[o["slug"]]))
    found["training_learn_enrol"] = for_each(
        lambda o: reverse("training_learn_enrol", args=[o["slug"], o["module"].pk])
    )
    for name in ("training_learn_module", "training_learn_quiz", "training_learn_certificate"):
        found[name] = for_each(lambda o, n=name: reverse(n, args=[o["slug"], o["enrolment"].pk]))
    found["training_learn_lesson"] = for_each(
        lambda o: reverse(
            "training_learn_lesson", args=[o["slug"], o["enrolment"].pk, o["lesson"].pk]
        )
    )
    found["training_learn_result"] = for_each(
        lambda o: reverse(
            "training_learn_result", args=[o["slug"], o["enrolment"].pk, o["attempt"].pk]
        )
    )
    return found
