"""Training URLs: dashboards."""

from django.urls import path

from mend.training.dashboards import views

urlpatterns = [
    path("dashboard/", views.training_dashboard, name="training_dashboard"),
]
