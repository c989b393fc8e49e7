"""Casework settings (under /cases/settings/): case types, question sets, complexity factors."""

from django.urls import path

from mend.cases.configuration import views

urlpatterns = [
    path("settings/case-types/", views.case_type_list, name="case_type_list"),
    path("settings/case-types/<int:pk>/", views.case_type_edit, name="case_type_edit"),
    path("settings/question-sets/", views.question_set_list, name="question_set_list"),
    path("settings/question-sets/<int:pk>/", views.question_set_edit, name="question_set_edit"),
    path(
        "settings/complexity-factors/",
        views.complexity_factor_list,
        name="complexity_factor_list",
    ),
    path(
        "settings/complexity-factors/new/",
        views.complexity_factor_create,
        name="complexity_factor_create",
    ),
    path(
        "settings/complexity-factors/<int:pk>/",
        views.complexity_factor_edit,
        name="complexity_factor_edit",
    ),
]
