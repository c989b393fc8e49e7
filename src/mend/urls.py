from django.urls import include, path

from mend.core import manage_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility", views.accessibility_statement, name="accessibility"),
    path("privacy", views.privacy_notice, name="privacy"),
    path("organisation/switch", views.switch_organisation, name="switch_organisation"),
    path("language", views.change_language, name="set_language"),
    path("invitation/<str:token>/", manage_views.accept_invitation, name="accept_invitation"),
    path("manage/", include("mend.core.urls_manage")),
    path("cases/", include("mend.cases.urls")),
    path("training/", include("mend.training.urls")),
    path("learn/", include("mend.training.learn.urls")),
    path("accounts/", include("allauth.urls")),
]

handler400 = "mend.core.views.bad_request"
handler403 = "mend.core.views.permission_denied"
handler404 = "mend.core.views.page_not_found"
handler500 = "mend.core.views.server_error"
