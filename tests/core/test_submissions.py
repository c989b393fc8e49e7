"""A form submitted twice creates one record: the claim that records where the first went."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from mend.core.models import SubmissionClaim
from mend.core.submissions import KEEP_HOURS, already_done, remember

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_from_someone():
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    return request


def test_a_repeated_submission_is_sent_where_the_first_went(request_from_someone):
    assert already_done(request_from_someone, "abc") is None
    remember(request_from_someone, "abc", "/cases/1/")
    assert already_done(request_from_someone, "abc") == "/cases/1/"


def test_an_empty_submission_id_is_never_treated_as_done(request_from_someone):
    remember(request_from_someone, "", "/x/")
    assert already_done(request_from_someone, "") is None
    assert not SubmissionClaim.objects.exists()


def test_a_claim_belongs_to_the_person_who_sent_it(request_from_someone, org, make_member):
    remember(request_from_someone, "abc", "/cases/1/")
    signed_in = RequestFactory().post("/")
    signed_in.user = make_member(org, "manager", email="mo.claims@example.test").user
    assert already_done(signed_in, "abc") is None


def test_claims_older_than_a_day_are_dropped(request_from_someone):
    remember(request_from_someone, "old", "/0/")
    SubmissionClaim.objects.update(created_at=timezone.now() - timedelta(hours=KEEP_HOURS + 1))
    remember(request_from_someone, "new", "/1/")
    assert already_done(request_from_someone, "old") is None
    assert already_done(request_from_someone, "new") == "/1/"
