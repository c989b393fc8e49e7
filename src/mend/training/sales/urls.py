"""Training URLs: sales (the start page, clients, courses, enquiries, engagements, quotes and the
Service Level Agreement). The public enquiry form and the agreement link need no sign-in."""

from django.urls import path

from mend.training.sales import engagement_views as ev
from mend.training.sales import enquiry_views as qv
from mend.training.sales import public
from mend.training.sales import views as v

urlpatterns = [
    path("", v.training_home, name="training_home"),
    path("clients/", v.training_clients, name="training_clients"),
    path("clients/new/", v.training_client_new, name="training_client_new"),
    path("clients/<int:pk>/", v.training_client, name="training_client"),
    path("clients/<int:pk>/edit/", v.training_client_edit, name="training_client_edit"),
    path("clients/<int:pk>/contacts/new/", v.training_contact_new, name="training_contact_new"),
    path("contacts/<int:pk>/edit/", v.training_contact_edit, name="training_contact_edit"),
    path("courses/", v.training_courses, name="training_courses"),
    path("courses/new/", v.training_course_new, name="training_course_new"),
    path("courses/<int:pk>/edit/", v.training_course_edit, name="training_course_edit"),
    path("enquiries/", qv.training_enquiries, name="training_enquiries"),
    path("enquiries/new/", qv.training_enquiry_new, name="training_enquiry_new"),
    path("enquiries/<int:pk>/", qv.training_enquiry, name="training_enquiry"),
    path(
        "enquiries/<int:pk>/convert/", qv.training_enquiry_convert, name="training_enquiry_convert"
    ),
    path("enquiries/<int:pk>/close/", qv.training_enquiry_close, name="training_enquiry_close"),
    path("engagements/", ev.training_engagements, name="training_engagements"),
    path("engagements/new/", ev.training_engagement_new, name="training_engagement_new"),
    path("<int:pk>/", ev.training_engagement, name="training_engagement"),
    path("<int:pk>/quote/", ev.training_proposal_new, name="training_proposal_new"),
    path("quotes/<int:pk>/pdf/", ev.training_proposal_pdf, name="training_proposal_pdf"),
    path("<int:pk>/agreement/send/", ev.training_sla_send, name="training_sla_send"),
    path("agreements/<int:pk>/withdraw/", ev.training_sla_withdraw, name="training_sla_withdraw"),
    # Public (no sign-in): the organisation by its short name; the agreement by its token.
    path("enquire/<slug:slug>/", public.training_enquire, name="training_enquire"),
    path(
        "enquire/<slug:slug>/thanks/",
        public.training_enquire_thanks,
        name="training_enquire_thanks",
    ),
    path("agreement/<str:token>/", public.training_sla, name="training_sla"),
]
