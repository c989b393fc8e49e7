"""Referrals: staff entry, the public self-referral, partner referrers' pages, accept or decline."""

from django.urls import path

from mend.cases.referrals import public
from mend.cases.referrals import views as v

urlpatterns = [
    path("referrals/", v.referral_queue, name="referral_queue"),
    path("referrals/new/", v.referral_new, name="referral_new"),
    path("referrals/submit/", v.referral_submit, name="referral_submit"),
    path("referrals/mine/", v.referral_mine, name="referral_mine"),
    path("referrals/mine/<int:pk>/", v.referral_status, name="referral_status"),
    path("<int:pk>/decide/", v.referral_decide, name="referral_decide"),
    # Public (no sign-in): the organisation is named by its short name in the address.
    path("refer/<slug:slug>/", public.self_referral, name="self_referral"),
    path("refer/<slug:slug>/sent/", public.self_referral_sent, name="self_referral_sent"),
]
