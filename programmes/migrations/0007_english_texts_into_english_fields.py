from django.db import migrations

FIELDS = {
    "Programme": ["title", "vision", "description", "date_note"],
    "Country": ["name", "description"],
    "Office": ["name", "city", "description"],
    "ThematicArea": ["name", "description"],
    "KeyFigure": ["label"],
}


def copy_to_english(apps, schema_editor):
    """The texts so far are English: they become the English translations."""
    for model_name, fields in FIELDS.items():
        model = apps.get_model("programmes", model_name)
        for obj in model.objects.all():
            for field in fields:
                setattr(obj, f"{field}_en", getattr(obj, field))
            obj.save(update_fields=[f"{field}_en" for field in fields])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0006_translations")]
    operations = [migrations.RunPython(copy_to_english, migrations.RunPython.noop)]
