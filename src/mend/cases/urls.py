"""Casework URLs, one module per area (each area's views live in views_<area>.py)."""

from django.urls import include, path

urlpatterns = [
    path("", include("mend.cases.urls_casework")),
    path("", include("mend.cases.urls_referrals")),
    path("", include("mend.cases.urls_parties")),
    path("", include("mend.cases.urls_assessment")),
    path("", include("mend.cases.urls_work")),
    path("", include("mend.cases.urls_communication")),
    path("", include("mend.cases.urls_outcomes")),
]
