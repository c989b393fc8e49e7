"""Assessment and risk, the decision to proceed, and casework configuration (under /cases/)."""

from django.urls import path

from mend.cases.assessment import views

urlpatterns = [
    path("<int:pk>/assessment/", views.case_assessment, name="case_assessment"),
    path("<int:pk>/risk/new/", views.risk_new, name="case_risk_new"),
    path("<int:pk>/signoff/<str:kind>/", views.signoff, name="case_signoff"),
    path("<int:pk>/suitability/", views.suitability, name="case_suitability"),
    path("<int:pk>/principles/", views.principles, name="case_principles"),
    path("handovers/<int:pk>/", views.handover_download, name="handover_download"),
    path("parties/<int:pk>/assess/", views.party_assess, name="party_assess"),
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
