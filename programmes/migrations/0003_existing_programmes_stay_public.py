from django.db import migrations

from editorial.richtext import paragraphs_to_html


def publish_and_convert(apps, schema_editor):
    """Programmes were all public before they had a publishing state; keep them so, and turn
    their plain-text descriptions into the paragraphs the rich-text editor works with."""
    Programme = apps.get_model("programmes", "Programme")
    for programme in Programme.objects.all():
        programme.status = "published"
        if programme.description and not programme.description.lstrip().startswith("<"):
            programme.description = paragraphs_to_html(programme.description)
        programme.save(update_fields=["status", "description"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0002_editorial_workflow")]
    operations = [migrations.RunPython(publish_and_convert, migrations.RunPython.noop)]
