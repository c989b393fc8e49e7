"""Recompute every person's name blocks with the rule of people.names.block at this release:
the sound's first letter and next two consonants (was: its first three letters)."""

from django.db import migrations

from mend.people.names import block


def recompute(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    batch = []
    people = Person._base_manager.only("pk", "first_name", "last_name").order_by("pk")
    for person in people.iterator(chunk_size=2000):
        person.first_block = block(person.first_name)
        person.last_block = block(person.last_name)
        batch.append(person)
        if len(batch) == 2000:
            Person._base_manager.bulk_update(batch, ["first_block", "last_block"])
            batch = []
    if batch:
        Person._base_manager.bulk_update(batch, ["first_block", "last_block"])


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_names")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
