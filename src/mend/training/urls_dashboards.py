"""Training URLs: dashboards."""

from django.urls import path

from . import views_dashboards as views

urlpatterns = [
    path("dashboard/", views.training_dashboard, name="training_dashboard"),
]
