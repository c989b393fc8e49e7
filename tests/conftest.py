"""Shared fixtures: organisations, people of every role, and the organisation scope."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A test's rows are uncommitted, so a replica never sees them: every test reads from the
    # primary except those in tests/test_replicas.py, which commit and turn replica reads on.
    settings.MEND_READ_FROM_REPLICA = False


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English: a request in Welsh leaves its language active in the thread
    (LocaleMiddleware activates it and nothing deactivates it), which would leak into the next test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def unscoped_db(db):
    from mend.core.tenancy import unscoped

    with unscoped():
        yield


@pytest.fixture
def make_member(db):
    """Create a user with a role in an organisation, TOTP enrolled unless mfa=False."""
    from mend.core.tests_support import make_member as factory

    return factory


@pytest.fixture
def org(db):
    from mend.core.tests_support import make_organisation

    return make_organisation("Home Restorative Service", "home")


@pytest.fixture
def other_org(db):
    from mend.core.tests_support import make_organisation

    return make_organisation("Elsewhere Mediation", "elsewhere")


@pytest.fixture
def signed_in(client):
    """Sign a user in to the test client as if they had completed MFA."""
    from mend.core.tests_support import sign_in

    def do(user, organisation=None):
        sign_in(client, user, organisation)
        return client

    return do


@pytest.fixture
def count_queries(db):
    """Queries of a page request, or of a block: see tests.queries.QueryCounter."""
    from tests.queries import QueryCounter

    return QueryCounter()


@pytest.fixture
def fresh_cache():
    """An empty cache before and after the test (rate limits and throttles live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
