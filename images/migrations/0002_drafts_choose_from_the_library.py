from django.db import migrations

from images.migrations._library import move_draft_images


class Migration(migrations.Migration):
    """Drafts and their revisions name the library image their item would show."""

    dependencies = [
        ("images", "0001_initial"),
        ("editorial", "0009_scheduled_and_revised_drafts"),
    ]

    operations = [migrations.RunPython(move_draft_images, migrations.RunPython.noop)]
