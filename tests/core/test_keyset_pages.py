"""Keyset pages (core.web.keyset_page): following the next links walks the whole list once, in
order, ties on the date broken by id, in either direction; a mangled cursor gives the first page."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.urls import reverse

from mend.cases import models as m
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.core.tests_support import make_member
from tests.builders import new_case


@pytest.fixture
def cases(org, settings):
    settings.MEND_PAGE_SIZE = 2
    admin = make_member(org, Role.ADMINISTRATOR, email="admin.keyset@example.test")
    made = [new_case(org, admin.user) for _ in range(5)]
    days = [
        date(2026, 3, 1),
        date(2026, 3, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 1, 5),
    ]
    with organisation_scope(org):
        for case, day in zip(made, days, strict=True):
            m.Case.objects.filter(pk=case.pk).update(received_on=day)
    return admin, made


def walk(client, url):
    seen, pages = [], 0
    while url:
        page = client.get(url).context["page"]
        seen += [case.pk for case in page]
        url, pages = page.next_url, pages + 1
    return seen, pages


@pytest.mark.parametrize(("name", "newest_first"), [("case_list", True), ("referral_queue", False)])
def test_the_next_links_walk_every_row_once_in_order(org, cases, signed_in, name, newest_first):
    admin, _made = cases
    client = signed_in(admin.user, org)
    with organisation_scope(org):
        order = ("-received_on", "-pk") if newest_first else ("received_on", "pk")
        expected = list(m.Case.objects.order_by(*order).values_list("pk", flat=True))

    seen, pages = walk(client, reverse(name))

    assert seen == expected
    assert pages == 3


def test_a_mangled_cursor_gives_the_first_page(org, cases, signed_in):
    admin, _made = cases
    client = signed_in(admin.user, org)
    first = [c.pk for c in client.get(reverse("case_list")).context["page"]]

    tampered = [b"[null, null]", b'["2026-03-01", 1e400]', b'["2026-03-01", 1e30]']
    forged = [base64.urlsafe_b64encode(raw).decode() for raw in tampered]
    for cursor in ["not-a-cursor", "WyJ4Il0", "W10", *forged]:
        page = client.get(reverse("case_list"), {"after": cursor}).context["page"]
        assert [c.pk for c in page] == first
