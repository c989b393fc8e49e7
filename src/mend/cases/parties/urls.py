"""People and parties: the People tab, adding a party, a party's page, consent."""

from django.urls import path

from mend.cases.parties import views

urlpatterns = [
    path("<int:pk>/people/", views.case_parties, name="case_parties"),
    path("<int:pk>/people/add/", views.party_add, name="party_add"),
    path("parties/<int:pk>/", views.party_detail, name="party_detail"),
    path("parties/<int:pk>/edit/", views.party_edit, name="party_edit"),
    path("parties/<int:pk>/consent/", views.consent_give, name="consent_give"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
