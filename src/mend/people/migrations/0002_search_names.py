"""Names for search and duplicate detection by similarity (mend.people.names).

On PostgreSQL, a trigram index on how each name sounds, within its organisation: pg_trgm for the
trigrams and btree_gin so that one GIN index holds the organisation too (both are trusted
extensions: the database owner may create them). SQLite, the demo's database, ranks in Python.
"""

from django.db import migrations, models

from mend.people.names import search_name, sound_name

INDEX = "person_sound_name_trgm"


def fill_names(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only("first_name", "last_name").iterator(chunk_size=2000):
        person.search_name = search_name(person.first_name, person.last_name)
        person.sound_name = sound_name(person.first_name, person.last_name)
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["search_name", "sound_name"])
            batch = []
    Person.objects.bulk_update(batch, ["search_name", "sound_name"])


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON people_person "
        "USING gin (organisation_id, sound_name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_user_is_learner_account"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_name",
            field=models.CharField(default="", editable=False, max_length=201),
        ),
        migrations.AddField(
            model_name="person",
            name="sound_name",
            field=models.CharField(default="", editable=False, max_length=201),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["organisation", "date_of_birth"], name="people_pers_organis_029d2a_idx"
            ),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
