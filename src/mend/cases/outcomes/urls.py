"""Outcomes: support packages, agreements, feedback surveys and case studies (under /cases/)."""

from django.urls import path

from mend.cases.outcomes import public
from mend.cases.outcomes import views as v

urlpatterns = [
    path("<int:pk>/outcomes/", v.case_outcomes, name="case_outcomes"),
    path("parties/<int:pk>/support/new/", v.support_referral_new, name="support_referral_new"),
    path("support/<int:pk>/", v.support_referral_edit, name="support_referral_edit"),
    path("<int:pk>/agreements/new/", v.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/items/new/", v.agreement_item_new, name="agreement_item_new"),
    path("agreement-items/<int:pk>/payments/new/", v.payment_new, name="payment_new"),
    path("agreement-items/<int:pk>/status/", v.agreement_item_status, name="agreement_item_status"),
    path("parties/<int:pk>/feedback/send/", v.feedback_send, name="feedback_send"),
    path("feedback-requests/<int:pk>/link/", v.feedback_link, name="feedback_link"),
    path("feedback/<str:token>/", public.feedback_survey, name="feedback_survey"),
    path("<int:pk>/case-study/new/", v.case_study_new, name="case_study_new"),
    path("case-studies/<int:pk>/edit/", v.case_study_edit, name="case_study_edit"),
    path("case-studies/<int:pk>/approve/", v.case_study_approve, name="case_study_approve"),
    path("case-studies/<int:pk>/publish/", v.case_study_publish, name="case_study_publish"),
    path("case-studies/<int:pk>/unpublish/", v.case_study_unpublish, name="case_study_unpublish"),
    path("stories/<slug:slug>/", public.stories, name="case_stories"),
    path("stories/<slug:slug>/<int:pk>/", public.story, name="case_story"),
]
