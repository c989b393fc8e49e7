"""Invoice numbers are gapless and unique per organisation and prefix, even when several
transactions issue invoices at the same moment on PostgreSQL, and when one of them rolls back."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from mend.core.roles import Role
from mend.core.tenancy import organisation_scope
from mend.training import actions
from mend.training import choices as c
from mend.training import models as m
from tests.training.support import school_client

THREADS = 6
INVOICES_PER_THREAD = 5


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_gives_gapless_unique_numbers(make_member):
    from mend.core.tests_support import make_organisation

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    org = make_organisation("Concurrent Training", "concurrent")
    other = make_organisation("Other Training", "other-training")
    office = make_member(org, Role.OFFICE, email="office@concurrent.example").user
    other_office = make_member(other, Role.OFFICE, email="office@other.example").user
    with organisation_scope(org):
        client, _contact = school_client(office, org)
    with organisation_scope(other):
        other_client, _contact = school_client(other_office, other)

    barrier = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []

    def issue(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(INVOICES_PER_THREAD):
                line = actions.LineSpec(f"Resources pack {index}.{n}", Decimal("10.00"))
                if index == 0 and n == 2:
                    # Take a number, then roll back: the number must be given back.
                    try:
                        with organisation_scope(org), transaction.atomic():
                            actions.issue_invoice(
                                actor=office, organisation=org, client=client, lines=[line]
                            )
                            raise Rollback
                    except Rollback:
                        continue
                with organisation_scope(org):
                    actions.issue_invoice(
                        actor=office, organisation=org, client=client, lines=[line]
                    )
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    def issue_elsewhere() -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(INVOICES_PER_THREAD):
                with organisation_scope(other):
                    actions.issue_invoice(
                        actor=other_office,
                        organisation=other,
                        client=other_client,
                        lines=[actions.LineSpec(f"Elsewhere {n}", Decimal("5.00"))],
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(THREADS - 1)]
    threads.append(threading.Thread(target=issue_elsewhere))
    for thread in threads:
        thread.start()
    barrier.wait(timeout=30)
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    expected = (THREADS - 1) * INVOICES_PER_THREAD - 1  # one rolled back
    with organisation_scope(org):
        numbers = list(
            m.Invoice.objects.filter(kind=c.InvoiceKind.INVOICE).values_list("sequence", "number")
        )
    assert sorted(s for s, _n in numbers) == list(range(1, expected + 1))
    assert len({n for _s, n in numbers}) == expected
    assert all(n == f"INV-{s:06d}" for s, n in numbers)
    # Another organisation numbers on its own, from 1.
    with organisation_scope(other):
        assert sorted(m.Invoice.objects.values_list("sequence", flat=True)) == list(
            range(1, INVOICES_PER_THREAD + 1)
        )
