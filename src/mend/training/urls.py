"""Staff training pages (/training/...) and the public pages reached by link (SLA, surveys,
certificate check, enquiry form). Each area keeps its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("mend.training.sales.urls")),
    path("", include("mend.training.delivery.urls")),
    path("", include("mend.training.money.urls")),
    path("", include("mend.training.elearning.urls")),
    path("", include("mend.training.dashboards.urls")),
]
