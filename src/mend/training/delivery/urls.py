"""Training URLs: delivery (sessions, trainers, attendees, registers, certificates, surveys)."""

from django.urls import path

from mend.training.delivery import attendee_views as av
from mend.training.delivery import public
from mend.training.delivery import views as v

urlpatterns = [
    path("engagements/<int:pk>/sessions/new/", v.session_new, name="training_session_new"),
    path("sessions/<int:pk>/", v.session_detail, name="training_session"),
    path("sessions/<int:pk>/edit/", v.session_edit, name="training_session_edit"),
    path("sessions/<int:pk>/postpone/", v.session_postpone, name="training_session_postpone"),
    path("sessions/<int:pk>/delivered/", v.session_delivered, name="training_session_delivered"),
    path("sessions/<int:pk>/trainers/", v.session_allocate, name="training_session_allocate"),
    path(
        "session-trainers/<int:pk>/remove/",
        v.session_trainer_remove,
        name="training_session_trainer_remove",
    ),
    path("sessions/<int:pk>/register/", v.session_register, name="training_session_register"),
    path("my-sessions/", v.my_sessions, name="training_my_sessions"),
    path("trainers/", v.trainers, name="training_trainers"),
    path("trainers/<int:pk>/level/", v.trainer_level, name="training_trainer_level"),
    path("trainers/<int:pk>/results/", av.trainer_results, name="training_trainer_results"),
    path("courses/<int:pk>/results/", av.course_results, name="training_course_results"),
    path("engagements/<int:pk>/attendees/", av.attendees, name="training_attendees"),
    path(
        "engagements/<int:pk>/attendees/paste/",
        av.attendees_paste,
        name="training_attendees_paste",
    ),
    path("attendees/<int:pk>/remove/", av.attendee_remove, name="training_attendee_remove"),
    path("engagements/<int:pk>/certificates/", av.certificates, name="training_certificates"),
    path(
        "certificates/<int:pk>/download/",
        av.certificate_download,
        name="training_certificate_download",
    ),
    path("certificates/check/", public.certificate_check, name="training_certificate_check"),
    path("certificates/<str:code>/", public.certificate_public, name="training_certificate"),
    path(
        "engagements/<int:pk>/evaluations/",
        av.evaluations_send,
        name="training_evaluations_send",
    ),
    path("evaluation/<str:token>/", public.evaluation_survey, name="training_evaluation"),
]
