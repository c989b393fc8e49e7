"""Staff training pages (/training/...) and the public pages reached by link (SLA, surveys,
certificate check, enquiry form). Each area keeps its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("mend.training.urls_sales")),
    path("", include("mend.training.urls_delivery")),
    path("", include("mend.training.urls_money")),
    path("", include("mend.training.urls_elearning")),
    path("", include("mend.training.urls_dashboards")),
]
