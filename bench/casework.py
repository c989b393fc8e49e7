"""The casework tables: people, cases, parties, allocations, tasks, consents, assessments,
activities, letters and feedback."""

from __future__ import annotations

from bench.loading import YEARS, BaseLoader
from bench.names import FIRST_NAMES, LAST_NAMES, NOTES, POSTCODE_AREAS, SUMMARIES


class CaseworkSteps(BaseLoader):
    @property
    def cases(self) -> int:
        return self.counts.cases

    def case_source(self, series: str = "generate_series(1, %(n)s) g") -> str:
        """Rows `g` = 1..cases, each with its organisation `b`, pools `p` and its age in days
        (`age`: the last case is today's)."""
        span = YEARS * 365
        return (
            f"FROM {series % {'n': self.cases}} "
            f"JOIN bench_org b ON b.o = 1 + (g - 1) %% {self.counts.organisations} "
            "JOIN bench_pool p ON p.o = b.o "
            f"CROSS JOIN LATERAL (SELECT (({self.cases} - g)::bigint * {span} / {self.cases})::int AS age) a"
        )

    def _people(self) -> int:
        from mend.people.names import block, name_key, postcode_key, search_name, sound_name

        firsts = self.literal_array(FIRST_NAMES)
        lasts = self.literal_array(LAST_NAMES)
        first_keys = self.literal_array([name_key(n) for n in FIRST_NAMES])
        last_keys = self.literal_array([name_key(n) for n in LAST_NAMES])
        first_words = self.literal_array([search_name(n) for n in FIRST_NAMES])
        last_words = self.literal_array([search_name(n) for n in LAST_NAMES])
        first_sounds = self.literal_array([sound_name(n) for n in FIRST_NAMES])
        last_sounds = self.literal_array([sound_name(n) for n in LAST_NAMES])
        first_blocks = self.literal_array([block(n) for n in FIRST_NAMES])
        last_blocks = self.literal_array([block(n) for n in LAST_NAMES])
        areas = self.literal_array(POSTCODE_AREAS)
        area_keys = self.literal_array([postcode_key(a) for a in POSTCODE_AREAS])
        contacts = self.json_pool(
            [{"phone": f"07700 900{n:03d}", "address": f"{n} Heol y Bont"} for n in range(20)]
        )
        self.person_base = self.next_id("person")
        f = f"1 + pg_temp.pick(g, 11, {len(FIRST_NAMES)})"
        last = f"1 + pg_temp.pick(g, 12, {len(LAST_NAMES)})"
        area = f"1 + pg_temp.pick(g, 13, {len(POSTCODE_AREAS)})"
        unit = "(1 + pg_temp.pick(g, 14, 9))::text || chr(65 + pg_temp.pick(g, 15, 26)) || chr(65 + pg_temp.pick(g, 16, 26))"
        return self.insert(
            "person",
            {
                "id": f"{self.person_base} + g",
                "organisation_id": "b.organisation_id",
                "first_name": f"({firsts})[{f}]",
                "last_name": f"({lasts})[{last}]",
                "first_name_key": f"({first_keys})[{f}]",
                "last_name_key": f"({last_keys})[{last}]",
                "search_name": f"({first_words})[{f}] || ' ' || ({last_words})[{last}]",
                "sound_name": f"({first_sounds})[{f}] || ' ' || ({last_sounds})[{last}]",
                "first_block": f"({first_blocks})[{f}]",
                "last_block": f"({last_blocks})[{last}]",
                "date_of_birth": "date '1940-01-01' + pg_temp.pick(g, 17, 365 * 68)",
                "postcode": f"({areas})[{area}] || ' ' || {unit}",
                "postcode_key": f"({area_keys})[{area}] || {unit}",
                "contact": f"({contacts})[1 + pg_temp.pick(g, 18, 20)]",
                "preferred_language": "CASE WHEN pg_temp.pick(g, 19, 10) = 0 THEN 'cy' ELSE 'en' END",
                "created_at": "now()",
            },
            f"FROM generate_series(1, {3 * self.cases}) g "
            f"JOIN bench_org b ON b.o = 1 + ((g - 1) / 3) %% {self.counts.organisations}",
        )

    STATUS = (
        "CASE WHEN a.age > 400 THEN CASE WHEN pg_temp.pick(g, 2, 100) < 92 THEN 'closed' "
        "ELSE 'declined' END ELSE (ARRAY['referred', 'accepted', 'assessment', 'assessment', "
        "'preparation', 'preparation', 'process', 'outcome', 'follow_up', 'follow_up', 'paused', "
        "'closed', 'closed', 'closed', 'declined'])[1 + pg_temp.pick(g, 2, 15)] END"
    )

    def _cases(self) -> int:
        self.case_base = self.next_id("case")
        summaries = self.pool(SUMMARIES)
        received = "current_date - a.age"
        inner = (
            f"SELECT g, b.organisation_id, p.*, a.age, {self.STATUS} AS status, "
            f"{received} AS received_on, "
            "row_number() OVER (PARTITION BY b.o, extract(year FROM current_date - a.age) "
            "ORDER BY g) AS seq, "
            "left(upper(regexp_replace(o.slug, '[^a-zA-Z0-9]', '', 'g')), 6) AS prefix "
            + self.case_source()
            + " JOIN core_organisation o ON o.id = b.organisation_id"
        )
        self.sql(f"CREATE TEMP TABLE bench_case ON COMMIT PRESERVE ROWS AS {inner}")
        self.sql("ALTER TABLE bench_case ADD PRIMARY KEY (g)")
        return self.insert(
            "case",
            {
                "id": f"{self.case_base} + c.g",
                "organisation_id": "c.organisation_id",
                "reference": "c.prefix || '-' || extract(year FROM c.received_on) || '-' || "
                "lpad(c.seq::text, 5, '0')",
                "case_type_id": "c.case_types[1 + pg_temp.pick(c.g, 3, cardinality(c.case_types))]",
                "status": "c.status",
                "paused_from": "CASE WHEN c.status = 'paused' THEN 'preparation' ELSE '' END",
                "source": "(ARRAY['agency', 'agency', 'agency', 'self', 'internal'])"
                "[1 + pg_temp.pick(c.g, 4, 5)]",
                "referrer_id": "CASE WHEN pg_temp.pick(c.g, 5, 3) = 0 THEN "
                "c.referrers[1 + pg_temp.pick(c.g, 6, cardinality(c.referrers))] END",
                "referring_agency": "'Probation Service'",
                "summary": f"({summaries})[1 + pg_temp.pick(c.g, 7, {len(SUMMARIES)})]",
                "received_on": "c.received_on",
                "incident_date": "c.received_on - 20",
                "reported_on": "c.received_on - 18",
                "accepted_on": "CASE WHEN c.status NOT IN ('referred', 'declined') "
                "THEN c.received_on + 5 END",
                "closed_on": "CASE WHEN c.status = 'closed' THEN c.received_on + 40 + "
                "pg_temp.pick(c.g, 8, 160) WHEN c.status = 'declined' THEN c.received_on + 5 END",
                "closure_reason": "CASE WHEN c.status = 'closed' THEN (ARRAY['completed_direct', "
                "'completed_indirect', 'withdrawn_harmed', 'unable_to_contact'])"
                "[1 + pg_temp.pick(c.g, 9, 4)] ELSE '' END",
                "team_id": "c.teams[1 + pg_temp.pick(c.g, 10, cardinality(c.teams))]",
                "created_at": "c.received_on::timestamptz",
                "updated_at": "c.received_on::timestamptz",
            },
            "FROM bench_case c",
        )

    def _parties(self) -> int:
        self.party_base = self.next_id("party")
        return self.insert(
            "party",
            {
                "id": f"{self.party_base} + 3 * (c.g - 1) + k",
                "organisation_id": "c.organisation_id",
                "case_id": f"{self.case_base} + c.g",
                "person_id": f"{self.person_base} + 3 * (c.g - 1) + k",
                "role": "(ARRAY['harmed', 'responsible', 'supporter'])[k]",
                "supports_id": f"CASE WHEN k = 3 THEN {self.party_base} + 3 * (c.g - 1) + 1 END",
                "is_under_18": "k = 2 AND pg_temp.pick(c.g, 20, 8) = 0",
                "created_at": "c.received_on::timestamptz",
            },
            "FROM bench_case c CROSS JOIN generate_series(1, 3) k",
        )

    LEAD = "c.practitioners[1 + pg_temp.pick(c.g, 21, cardinality(c.practitioners))]"
    LEAD_USER = "c.practitioner_users[1 + pg_temp.pick(c.g, 21, cardinality(c.practitioners))]"
    OPEN = "c.status NOT IN ('closed', 'declined')"

    def _allocations(self) -> int:
        return self.insert(
            "allocation",
            {
                "organisation_id": "c.organisation_id",
                "case_id": f"{self.case_base} + c.g",
                "membership_id": self.LEAD,
                "role": "'lead'",
                "started_on": "c.received_on + 5",
                "ended_on": f"CASE WHEN {self.OPEN} THEN NULL ELSE c.received_on + 60 END",
            },
            "FROM bench_case c WHERE c.status <> 'referred'",
        )

    def _tasks(self) -> int:
        return self.insert(
            "task",
            {
                "organisation_id": "c.organisation_id",
                "case_id": f"{self.case_base} + c.g",
                "title": "(ARRAY['Phone the person harmed', 'Arrange a home visit'])[k]",
                "assignee_id": f"CASE WHEN c.status = 'referred' THEN NULL ELSE {self.LEAD} END",
                "due_on": f"CASE WHEN {self.OPEN} THEN current_date - 3 + pg_temp.pick(c.g, 22, 14)"
                " ELSE c.received_on + 10 * k END",
                "done_on": f"CASE WHEN {self.OPEN} AND k = 2 THEN NULL ELSE c.received_on + 9 * k END",
                "created_at": "c.received_on::timestamptz",
            },
            "FROM bench_case c CROSS JOIN generate_series(1, 2) k",
        )

    PAST_REFERRAL = "c.status NOT IN ('referred', 'declined', 'accepted')"
    PAST_ASSESSMENT = (
        "(c.status IN ('preparation', 'process', 'outcome', 'follow_up', 'paused') "
        "OR (c.status = 'closed' AND pg_temp.pick(c.g, 23, 2) = 0))"
    )

    def _consents(self) -> int:
        return self.insert(
            "consent",
            {
                "organisation_id": "c.organisation_id",
                "party_id": f"{self.party_base} + 3 * (c.g - 1) + k",
                "scope": "'take_part'",
                "given_on": "c.received_on + 7",
                "method": "(ARRAY['written', 'online', 'verbal'])[1 + pg_temp.pick(c.g, 24, 3)]",
                "recorded_by_id": self.LEAD_USER,
                "created_at": "c.received_on::timestamptz",
            },
            f"FROM bench_case c CROSS JOIN generate_series(1, 2) k WHERE {self.PAST_REFERRAL}",
        )

    def _assessments(self) -> int:
        answers = self.json_pool(
            [{"q1": "Yes", "q2": f"They would like to ask {n}"} for n in range(5)]
        )
        needs = self.pool(["A quiet room", "Large print", "A supporter present"])
        return self.insert(
            "assessment",
            {
                "organisation_id": "c.organisation_id",
                "party_id": f"{self.party_base} + 3 * (c.g - 1) + k",
                "question_set_id": "CASE WHEN k = 1 THEN c.qs_harmed ELSE c.qs_responsible END",
                "answers": f"({answers})[1 + pg_temp.pick(c.g, 25, 5)]",
                "needs": f"({needs})[1 + pg_temp.pick(c.g, 26, 3)]",
                "assessed_on": "c.received_on + 14",
                "assessed_by_id": self.LEAD_USER,
            },
            f"FROM bench_case c CROSS JOIN generate_series(1, 2) k WHERE {self.PAST_ASSESSMENT} "
            "AND c.qs_harmed IS NOT NULL AND c.qs_responsible IS NOT NULL",
        )

    def _activities(self) -> int:
        notes = self.pool(NOTES)
        kinds = "ARRAY['call', 'visit', 'letter', 'email', 'preparation', 'case_discussion', 'assessment']"
        return self.insert(
            "activity",
            {
                "organisation_id": "c.organisation_id",
                "case_id": f"{self.case_base} + c.g",
                "kind": f"({kinds})[1 + pg_temp.pick(c.g * 10 + k, 27, 7)]",
                "occurred_at": "(c.received_on + least(k * 6, c.age))::timestamptz + interval '10 hours'",
                "duration_minutes": "15 + 15 * pg_temp.pick(c.g * 10 + k, 28, 6)",
                "belongs_to_id": f"CASE WHEN k %% 3 < 2 THEN {self.party_base} + 3 * (c.g - 1) + 1 + k %% 3 END",
                "notes": f"({notes})[1 + pg_temp.pick(c.g * 10 + k, 29, {len(NOTES)})]",
                "recorded_by_id": self.LEAD_USER,
            },
            "FROM bench_case c CROSS JOIN generate_series(0, 9) k",
        )

    def _letters(self) -> int:
        bodies = self.pool(["I am sorry for what I did.", "I would like you to know why."])
        return self.insert(
            "letter",
            {
                "organisation_id": "c.organisation_id",
                "case_id": f"{self.case_base} + c.g",
                "writer_id": f"{self.party_base} + 3 * (c.g - 1) + 2",
                "recipient_id": f"{self.party_base} + 3 * (c.g - 1) + 1",
                "body": f"({bodies})[1 + pg_temp.pick(c.g, 30, 2)]",
                "language": "'en'",
                "status": f"CASE WHEN {self.OPEN} THEN 'draft' ELSE 'delivered' END",
                "route": "'direct'",
                "delivered_on": f"CASE WHEN {self.OPEN} THEN NULL ELSE c.received_on + 50 END",
            },
            f"FROM bench_case c WHERE pg_temp.pick(c.g, 31, 10) = 0 AND {self.PAST_ASSESSMENT}",
        )

    def _feedback(self) -> int:
        return self.insert(
            "feedback",
            {
                "organisation_id": "c.organisation_id",
                "party_id": f"{self.party_base} + 3 * (c.g - 1) + 1",
                "token_hash": "md5('bench' || c.g) || md5('feedback' || c.g)",
                "sent_at": "(c.received_on + 60)::timestamptz",
                "expires_at": "(c.received_on + 90)::timestamptz",
                "answered_at": "CASE WHEN pg_temp.pick(c.g, 32, 2) = 0 THEN "
                "(c.received_on + 65)::timestamptz END",
                "satisfaction": "CASE WHEN pg_temp.pick(c.g, 32, 2) = 0 THEN "
                "1 + pg_temp.pick(c.g, 33, 5) END",
            },
            "FROM bench_case c WHERE c.status = 'closed' AND pg_temp.pick(c.g, 34, 5) = 0",
        )
