"""The training business: clients, contacts, courses, engagements, invoices and payments."""

from __future__ import annotations

from bench.loading import EMAIL_DOMAIN, YEARS, BaseLoader


class TrainingSteps(BaseLoader):
    def _training(self) -> int:
        """Per organisation: 50 clients with a contact each, and five courses."""
        rows = self.insert(
            "client",
            {
                "organisation_id": "b.organisation_id",
                "name": "'Ysgol Bench ' || k",
                "sector": "(ARRAY['school', 'local_authority', 'health', 'criminal_justice', "
                "'third_sector', 'business'])[1 + k %% 6]",
                "address": "k || ' Stryd Fawr, Caerdydd'",
                "email": f"'office' || k || '@client' || b.o || '.{EMAIL_DOMAIN}'",
                "language": "CASE WHEN k %% 4 = 0 THEN 'cy' ELSE 'en' END",
                "is_active": "true",
                "created_at": "now()",
            },
            "FROM bench_org b CROSS JOIN generate_series(1, 50) k",
        )
        self.insert(
            "contact",
            {
                "organisation_id": "t.organisation_id",
                "client_id": "t.id",
                "name": "'Contact for ' || t.name",
                "role": "'booking'",
                "email": "'booking.' || t.email",
                "language": "t.language",
                "is_active": "true",
            },
            "FROM training_client t WHERE t.email LIKE %s",
            [f"%{EMAIL_DOMAIN}"],
        )
        self.insert(
            "course",
            {
                "organisation_id": "b.organisation_id",
                "code": "'bench-course-' || k",
                "title": "'Restorative practice, level ' || k",
                "title_cy": "'Ymarfer adferol, lefel ' || k",
                "audience": "'practitioners'",
                "format": "'in_person'",
                "duration_hours": "6",
                "cpd_hours": "6",
                "price": "450 * k",
                "is_active": "true",
            },
            "FROM bench_org b CROSS JOIN generate_series(1, 5) k",
        )
        return rows

    def _invoices(self) -> int:
        """Engagements with one invoice each (one line), 80 per cent of them paid."""
        orgs = self.counts.organisations
        n = self.counts.invoices
        self.sql(
            "CREATE TEMP TABLE bench_invoice ON COMMIT PRESERVE ROWS AS "
            "SELECT g, b.organisation_id, b.o, "
            f"current_date - (({n} - g)::bigint * {YEARS * 365} / {n})::int AS issued_on, "
            "(SELECT array_agg(id ORDER BY id) FROM training_client t "
            " WHERE t.organisation_id = b.organisation_id) AS clients, "
            "(SELECT array_agg(id ORDER BY id) FROM training_course t "
            " WHERE t.organisation_id = b.organisation_id) AS courses, "
            "(SELECT invoice_prefix FROM training_trainingsettings s "
            " WHERE s.organisation_id = b.organisation_id) AS prefix, "
            "(SELECT min(user_id) FROM bench_staff s WHERE s.o = b.o AND role = 'office') AS office "
            f"FROM generate_series(1, {n}) g JOIN bench_org b ON b.o = 1 + (g - 1) %% {orgs}"
        )
        self.sql(
            "ALTER TABLE bench_invoice ADD COLUMN seq int, ADD COLUMN year_seq int, "
            "ADD COLUMN client_id bigint"
        )
        self.sql(
            "UPDATE bench_invoice i SET seq = t.seq, year_seq = t.year_seq, "
            "client_id = i.clients[1 + pg_temp.pick(i.g, 40, cardinality(i.clients))] FROM "
            "(SELECT g, row_number() OVER (PARTITION BY o ORDER BY g) seq, row_number() OVER "
            "(PARTITION BY o, extract(year FROM issued_on) ORDER BY g) year_seq "
            "FROM bench_invoice) t WHERE t.g = i.g"
        )
        engagement_base = self.next_id("engagement")
        self.insert(
            "engagement",
            {
                "id": f"{engagement_base} + i.g",
                "organisation_id": "i.organisation_id",
                "reference": "'ENG-' || extract(year FROM i.issued_on) || '-' || "
                "lpad(i.year_seq::text, 4, '0')",
                "client_id": "i.client_id",
                "course_id": "i.courses[1 + pg_temp.pick(i.g, 41, cardinality(i.courses))]",
                "title": "'Restorative practice training'",
                "status": "CASE WHEN pg_temp.pick(i.g, 42, 5) = 0 THEN 'invoiced' ELSE 'paid' END",
                "participants": "12",
                "created_at": "(i.issued_on - 60)::timestamptz",
                "signed_at": "(i.issued_on - 45)::timestamptz",
            },
            "FROM bench_invoice i",
        )
        invoice_base = self.next_id("invoice")
        total = "(450 * (1 + pg_temp.pick(i.g, 43, 5)))::numeric(12, 2)"
        rows = self.insert(
            "invoice",
            {
                "id": f"{invoice_base} + i.g",
                "organisation_id": "i.organisation_id",
                "kind": "'invoice'",
                "prefix": "i.prefix",
                "sequence": "i.seq",
                "number": "i.prefix || '-' || lpad(i.seq::text, 6, '0')",
                "engagement_id": f"{engagement_base} + i.g",
                "client_id": "i.client_id",
                "issued_at": "i.issued_on::timestamptz",
                "issued_by_id": "i.office",
                "issue_date": "i.issued_on",
                "due_date": "i.issued_on + 30",
                "client_name": "t.name",
                "client_address": "t.address",
                "sector": "t.sector",
                "subtotal": total,
                "total": total,
            },
            "FROM bench_invoice i JOIN training_client t ON t.id = i.client_id",
        )
        self.insert(
            "invoice_line",
            {
                "organisation_id": "i.organisation_id",
                "invoice_id": f"{invoice_base} + i.g",
                "position": "1",
                "description": "'Restorative practice training, one day'",
                "quantity": "1",
                "unit_price": total,
                "amount": total,
            },
            "FROM bench_invoice i",
        )
        self.insert(
            "payment",
            {
                "organisation_id": "i.organisation_id",
                "invoice_id": f"{invoice_base} + i.g",
                "amount": total,
                "received_on": "i.issued_on + 20",
                "method": "'bank_transfer'",
                "recorded_at": "(i.issued_on + 21)::timestamptz",
                "recorded_by_id": "i.office",
            },
            "FROM bench_invoice i WHERE pg_temp.pick(i.g, 42, 5) <> 0",
        )
        # The counters carry on from the bulk numbers, so the next real one does not collide.
        self.insert(
            "document_counter",
            {
                "organisation_id": "organisation_id",
                "key": "'invoice:' || prefix",
                "last": "max(seq)",
            },
            "FROM bench_invoice GROUP BY organisation_id, prefix",
        )
        self.insert(
            "document_counter",
            {
                "organisation_id": "organisation_id",
                "key": "'ENG-' || extract(year FROM issued_on)",
                "last": "max(year_seq)",
            },
            "FROM bench_invoice GROUP BY organisation_id, extract(year FROM issued_on)",
        )
        return rows
