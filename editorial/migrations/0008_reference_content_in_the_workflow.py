from django.db import migrations

from editorial.roles import create_groups


class Migration(migrations.Migration):
    """Editors edit offices, countries, thematic areas and key figures through drafts, and
    publishers publish them, as they do news and programmes."""

    dependencies = [
        ("editorial", "0007_drafts_and_review_comments"),
        ("programmes", "0013_reference_content_workflow"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
