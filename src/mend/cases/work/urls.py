"""Work on a case: the activity log, processes and meetings (mounted under /cases/)."""

from django.urls import path

from mend.cases.work import views

urlpatterns = [
    path("<int:pk>/work/", views.case_work, name="case_work"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("<int:pk>/processes/new/", views.process_create, name="process_create"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/invite.ics", views.meeting_invite, name="meeting_invite"),
    path(
        "meetings/<int:pk>/invite/<int:party_pk>.ics",
        views.meeting_party_invite,
        name="meeting_party_invite",
    ),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/held/", views.meeting_held, name="meeting_held"),
]
