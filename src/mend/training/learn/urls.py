"""E-learning for learners (/learn/<organisation>/...): public catalogue and sign-up, then
the learner's own pages (access.LEARNER)."""

from django.urls import path

from mend.training.learn import public
from mend.training.learn import views as v

urlpatterns: list = [
    path("<slug:slug>/", public.catalogue, name="training_learn_catalogue"),
    path("<slug:slug>/join/", public.join, name="training_learn_join"),
    path("<slug:slug>/my/", v.dashboard, name="training_learn_dashboard"),
    path("<slug:slug>/modules/<int:pk>/enrol/", v.enrol, name="training_learn_enrol"),
    path("<slug:slug>/enrolments/<int:pk>/", v.module_overview, name="training_learn_module"),
    path(
        "<slug:slug>/enrolments/<int:pk>/lessons/<int:lesson_pk>/",
        v.lesson,
        name="training_learn_lesson",
    ),
    path("<slug:slug>/enrolments/<int:pk>/quiz/", v.quiz, name="training_learn_quiz"),
    path(
        "<slug:slug>/enrolments/<int:pk>/attempts/<int:attempt_pk>/",
        v.result,
        name="training_learn_result",
    ),
    path(
        "<slug:slug>/enrolments/<int:pk>/certificate.pdf",
        v.certificate,
        name="training_learn_certificate",
    ),
]
