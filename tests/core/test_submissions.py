"""A form submitted twice creates one record."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from mend.core.submissions import KEEP, already_done, remember


@pytest.fixture
def request_with_session(db):
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/")
    request.session = SessionStore()
    return request


def test_a_repeated_submission_is_sent_where_the_first_went(request_with_session):
    assert already_done(request_with_session, "abc") is None
    remember(request_with_session, "abc", "/cases/1/")
    assert already_done(request_with_session, "abc") == "/cases/1/"


def test_an_empty_submission_id_is_never_treated_as_done(request_with_session):
    remember(request_with_session, "", "/x/")
    assert already_done(request_with_session, "") is None


def test_only_the_most_recent_submissions_are_kept(request_with_session):
    for i in range(KEEP + 5):
        remember(request_with_session, f"id{i}", f"/{i}/")
    assert already_done(request_with_session, "id0") is None
    assert already_done(request_with_session, f"id{KEEP + 4}") == f"/{KEEP + 4}/"
