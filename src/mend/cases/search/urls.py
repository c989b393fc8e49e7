"""Search: people and cases by name, reference, date of birth or postcode."""

from django.urls import path

from mend.cases.search import views

urlpatterns = [path("search/", views.search, name="case_search")]
