from django.db import migrations, models
import django.db.models.deletion

from images.migrations._library import OLD_FIELDS, move_images


class Migration(migrations.Migration):
    """Items choose their image from the media library: each image they held becomes a
    library image (images/migrations/_library.py), their revisions' too."""

    dependencies = [
        ("images", "0001_initial"),
        ("programmes", "0016_office_contacts"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name,
                name="library_image",
                field=models.ForeignKey(
                    blank=True,
                    null=True,
                    on_delete=django.db.models.deletion.PROTECT if name == "programme" else django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to="images.image",
                    verbose_name="image",
                    help_text="Choose one from the library, or upload a new one there.",
                    db_constraint=name == "programme",
                ),
            )
            for name in ("programme", "historicalprogramme")
        ),
        migrations.RunPython(move_images("programmes", "programme"), migrations.RunPython.noop),
        *(
            migrations.RemoveField(model_name=name, name=field)
            for name in ("programme", "historicalprogramme")
            for field in OLD_FIELDS
        ),
        *(
            migrations.RenameField(model_name=name, old_name="library_image", new_name="image")
            for name in ("programme", "historicalprogramme")
        ),
    ]
