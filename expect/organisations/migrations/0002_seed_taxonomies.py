"""Seeds the taxonomies the programme starts with; DAECT edits them in the admin afterwards."""

from django.db import migrations

from expect.organisations.taxonomies import seed_taxonomies


def seed(apps, schema_editor):
    seed_taxonomies(apps)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
