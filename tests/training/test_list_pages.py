"""The training business's lists page by keyset (core.web.keyset_page) like every other list:
the next links walk every row once in the list's order, ties broken by id, the filters stay on
every page, and a counted list's caption gives the whole list's size on every page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import choices as c
from mend.training import models as m
from tests.pages import page_text
from tests.training.support import course, school_client

pytestmark = pytest.mark.django_db


def walk(client, url):
    """Every page from `url` on: the rows' ids and each page's text."""
    seen, texts = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page"]
        seen += [row.pk for row in page]
        texts.append(page_text(response))
        url = page.next_url
    return seen, texts


@pytest.fixture
def manager(org, make_member, settings):
    settings.MEND_PAGE_SIZE = 2
    return make_member(org, Role.MANAGER, email="morgan.lists@example.test").user


def test_clients_walk_in_name_order_with_the_filter_kept_and_the_total_on_every_page(
    org, manager, signed_in
):
    with organisation_scope(org):
        for name in ["Ysgol Bro", "Ysgol Aber", "Ysgol Aber", "Ysgol Cwm", "Ysgol Aber"]:
            school_client(manager, org, name=name)
        school_client(manager, org, name="Coleg Tywi")
        expected = list(
            m.Client.objects.filter(name__icontains="ysgol")
            .order_by("name", "pk")
            .values_list("pk", flat=True)
        )
    client = signed_in(manager, org)

    seen, texts = walk(client, reverse("training_clients") + "?q=ysgol")

    assert seen == expected
    assert len(texts) == 3
    assert all("5 clients" in text for text in texts)
    assert all("Coleg Tywi" not in text for text in texts)
    assert "First page" in texts[1]
    assert "Next page" not in texts[2]


def test_courses_walk_active_first_then_by_title(org, manager, signed_in):
    with organisation_scope(org):
        made = [
            course(manager, org, code=f"c{i}", title=title)
            for i, title in enumerate(["Circles", "Agreements", "Circles", "Basics"])
        ]
        m.Course.objects.filter(pk=made[1].pk).update(is_active=False)
        expected = list(
            m.Course.objects.order_by("-is_active", "title", "pk").values_list("pk", flat=True)
        )
    client = signed_in(manager, org)

    seen, texts = walk(client, reverse("training_courses"))

    assert seen == expected
    assert seen[-1] == made[1].pk
    assert all("4 courses" in text for text in texts)


def test_my_cpd_walks_newest_first_and_totals_the_whole_record(org, manager, signed_in):
    with organisation_scope(org):
        membership = manager.memberships.get(organisation=org)
        for day, hours in [("2026-01-10", "3"), ("2026-03-01", "1.5"), ("2026-01-10", "2")]:
            m.CpdEntry.objects.create(
                organisation=org,
                membership=membership,
                title=f"Workshop {day}",
                hours=Decimal(hours),
                completed_on=date.fromisoformat(day),
            )
        expected = list(
            m.CpdEntry.objects.order_by("-completed_on", "-pk").values_list("pk", flat=True)
        )
    client = signed_in(manager, org)

    seen, texts = walk(client, reverse("training_my_cpd"))

    assert seen == expected
    assert len(texts) == 2
    assert all("6.5" in text for text in texts)


def test_enquiries_keep_their_status_filter_across_pages(org, manager, signed_in):
    from mend.training import actions

    with organisation_scope(org):
        for i in range(5):
            actions.receive_enquiry(
                organisation=org,
                organisation_name=f"School {i}",
                sector=c.Sector.SCHOOL,
                contact_name="Alex",
                email=f"alex{i}@example.test",
            )
        expected = list(
            m.Enquiry.objects.order_by("-received_at", "-pk").values_list("pk", flat=True)
        )
    client = signed_in(manager, org)

    seen, texts = walk(client, reverse("training_enquiries") + f"?status={c.EnquiryStatus.NEW}")

    assert seen == expected
    assert all("5 enquiries" in text for text in texts)
