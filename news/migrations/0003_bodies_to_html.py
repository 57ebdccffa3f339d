from django.db import migrations

from editorial.richtext import paragraphs_to_html


def convert(apps, schema_editor):
    NewsItem = apps.get_model("news", "NewsItem")
    for item in NewsItem.objects.all():
        if not item.body.lstrip().startswith("<"):
            item.body = paragraphs_to_html(item.body)
            item.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("news", "0002_editorial_workflow")]
    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
