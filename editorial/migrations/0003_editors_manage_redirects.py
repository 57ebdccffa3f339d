from django.db import migrations

from editorial.roles import create_groups


class Migration(migrations.Migration):
    dependencies = [("editorial", "0002_redirects")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
