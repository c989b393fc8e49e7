"""Casework pages: the case list, a case's overview, transitions, allocation, caseload and the
Victims' Code dashboard."""

from django.urls import path

from mend.cases.casework import dashboards
from mend.cases.casework import views as v

urlpatterns = [
    path("", v.case_list, name="case_list"),
    path("caseload/", dashboards.caseload, name="caseload"),
    path("dashboard/", dashboards.dashboard, name="casework_dashboard"),
    path("<int:pk>/", v.case_detail, name="case_detail"),
    path("<int:pk>/transition/<str:name>/", v.case_transition, name="case_transition"),
    path("<int:pk>/allocate/", v.case_allocate, name="case_allocate"),
    path("<int:pk>/victims-code/<str:duty>/", v.case_clock_done, name="case_clock_done"),
    path("tasks/<int:pk>/done/", v.task_done, name="task_done"),
]
