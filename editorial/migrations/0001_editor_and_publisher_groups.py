from django.db import migrations

from editorial.roles import create_groups, remove_groups


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0003_bodies_to_html"),
        ("programmes", "0003_existing_programmes_stay_public"),
        ("sources", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
