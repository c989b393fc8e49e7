"""The benchmark's synthetic dataset: the proportions it promises, tenancy that holds, audit
chains that verify, the same rows from the same seed, and staff who can sign in."""

from __future__ import annotations

import hashlib
from io import StringIO

import pyotp
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench import dataset

pytestmark = pytest.mark.django_db

SCALE = 200


def quiet(_line: str) -> None:
    """The generator's progress lines are not wanted in test output."""


def fingerprint() -> str:
    """A digest of what the seed decides: references, statuses, names, dates and amounts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(concat_ws('|', c.reference, c.status, c.source, c.received_on, "
            "p.first_name, p.last_name, p.date_of_birth, p.postcode), ',' ORDER BY c.reference, "
            "p.last_name, p.first_name) FROM cases_case c JOIN cases_party y ON y.case_id = c.id "
            "JOIN people_person p ON p.id = y.person_id"
        )
        cases = cursor.fetchone()[0]
        cursor.execute(
            "SELECT string_agg(number || total, ',' ORDER BY number) FROM training_invoice"
        )
        invoices = cursor.fetchone()[0]
    return hashlib.sha256(f"{cases}/{invoices}".encode()).hexdigest()


def generated(seed: int) -> str:
    """Generates inside a savepoint that is rolled back; returns the fingerprint."""

    class Undo(Exception):
        pass

    found = ""
    try:
        with transaction.atomic():
            dataset.generate(SCALE, seed, log=quiet)
            found = fingerprint()
            raise Undo
    except Undo:
        pass
    return found


def test_proportions_per_case():
    counts = dataset.generate(SCALE, 1, log=quiet)
    assert counts["cases_case"] == SCALE
    assert counts["cases_party"] == 3 * SCALE
    assert counts["people_person"] == 3 * SCALE
    assert counts["cases_activity"] == 10 * SCALE
    assert counts["cases_task"] == 2 * SCALE
    assert counts["training_invoice"] == SCALE // 5
    # Every case past referral has a lead; consents and assessments only where the stage allows.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_case c WHERE c.status <> 'referred' AND NOT EXISTS "
            "(SELECT 1 FROM cases_allocation a WHERE a.case_id = c.id AND a.role = 'lead')"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM cases_consent s JOIN cases_party p ON p.id = s.party_id "
            "JOIN cases_case c ON c.id = p.case_id WHERE c.status IN ('referred', 'declined')"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(DISTINCT status) FROM cases_case")
        assert cursor.fetchone()[0] >= 6


TENANCY = [
    "SELECT count(*) FROM cases_party p JOIN cases_case c ON c.id = p.case_id "
    "JOIN people_person x ON x.id = p.person_id WHERE p.organisation_id <> c.organisation_id "
    "OR x.organisation_id <> c.organisation_id",
    "SELECT count(*) FROM cases_allocation a JOIN cases_case c ON c.id = a.case_id "
    "JOIN core_membership m ON m.id = a.membership_id WHERE m.organisation_id <> c.organisation_id "
    "OR a.organisation_id <> c.organisation_id",
    "SELECT count(*) FROM cases_activity a JOIN cases_case c ON c.id = a.case_id "
    "LEFT JOIN core_membership m ON m.user_id = a.recorded_by_id "
    "AND m.organisation_id = c.organisation_id WHERE m.id IS NULL",
    "SELECT count(*) FROM cases_activity a JOIN cases_party p ON p.id = a.belongs_to_id "
    "WHERE p.case_id <> a.case_id",
    "SELECT count(*) FROM cases_case c JOIN cases_casetype t ON t.id = c.case_type_id "
    "JOIN core_team m ON m.id = c.team_id WHERE t.organisation_id <> c.organisation_id "
    "OR m.organisation_id <> c.organisation_id",
    "SELECT count(*) FROM cases_letter l JOIN cases_party w ON w.id = l.writer_id "
    "JOIN cases_party r ON r.id = l.recipient_id WHERE w.case_id <> l.case_id "
    "OR r.case_id <> l.case_id OR w.id = r.id",
    "SELECT count(*) FROM training_invoice i JOIN training_client c ON c.id = i.client_id "
    "JOIN training_engagement e ON e.id = i.engagement_id "
    "WHERE c.organisation_id <> i.organisation_id OR e.client_id <> i.client_id",
]


@pytest.mark.parametrize("query", TENANCY)
def test_rows_stay_inside_their_organisation(query):
    dataset.generate(SCALE, 1, log=quiet)
    with connection.cursor() as cursor:
        cursor.execute(query)
        assert cursor.fetchone()[0] == 0


def test_audit_chains_verify_and_numbering_carries_on():
    dataset.generate(SCALE, 1, log=quiet)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "every chain intact" in out.getvalue()
    # The next case reference after the bulk ones does not collide.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_case c JOIN cases_casecounter n "
            "ON n.organisation_id = c.organisation_id "
            "AND n.year = extract(year FROM c.received_on) "
            "WHERE right(c.reference, 5)::int > n.last"
        )
        assert cursor.fetchone()[0] == 0


def test_the_same_seed_gives_the_same_data():
    first, again, other = generated(1), generated(1), generated(2)
    assert first and first == again
    assert other != first


def test_bench_staff_sign_in_with_their_authenticator(client):
    dataset.generate(SCALE, 1, log=quiet)
    email = dataset.staff_email("practitioner", 1, 1)
    response = client.post("/accounts/login/", {"login": email, "password": dataset.PASSWORD})
    assert response.status_code == 302
    code = pyotp.TOTP(dataset.totp_secret(email)).now()
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    response = client.get("/cases/")
    assert response.status_code == 200
    # A practitioner sees the cases allocated to them, not the whole organisation's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM cases_allocation a JOIN core_membership m "
            "ON m.id = a.membership_id JOIN core_user u ON u.id = m.user_id WHERE u.email = %s",
            [email],
        )
        allocated = cursor.fetchone()[0]
    assert 0 < allocated < SCALE // 2
