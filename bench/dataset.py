"""A reproducible synthetic national dataset, bulk-loaded inside PostgreSQL.

    python -m bench.dataset --scale 1000000 --seed 1

The organisations are made by Mend's own `create_organisation` action (so their case types,
question sets, training settings and audit chains are the real ones); everything else is
written by `INSERT ... SELECT` over `generate_series`, so PostgreSQL makes the rows without a
round trip each. Every value is a function of the row number and the seed (PostgreSQL's
`hashint8extended`), so the same seed gives the same data. Encrypted columns take their values
from a small pool encrypted once with the field keys: the pages decrypt real ciphertext.

Proportions per case: three parties (the person harmed, the person responsible and a supporter),
each a person of their own; ten activities; two tasks; one lead allocation; consents from both
main parties once the case is past referral; assessments for both once it is past assessment;
a letter on one case in ten; a feedback request on one closed case in five. Cases are spread
over eight years, the recent ones open. Each organisation has a training business with clients,
courses, engagements and invoices (200 invoices per 1,000 cases), most of them paid.

Bulk rows carry no audit events: the audit chains hold what the actions wrote, and verify.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence

from bench.casework import CaseworkSteps
from bench.loading import PASSWORD, Counts, staff_email, tables, totp_secret
from bench.training import TrainingSteps

__all__ = ["PASSWORD", "generate", "row_counts", "staff_email", "totp_secret"]


def generate(scale: int, seed: int = 1, *, log: Callable[[str], None] = print) -> dict[str, int]:
    """Makes the dataset in the current (empty) database; returns the row count of each table."""
    from django.db import connection, transaction

    counts = Counts.at(scale)
    started = time.monotonic()
    with transaction.atomic():
        made = organisations(counts)
    log(f"organisations: {len(made)} ({time.monotonic() - started:.1f}s)")
    with connection.cursor() as cursor:
        # Trigram (GIN) indexes are slow to keep up row by row: dropped while loading and made
        # again afterwards from their own definitions (the migrations'). Not inside a test's
        # transaction, where deferred checks forbid making an index.
        gin = []
        if not connection.in_atomic_block:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public' AND indexdef LIKE '%% USING gin %%'"
            )
            gin = cursor.fetchall()
        for name, _definition in gin:
            cursor.execute(f'DROP INDEX "{name}"')
        loader = Loader(cursor, seed, counts, made)
        for step in loader.steps():
            began = time.monotonic()
            with transaction.atomic():
                rows = step()
            log(f"{step.__name__.lstrip('_')}: {rows} ({time.monotonic() - began:.1f}s)")
        began = time.monotonic()
        for _name, definition in gin:
            cursor.execute(definition)
        log(f"trigram indexes: {len(gin)} ({time.monotonic() - began:.1f}s)")
        cursor.execute("ANALYZE")
    log(f"done in {time.monotonic() - started:.1f}s")
    return row_counts()


def row_counts() -> dict[str, int]:
    """Rows per table of the models the dataset fills."""
    from django.db import connection

    names = [model._meta.db_table for model in tables().values()]
    with connection.cursor() as cursor:
        found: dict[str, int] = {}
        for table in names:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            found[table] = cursor.fetchone()[0]
    return found


def organisations(counts: Counts) -> list[int]:
    """Made by Mend's own action, with their defaults and audit chains; returns their ids."""
    from mend.core import actions

    made = []
    for number in range(1, counts.organisations + 1):
        organisation = actions.create_organisation(
            name=f"Bench Restorative Service {number:02d}",
            slug=f"bench{number:02d}",
            name_cy=f"Gwasanaeth Adferol Mainc {number:02d}",
        )
        made.append(organisation.pk)
    return made


class Loader(CaseworkSteps, TrainingSteps):
    """Every table, in an order that makes each row's parents first."""

    def steps(self) -> Sequence[Callable[[], int]]:
        return [
            self._functions,
            self._staff,
            self._people,
            self._cases,
            self._parties,
            self._allocations,
            self._tasks,
            self._consents,
            self._assessments,
            self._activities,
            self._letters,
            self._feedback,
            self._training,
            self._invoices,
            self._sequences,
            self._authenticators,
        ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="how many cases")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mend.settings")
    import django

    django.setup()
    for table, rows in generate(options.scale, options.seed).items():
        print(f"{table}: {rows}")


if __name__ == "__main__":
    main()
