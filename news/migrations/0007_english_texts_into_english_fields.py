from django.db import migrations


def copy_to_english(apps, schema_editor):
    """The texts so far are English: they become the English translations."""
    for item in apps.get_model("news", "NewsItem").objects.all():
        item.title_en, item.summary_en, item.body_en = item.title, item.summary, item.body
        item.save(update_fields=["title_en", "summary_en", "body_en"])


class Migration(migrations.Migration):
    dependencies = [("news", "0006_translations")]
    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
