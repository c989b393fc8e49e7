"""Recompute every person's sounded name and name blocks with the rules of people.names at this
release: blocks are the sound's first letter and next two consonants (were: its first three
letters), and "tch" sounds as "ch"."""

from django.db import migrations

from mend.people.names import block, sound_name


FIELDS = ["sound_name", "first_block", "last_block"]


def recompute(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    batch = []
    people = Person._base_manager.only("pk", "first_name", "last_name").order_by("pk")
    for person in people.iterator(chunk_size=2000):
        person.sound_name = sound_name(person.first_name, person.last_name)
        person.first_block = block(person.first_name)
        person.last_block = block(person.last_name)
        batch.append(person)
        if len(batch) == 2000:
            Person._base_manager.bulk_update(batch, FIELDS)
            batch = []
    if batch:
        Person._base_manager.bulk_update(batch, FIELDS)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_names")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
