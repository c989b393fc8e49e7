"""Communication between parties: shuttle mediation messages and letters (issue 3, points 10-11)."""

from django.urls import path

from mend.cases.communication import letter_views, views

urlpatterns = [
    path("<int:pk>/communication/", views.case_communication, name="case_communication"),
    path("<int:pk>/messages/new/", views.message_new, name="message_new"),
    path("messages/<int:pk>/approve/", views.message_approve, name="message_approve"),
    path("messages/<int:pk>/delivered/", views.message_delivered, name="message_delivered"),
    path("<int:pk>/letters/new/", letter_views.letter_new, name="letter_new"),
    path("letters/<int:pk>/", letter_views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", letter_views.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/screen/", letter_views.letter_screen, name="letter_screen"),
    path("letters/<int:pk>/opt-in/", letter_views.letter_opt_in, name="letter_opt_in"),
    path("letters/<int:pk>/deliver/", letter_views.letter_deliver, name="letter_deliver"),
    path("letters/<int:pk>/read/", letter_views.letter_read, name="letter_read"),
    path("letters/<int:pk>/letter.pdf", letter_views.letter_pdf, name="letter_pdf"),
]
