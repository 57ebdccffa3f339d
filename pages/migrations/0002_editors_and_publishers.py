from django.db import migrations

from editorial.roles import create_groups


class Migration(migrations.Migration):
    """Editors edit pages through drafts, and publishers publish them, as everything else."""

    dependencies = [
        ("pages", "0001_pages"),
        ("editorial", "0009_scheduled_and_revised_drafts"),
        ("programmes", "0016_office_contacts"),
        ("news", "0017_bodies_as_the_sanitiser_writes_them"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
