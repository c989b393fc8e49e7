"""On PostgreSQL, a trigram index on case references within each organisation, so that search
finds a case by part of its reference ("2026-00042") from an index (see people 0002)."""

from django.db import migrations

INDEX = "case_reference_trgm"


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case "
        "USING gin (organisation_id, reference gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_versions_for_configuration_and_support"),
        ("people", "0002_search_names"),
    ]

    operations = [migrations.RunPython(trigram_index, drop_trigram_index)]
