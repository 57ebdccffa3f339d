"""Seeded rich text was stored with Django's escaping (&#x27; for '), the sanitiser writes '
instead: an untouched form then counted as a change, and saving a live item made a draft."""

from django.db import migrations

from editorial.richtext import sanitize

FIELDS = ["description", "description_en", "description_ru"]


def as_the_sanitiser_writes_it(apps, schema_editor):
    model = apps.get_model("programmes", "Programme")
    for row in model.objects.only("pk", *FIELDS).iterator():
        cleaned = {name: sanitize(getattr(row, name)) for name in FIELDS if getattr(row, name)}
        changed = {name: value for name, value in cleaned.items() if value != getattr(row, name)}
        if changed:
            model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0014_schedule_indexes")]

    operations = [migrations.RunPython(as_the_sanitiser_writes_it, migrations.RunPython.noop)]
