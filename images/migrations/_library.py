"""Moving the images that items held themselves into the media library (migrations only).

Each stored file becomes one library image, or more than one if items described the same
file differently: nothing an item said of its picture is lost, and no file is copied.
"""

from pathlib import Path

from django.db import migrations, models
from django.utils import timezone

OLD_FIELDS = [
    "image",
    "image_width",
    "image_height",
    "image_alt",
    "image_is_decorative",
    "image_caption",
    "image_credit",
]


def library_image(apps, name, width, height, alt, decorative, caption, credit, when=None):
    Image = apps.get_model("images", "Image")
    described = {
        "file": name,
        "alt_text_en": alt or "",
        "is_decorative": bool(decorative),
        "caption_en": caption or "",
        "credit_en": credit or "",
    }
    found = Image.objects.filter(**described).first()
    if found:
        return found
    image = Image.objects.create(
        title=Path(name).stem.replace("-", " ").replace("_", " ")[:200] or "image",
        uploaded_at=when or timezone.now(),
        **{**described, "file": "", "alt_text": alt or "", "caption": caption or "",
           "credit": credit or ""},
    )
    # Set by an update, not on the instance: an ImageField with no stored dimensions would
    # open the file to measure it, and a file missing from the storage would stop the migration.
    Image.objects.filter(pk=image.pk).update(file=name, width=width, height=height)
    return image


def image_of(apps, row, when=None):
    """The library image for what a row (an item or a revision of it) held, or None."""
    name = str(row.image or "")
    if not name:
        return None
    return library_image(
        apps,
        name,
        row.image_width,
        row.image_height,
        row.image_alt,
        row.image_is_decorative,
        row.image_caption,
        row.image_credit,
        when,
    )


def move_images(app_label, model_name):
    def move(apps, schema_editor):
        for name in (model_name, f"historical{model_name}"):
            model = apps.get_model(app_label, name)
            for row in model.objects.exclude(image="").exclude(image__isnull=True):
                image = image_of(apps, row, getattr(row, "created_at", None))
                model.objects.filter(pk=row.pk).update(library_image=image)
        check_constraints_now(schema_editor)

    return move


def check_constraints_now(schema_editor):
    # PostgreSQL checks the new foreign keys at the commit; the columns removed next, in the
    # same transaction, cannot be altered while those checks are pending.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def move_draft_images(apps, schema_editor):
    """Drafts and their revisions hold the item's fields in JSON: the file's name becomes the
    library image's key."""
    for model_name in ("Draft", "DraftRevision"):
        model = apps.get_model("editorial", model_name)
        for row in model.objects.all():
            fields = row.content.get("fields", {})
            if "image" not in fields:
                continue
            name = fields.get("image") or ""
            image = None
            if name:
                image = library_image(
                    apps,
                    name,
                    fields.get("image_width"),
                    fields.get("image_height"),
                    fields.get("image_alt"),
                    fields.get("image_is_decorative"),
                    fields.get("image_caption"),
                    fields.get("image_credit"),
                )
            for old in OLD_FIELDS:
                fields.pop(old, None)
            fields["image_id"] = image.pk if image else None
            model.objects.filter(pk=row.pk).update(content=row.content)
    check_constraints_now(schema_editor)


def library_image_operations(app_label, model_name):
    """A model's (and its history's) migration from its own image fields to a library image's
    key: the key added, the images moved, the old fields removed, the key named "image"."""
    names = (model_name, f"historical{model_name}")
    return [
        *(
            migrations.AddField(
                model_name=name,
                name="library_image",
                field=models.ForeignKey(
                    blank=True,
                    null=True,
                    on_delete=models.PROTECT if name == model_name else models.DO_NOTHING,
                    related_name="+",
                    to="images.image",
                    verbose_name="image",
                    help_text="Choose one from the library, or upload a new one there.",
                    db_constraint=name == model_name,
                ),
            )
            for name in names
        ),
        migrations.RunPython(move_images(app_label, model_name), migrations.RunPython.noop),
        *(
            migrations.RemoveField(model_name=name, name=field)
            for name in names
            for field in OLD_FIELDS
        ),
        *(
            migrations.RenameField(model_name=name, old_name="library_image", new_name="image")
            for name in names
        ),
    ]
