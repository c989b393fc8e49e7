"""Casework URLs: each area (a package under mend/cases/) has its own urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("mend.cases.casework.urls")),
    path("", include("mend.cases.referrals.urls")),
    path("", include("mend.cases.parties.urls")),
    path("", include("mend.cases.assessment.urls")),
    path("", include("mend.cases.configuration.urls")),
    path("", include("mend.cases.work.urls")),
    path("", include("mend.cases.communication.urls")),
    path("", include("mend.cases.outcomes.urls")),
    path("", include("mend.cases.search.urls")),
]
