"""The loader's plumbing: one `INSERT ... SELECT` per table, defaults from the models, the
seeded pseudo-random functions, and the staff every organisation needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ORGANISATIONS = 20
PASSWORD = "bench-password-1"
EMAIL_DOMAIN = "bench.mend.test"
YEARS = 8
SIGNED_IN_PER_ROLE = 3
"""The first three staff of each role in each organisation have an authenticator app set up
(secret: `totp_secret(email)`), so that a load generator can sign them in."""


@dataclass(frozen=True)
class Counts:
    """How many rows each table gets at a scale."""

    cases: int
    organisations: int

    @classmethod
    def at(cls, scale: int) -> Counts:
        return cls(cases=scale, organisations=max(1, min(ORGANISATIONS, scale // 100)))

    @property
    def invoices(self) -> int:
        return max(self.organisations, self.cases // 5)


def tables() -> dict[str, Any]:
    from mend.cases import models as cm
    from mend.core import models as core
    from mend.people.models import Person
    from mend.training import models as tm

    return {
        "user": core.User,
        "membership": core.Membership,
        "team": core.Team,
        "membership_teams": core.Membership.teams.through,
        "person": Person,
        "case": cm.Case,
        "counter": cm.CaseCounter,
        "party": cm.Party,
        "allocation": cm.Allocation,
        "task": cm.Task,
        "consent": cm.Consent,
        "assessment": cm.Assessment,
        "activity": cm.Activity,
        "letter": cm.Letter,
        "feedback": cm.FeedbackRequest,
        "client": tm.Client,
        "contact": tm.ClientContact,
        "course": tm.Course,
        "engagement": tm.Engagement,
        "invoice": tm.Invoice,
        "invoice_line": tm.InvoiceLine,
        "payment": tm.Payment,
        "document_counter": tm.DocumentCounter,
    }


def totp_secret(email: str) -> str:
    from mend.core.demo import totp_secret_for

    return totp_secret_for(email)


def staff_email(role: str, number: int, organisation: int) -> str:
    """The address of a bench user: `practitioner1.org01@bench.mend.test` and so on."""
    return f"{role}{number}.org{organisation:02d}@{EMAIL_DOMAIN}"


class BaseLoader:
    """One method per table; each returns how many rows it wrote."""

    def __init__(self, cursor: Any, seed: int, counts: Counts, organisations: list[int]):
        self.cursor = cursor
        self.seed = seed
        self.counts = counts
        self.organisations = organisations
        self.models = tables()

    # ------------------------------------------------------------------ plumbing

    def sql(self, statement: str, params: Sequence[Any] = ()) -> int:
        """Runs `statement` (always with parameters, so a literal % is written %%)."""
        self.cursor.execute(statement, list(params))
        return max(self.cursor.rowcount, 0)

    def insert(self, key: str, columns: dict[str, str], source: str, params: Sequence = ()) -> int:
        """INSERT INTO the model's table: `columns` maps a column to its SQL expression over
        `source`; every other column gets the model field's default."""
        from django.db import connection

        model = self.models[key]
        names, expressions, values = [], [], []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            if field.column in columns:
                names.append(field.column)
                expressions.append(columns[field.column])
            else:
                names.append(field.column)
                expressions.append("%s")
                default = field.get_default() if field.has_default() else None
                if default is None and not field.null:
                    default = "" if field.empty_strings_allowed else None
                values.append(field.get_db_prep_save(default, connection))
        unknown = set(columns) - set(names) - {model._meta.pk.column}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        if model._meta.pk.column in columns:
            names.insert(0, model._meta.pk.column)
            expressions.insert(0, columns[model._meta.pk.column])
        statement = (
            f'INSERT INTO "{model._meta.db_table}" ({", ".join(names)}) '
            f"SELECT {', '.join(expressions)} {source}"
        )
        # The defaults' placeholders come first in the SELECT list, the source's after.
        return self.sql(statement, [*self._interleave(expressions, values), *params])

    @staticmethod
    def _interleave(expressions: list[str], values: list[Any]) -> list[Any]:
        """The defaults' values in the order their placeholders stand in the SELECT list (an
        expression of our own may hold its own placeholders: those are not supported)."""
        if sum(expression == "%s" for expression in expressions) != len(values):
            raise ValueError("An expression of the loader holds a placeholder.")
        return values

    def pool(self, texts: Sequence[str]) -> str:
        """A SQL array of `texts` encrypted with the field keys (one ciphertext each)."""
        from mend.core.fields import encrypt_text

        return self.literal_array([encrypt_text(text) for text in texts])

    def json_pool(self, values: Sequence[Any]) -> str:
        import json

        from mend.core.fields import encrypt_text

        return self.literal_array(
            [encrypt_text(json.dumps(v, sort_keys=True, default=str)) for v in values]
        )

    @staticmethod
    def literal_array(texts: Sequence[str]) -> str:
        quoted = ",".join("'" + text.replace("'", "''") + "'" for text in texts)
        return f"ARRAY[{quoted}]::text[]"

    def _functions(self) -> int:
        """`pg_temp.r(n, salt)`: a number from 0 to 2^62 fixed by n, salt and the seed;
        `pg_temp.pick(n, salt, k)`: one of 0..k-1."""
        self.sql(
            "CREATE OR REPLACE FUNCTION pg_temp.r(n bigint, salt int) RETURNS bigint "
            f"LANGUAGE sql IMMUTABLE AS $$ SELECT abs(hashint8extended(n, salt + {self.seed:d})) $$"
        )
        self.sql(
            "CREATE OR REPLACE FUNCTION pg_temp.pick(n bigint, salt int, k int) RETURNS int "
            "LANGUAGE sql IMMUTABLE AS $$ SELECT (pg_temp.r(n, salt) %% greatest(k, 1))::int $$"
        )
        orgs = ",".join(f"({i + 1},{pk})" for i, pk in enumerate(self.organisations))
        self.sql(
            "CREATE TEMP TABLE bench_org (o int PRIMARY KEY, organisation_id bigint NOT NULL) "
            "ON COMMIT PRESERVE ROWS"
        )
        self.sql(f"INSERT INTO bench_org VALUES {orgs}")
        return len(self.organisations)

    # ------------------------------------------------------------------ staff

    def _staff(self) -> int:
        """Per organisation: an administrator, three managers, three office staff, ten trainers,
        practitioners for a caseload of about 30 open cases each, and partner referrers."""
        from django.contrib.auth.hashers import make_password

        per_org = self.counts.cases // self.counts.organisations
        practitioners = max(SIGNED_IN_PER_ROLE, round(per_org * 0.09 / 30))
        referrers = max(SIGNED_IN_PER_ROLE, per_org // 2000)
        roles = [
            ("administrator", 1),
            ("manager", SIGNED_IN_PER_ROLE),
            ("office", SIGNED_IN_PER_ROLE),
            ("trainer", 10),
            ("practitioner", practitioners),
            ("partner_referrer", referrers),
        ]
        password = make_password(PASSWORD)
        self.sql(
            "CREATE TEMP TABLE bench_staff (organisation_id bigint, o int, role text, number int, "
            "user_id bigint, membership_id bigint) ON COMMIT PRESERVE ROWS"
        )
        values = ",".join(f"('{role}', {count})" for role, count in roles)
        self.sql(
            "INSERT INTO bench_staff (organisation_id, o, role, number) "
            "SELECT b.organisation_id, b.o, r.role, g FROM bench_org b "
            f"CROSS JOIN (VALUES {values}) AS r(role, n) "
            "CROSS JOIN LATERAL generate_series(1, r.n) g"
        )
        base = self.next_id("user")
        self.sql(
            "UPDATE bench_staff s SET user_id = %s + t.k FROM (SELECT organisation_id, role, "
            "number, row_number() OVER (ORDER BY o, role, number) k FROM bench_staff) t "
            "WHERE (s.organisation_id, s.role, s.number) = (t.organisation_id, t.role, t.number)",
            [base],
        )
        rows = self.insert(
            "user",
            {
                "id": "s.user_id",
                "password": f"'{password}'",
                "email": "s.role || s.number || '.org' || lpad(s.o::text, 2, '0') || "
                f"'@{EMAIL_DOMAIN}'",
                "full_name": "initcap(replace(s.role, '_', ' ')) || ' ' || s.number || ' ' || "
                "'(Bench ' || lpad(s.o::text, 2, '0') || ')'",
                "is_active": "true",
                "date_joined": "now()",
            },
            "FROM bench_staff s",
        )
        base = self.next_id("membership")
        self.sql(
            "UPDATE bench_staff SET membership_id = user_id - %s + 1 + %s", [self.user_base, base]
        )
        self.insert(
            "membership",
            {
                "id": "s.membership_id",
                "organisation_id": "s.organisation_id",
                "user_id": "s.user_id",
                "role": "s.role",
                "is_active": "true",
                "joined_at": "now()",
            },
            "FROM bench_staff s",
        )
        self.sql("CREATE INDEX ON bench_staff (o, role, number)")
        # Five teams per organisation; each practitioner in one of them.
        self.insert(
            "team",
            {"organisation_id": "b.organisation_id", "name": "'Team ' || t"},
            "FROM bench_org b CROSS JOIN generate_series(1, 5) t",
        )
        self.sql(
            f'INSERT INTO "{self.models["membership_teams"]._meta.db_table}" '
            "(membership_id, team_id) SELECT s.membership_id, t.id FROM bench_staff s "
            "JOIN core_team t ON t.organisation_id = s.organisation_id "
            "AND t.name = 'Team ' || (1 + s.number %% 5) WHERE s.role = 'practitioner'"
        )
        self.sql(
            "CREATE TEMP TABLE bench_pool ON COMMIT PRESERVE ROWS AS SELECT b.o, "
            "(SELECT array_agg(membership_id ORDER BY number) FROM bench_staff s "
            " WHERE s.o = b.o AND role = 'practitioner') AS practitioners, "
            "(SELECT array_agg(user_id ORDER BY number) FROM bench_staff s "
            " WHERE s.o = b.o AND role = 'practitioner') AS practitioner_users, "
            "(SELECT array_agg(user_id ORDER BY number) FROM bench_staff s "
            " WHERE s.o = b.o AND role = 'partner_referrer') AS referrers, "
            "(SELECT array_agg(id ORDER BY id) FROM cases_casetype c "
            " WHERE c.organisation_id = b.organisation_id) AS case_types, "
            "(SELECT array_agg(id ORDER BY id) FROM core_team t "
            " WHERE t.organisation_id = b.organisation_id) AS teams, "
            "(SELECT min(id) FROM cases_questionset q WHERE q.organisation_id = b.organisation_id "
            " AND q.party_role IN ('harmed', '')) AS qs_harmed, "
            "(SELECT min(id) FROM cases_questionset q WHERE q.organisation_id = b.organisation_id "
            " AND q.party_role IN ('responsible', '')) AS qs_responsible "
            "FROM bench_org b"
        )
        self.sql("ALTER TABLE bench_pool ADD PRIMARY KEY (o)")
        return rows

    @property
    def user_base(self) -> int:
        self.cursor.execute("SELECT min(user_id) FROM bench_staff")
        return int(self.cursor.fetchone()[0])

    def next_id(self, key: str) -> int:
        """The id after the highest in the model's table (ids below are left alone)."""
        table = self.models[key]._meta.db_table
        self.cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
        return int(self.cursor.fetchone()[0])

    def _sequences(self) -> int:
        """Case counters per organisation and year; every id sequence moved past the bulk ids."""
        self.insert(
            "counter",
            {
                "organisation_id": "organisation_id",
                "year": "extract(year FROM received_on)::int",
                "last": "max(seq)",
            },
            "FROM bench_case GROUP BY organisation_id, extract(year FROM received_on)",
        )
        for model in self.models.values():
            table = model._meta.db_table
            self.sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)'
            )
        return len(self.models)

    def _authenticators(self) -> int:
        from allauth.mfa.totp.internal.auth import TOTP

        from mend.core.models import User

        self.cursor.execute(
            "SELECT user_id FROM bench_staff WHERE number <= %s ORDER BY user_id",
            [SIGNED_IN_PER_ROLE],
        )
        ids = [row[0] for row in self.cursor.fetchall()]
        for user in User.objects.filter(pk__in=ids):
            TOTP.activate(user, totp_secret(user.email))
        return len(ids)
