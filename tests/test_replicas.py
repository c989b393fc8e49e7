"""Reports, dashboards and exports read from a PostgreSQL read replica (core/replicas.py), tested
against a second server: a hot standby of the test server, streamed from it, which
scripts/run-tests.sh starts beside it (`scripts/test-db.sh replica`).

With the standby's replay paused, a row committed on the primary shows on the pages that read the
primary and not on those that read the replica; once replay resumes it shows on both. Writes and
reads inside a transaction always go to the primary."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

import dj_database_url
import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mend.core.replicas import REPLICA, ReplicaRouter, replica_reads
from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import models as m
from tests.training.money_support import Money

REPLICA_URL = os.environ.get("MEND_REPLICA_DATABASE_URL", "")

pytestmark = [
    pytest.mark.skipif(not REPLICA_URL, reason="needs the replica server that make test starts"),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


def _one(connection, sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def caught_up(replica, timeout=30.0):
    """Wait until the standby has replayed everything the primary has written so far."""
    (lsn,) = [_one(connections["default"], "SELECT pg_current_wal_lsn()::text")]
    deadline = time.monotonic() + timeout
    while not _one(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@contextmanager
def replay_paused(replica):
    """The standby stops applying the primary's changes until the block ends."""
    _one(replica, "SELECT pg_wal_replay_pause()::text")
    try:
        yield
    finally:
        _one(replica, "SELECT pg_wal_replay_resume()::text")


@pytest.fixture
def replica(settings):
    """The `replica` alias pointed at the standby (the test run makes it a mirror of the
    primary's test database), and replica reads turned on."""
    connection = connections[REPLICA]
    mirror = connection.settings_dict
    address = dj_database_url.parse(REPLICA_URL)
    connection.close()
    connection.settings_dict = {**mirror, "HOST": address["HOST"], "PORT": address["PORT"]}
    assert _one(connection, "SELECT pg_is_in_recovery()") is True
    assert _one(connection, "SELECT current_database()") == mirror["NAME"]
    settings.MEND_READ_FROM_REPLICA = True
    yield connection
    connection.close()
    connection.settings_dict = mirror


@pytest.fixture
def money(org, make_member):
    return Money(org, make_member)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_reports_and_exports_read_the_replica_and_other_pages_the_primary(
    org, money, replica, signed_in
):
    _engagement, first = money.invoiced()
    client = money.client("Ysgol Uwchradd Tregaron")
    office = signed_in(money.office, org)
    caught_up(replica)
    assert first.number in body(office.get(reverse("training_aged_debt")))

    with replay_paused(replica):
        second = money.invoice(client, "120.00")
        assert _one(replica, "SELECT pg_get_wal_replay_pause_state()") in (
            "paused",
            "pause requested",
        )

        aged_debt = body(office.get(reverse("training_aged_debt")))
        export = body(office.get(reverse("training_invoices_csv")))
        invoice_list = body(office.get(reverse("training_invoices")))

        assert first.number in aged_debt and second.number not in aged_debt
        assert first.number in export and second.number not in export
        assert second.number in invoice_list  # not a report: read from the primary

    caught_up(replica)
    assert second.number in body(office.get(reverse("training_aged_debt")))
    assert second.number in body(office.get(reverse("training_invoices_csv")))


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (Role.MANAGER, "caseload"),
        (Role.MANAGER, "casework_dashboard"),
        (Role.PRACTITIONER, "casework_dashboard"),
        (Role.MANAGER, "training_dashboard"),
        (Role.OFFICE, "training_aged_debt"),
        (Role.OFFICE, "training_invoices_csv"),
    ],
)
def test_each_report_page_runs_its_reads_on_the_replica(
    org, make_member, replica, signed_in, role, page
):
    member = make_member(org, role, email=f"{role}.{page}@example.test")
    client = signed_in(member.user, org)
    caught_up(replica)
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse(page))
        assert response.status_code == 200
        body(response)
    assert len(on_replica) > 0


def test_writes_and_reads_in_a_transaction_go_to_the_primary(org, money, replica):
    client = money.client("Ysgol Gynradd Llanon")
    caught_up(replica)
    router = ReplicaRouter()
    with organisation_scope(org), replica_reads():
        assert router.db_for_read(m.Client) == REPLICA
        read = m.Client.objects.get(pk=client.pk)
        assert read._state.db == REPLICA
        with transaction.atomic():
            assert router.db_for_read(m.Client) == "default"
            assert m.Client.objects.select_for_update().get(pk=client.pk).pk == client.pk
        read.name = "Ysgol Gynradd Llan-non"
        read.save(update_fields=["name"])  # the replica is read-only: this must reach the primary
    with organisation_scope(org):
        assert m.Client.objects.get(pk=client.pk).name == "Ysgol Gynradd Llan-non"
    assert router.db_for_read(m.Client) == "default"  # outside a marked view
