from django.db import migrations

from images.migrations._library import library_image_operations


class Migration(migrations.Migration):
    """Items choose their image from the media library: each image they held becomes a
    library image (images/migrations/_library.py), their revisions' too."""

    dependencies = [
        ("images", "0001_initial"),
        ("news", "0017_bodies_as_the_sanitiser_writes_them"),
    ]

    operations = library_image_operations("news", "newsitem")
