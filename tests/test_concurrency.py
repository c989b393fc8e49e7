"""The submission guard and the public forms' rate limit hold under concurrency: twenty parallel
requests, each on its own database connection as twenty app-server processes would be, against
a database that commits (so each request sees only what the others have committed).

- twenty parallel identical POSTs of a create form make one record, and every one of them is
  sent to that record's page;
- twenty parallel public enquiries from one address, with a limit of five, let exactly five in.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from mend.core.public_forms import started_token
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import models as m
from mend.training.sales.forms import PublicEnquiryForm
from mend.training.sales.public import ENQUIRY_LIMIT

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 20


def in_parallel(send):
    """`send(i)` from PARALLEL threads released together; their responses."""
    start = threading.Barrier(PARALLEL)

    def one(i):
        try:
            start.wait()
            return send(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(one, range(PARALLEL)))


def test_twenty_parallel_identical_posts_make_one_record(org, make_member, signed_in):
    manager = make_member(org, Role.MANAGER, email="morgan.parallel@example.test").user
    session = signed_in(manager, org).cookies[settings.SESSION_COOKIE_NAME].value
    data = {"submission_id": "same", "name": "Ysgol Glan Morfa", "sector": "school"}
    data["language"] = "cy"

    def send(_i):
        browser = Client()
        browser.cookies[settings.SESSION_COOKIE_NAME] = session
        return browser.post(reverse("training_client_new"), data)

    responses = in_parallel(send)

    with organisation_scope(org):
        (client,) = m.Client.objects.all()
    assert [r.status_code for r in responses] == [302] * PARALLEL
    assert {r["Location"] for r in responses} == {reverse("training_client", args=[client.pk])}


def test_twenty_parallel_public_enquiries_from_one_address_let_five_in(org):
    assert ENQUIRY_LIMIT.limit == 5

    def send(i):
        return Client().post(
            reverse("training_enquire", args=[org.slug]),
            {
                "submission_id": f"enquiry-{i}",
                "started": started_token(time.time() - 60, salt=PublicEnquiryForm.STARTED_SALT),
                "organisation_name": f"Ysgol {i}",
                "sector": "school",
                "contact_name": "Carys Hughes",
                "email": f"carys{i}@example.test",
                "participants": "25",
                "language": "en",
                "website": "",
            },
            REMOTE_ADDR="192.0.2.44",
        )

    responses = in_parallel(send)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302] * 5 + [429] * (PARALLEL - 5)
    with organisation_scope(org):
        assert m.Enquiry.objects.count() == 5
    assert ENQUIRY_LIMIT.used("192.0.2.44") == 5
