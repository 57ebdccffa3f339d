from django.db import migrations

from images.migrations._library import library_image_operations


class Migration(migrations.Migration):
    """Items choose their image from the media library: each image they held becomes a
    library image (images/migrations/_library.py), their revisions' too."""

    dependencies = [
        ("images", "0001_initial"),
        ("pages", "0002_editors_and_publishers"),
    ]

    operations = library_image_operations("pages", "page")
