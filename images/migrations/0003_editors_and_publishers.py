from django.db import migrations

from editorial.roles import create_groups


class Migration(migrations.Migration):
    """Editors and publishers use the media library; publishers alone change an image in use."""

    dependencies = [
        ("images", "0002_drafts_choose_from_the_library"),
        ("pages", "0003_images_from_the_library"),
        ("programmes", "0017_images_from_the_library"),
        ("news", "0018_images_from_the_library"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
