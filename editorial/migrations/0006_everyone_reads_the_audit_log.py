from django.db import migrations

from editorial.roles import create_groups


class Migration(migrations.Migration):
    dependencies = [("editorial", "0005_audit_log")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
