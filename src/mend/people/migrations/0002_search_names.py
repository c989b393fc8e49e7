"""Names for search and duplicate detection by similarity (mend.people.names): the name's words,
how it sounds, and how the first and last names start (indexed with the organisation: search
and the duplicate check read only the people whose names start like a word typed, then rank them).

On PostgreSQL, the pg_trgm extension gives the similarity function (a trusted extension: the
database owner may create it). SQLite, the demo's database, ranks in Python.
"""

from django.db import migrations, models

from mend.people.names import block, search_name, sound_name

NAMES = ["search_name", "sound_name", "first_block", "last_block"]


def fill_names(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    batch = []
    for person in Person.objects.only("first_name", "last_name").iterator(chunk_size=2000):
        person.search_name = search_name(person.first_name, person.last_name)
        person.sound_name = sound_name(person.first_name, person.last_name)
        person.first_block = block(person.first_name)
        person.last_block = block(person.last_name)
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, NAMES)
            batch = []
    Person.objects.bulk_update(batch, NAMES)


def trigrams(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


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
        migrations.AddField(
            model_name="person",
            name="first_block",
            field=models.CharField(default="", editable=False, max_length=3),
        ),
        migrations.AddField(
            model_name="person",
            name="last_block",
            field=models.CharField(default="", editable=False, max_length=3),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["organisation", "date_of_birth"], name="people_pers_organis_029d2a_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["organisation", "first_block"], name="people_pers_organis_cdc6e4_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                fields=["organisation", "last_block"], name="people_pers_organis_11fc9e_idx"
            ),
        ),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
        migrations.RunPython(trigrams, migrations.RunPython.noop),
    ]
