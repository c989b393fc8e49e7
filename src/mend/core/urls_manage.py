from django.urls import path

from mend.core import manage_views as v

urlpatterns = [
    path("people/", v.member_list, name="member_list"),
    path("people/invite/", v.invite, name="invite"),
    path("people/<int:pk>/", v.member_detail, name="member_detail"),
    path("people/<int:pk>/role/", v.member_role, name="member_role"),
    path("people/<int:pk>/teams/", v.member_teams, name="member_teams"),
    path("people/<int:pk>/notes/", v.member_notes, name="member_notes"),
    path("people/<int:pk>/deactivate/", v.member_deactivate, name="member_deactivate"),
    path("invitations/<int:pk>/revoke/", v.invitation_revoke, name="invitation_revoke"),
    path("teams/", v.team_list, name="team_list"),
    path("teams/new/", v.team_create, name="team_create"),
    path("teams/<int:pk>/", v.team_edit, name="team_edit"),
    path("teams/<int:pk>/delete/", v.team_delete, name="team_delete"),
    path("history/<str:object_type>/<int:pk>/", v.record_history, name="record_history"),
]
