"""Training URLs: e-learning authoring (/training/elearning/...) and a member's CPD record."""

from django.urls import path

from mend.training.elearning import views as v

urlpatterns: list = [
    path("elearning/modules/", v.modules, name="training_modules"),
    path("elearning/modules/new/", v.module_new, name="training_module_new"),
    path("elearning/modules/<int:pk>/", v.module_detail, name="training_module"),
    path("elearning/modules/<int:pk>/edit/", v.module_edit, name="training_module_edit"),
    path("elearning/modules/<int:pk>/lessons/new/", v.lesson_new, name="training_lesson_new"),
    path(
        "elearning/modules/<int:pk>/questions/new/",
        v.question_new,
        name="training_question_new",
    ),
    path(
        "elearning/modules/<int:pk>/enrol-client/",
        v.module_enrol_client,
        name="training_module_enrol_client",
    ),
    path("elearning/lessons/<int:pk>/edit/", v.lesson_edit, name="training_lesson_edit"),
    path("elearning/lessons/<int:pk>/move/", v.lesson_move, name="training_lesson_move"),
    path("elearning/questions/<int:pk>/edit/", v.question_edit, name="training_question_edit"),
    path("my-cpd/", v.my_cpd, name="training_my_cpd"),
]
