"""The list of a person's signed-in sessions (allauth's usersessions) is kept up to date without
a write on every request: at a session's first request, when its address or browser changes,
and otherwise at most every LAST_SEEN_RESOLUTION seconds."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.urls import reverse

from mend.core.middleware import LAST_SEEN_RESOLUTION, SESSION_TRACKED
from mend.core.roles import Role
from tests.queries import counting

pytestmark = pytest.mark.django_db


def writes_to_sessions_list(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "usersessions_usersession" in q["sql"] and not q["sql"].startswith("SELECT")
    ]


@pytest.fixture
def browser(org, make_member, signed_in):
    member = make_member(org, Role.MANAGER, email="mo.sessions@example.test")
    client = signed_in(member.user, org)
    client.get(reverse("home"), REMOTE_ADDR="192.0.2.10")
    return client


def test_the_first_request_records_the_session_and_the_next_ones_write_nothing(browser):
    (row,) = UserSession.objects.all()
    assert row.ip == "192.0.2.10"

    with counting() as queries:
        for _ in range(3):
            assert browser.get(reverse("home"), REMOTE_ADDR="192.0.2.10").status_code == 200

    assert writes_to_sessions_list(queries) == []
    assert UserSession.objects.get().last_seen_at == row.last_seen_at


def test_a_new_address_is_recorded_at_once(browser):
    browser.get(reverse("home"), REMOTE_ADDR="198.51.100.7")

    assert UserSession.objects.get().ip == "198.51.100.7"


def test_last_seen_moves_on_after_the_resolution(browser):
    before = UserSession.objects.get().last_seen_at
    session = browser.session
    tracked = session[SESSION_TRACKED]
    session[SESSION_TRACKED] = [tracked[0] - LAST_SEEN_RESOLUTION - 1, *tracked[1:]]
    session.save()

    browser.get(reverse("home"), REMOTE_ADDR="192.0.2.10")

    assert UserSession.objects.get().last_seen_at > before
