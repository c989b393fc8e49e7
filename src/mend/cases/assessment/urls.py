"""Assessment and risk and the decision to proceed (under /cases/)."""

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
]
