from django.db import migrations

from editorial.roles import create_groups


class Migration(migrations.Migration):
    """Editors edit publications through drafts, and publishers publish them, as everything
    else."""

    dependencies = [
        ("publications", "0001_initial"),
        ("editorial", "0009_scheduled_and_revised_drafts"),
        ("images", "0003_editors_and_publishers"),
        ("news", "0018_images_from_the_library"),
        ("pages", "0003_images_from_the_library"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
