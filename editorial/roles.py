"""Who may do what: the Editors and Publishers groups, created by a data migration."""

# Everything the public reads goes through the workflow: editors edit (a live item through a
# draft) and may delete what is not public; publishers also publish.
PUBLISHED_MODELS = {
    "news": ["newsitem"],
    "programmes": ["programme", "office", "country", "thematicarea", "keyfigure"],
    "pages": ["page", "menuitem"],
    "publications": ["publication"],
}
PUBLISHABLE = {**PUBLISHED_MODELS, "programmes": [*PUBLISHED_MODELS["programmes"], "signatory"]}
READ_ONLY = {"sources": ["sourcedocument"]}
# The media library: editors upload, describe and delete what nothing uses; an image shown on a
# live page is changed by publishers only (images/admin.py).
MEDIA = {"images": ["image", "tag"]}
MEDIA_IN_USE = {("images", "change_image_in_use")}
# Old addresses and where they lead: editors and publishers list, add, correct and delete them.
REDIRECTS = {"editorial": ["redirect"]}
# The audit log: everyone working on the site reads it; nobody writes it (the site does).
AUDIT_LOG = {"editorial": ["auditentry"]}


def codenames(models, actions):
    return {
        (app, f"{action}_{model}")
        for app, names in models.items()
        for model in names
        for action in actions
    }


def add_permissions(apps, *models):
    """Add the models' permissions now, named as Django names them after all migrations."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    wanted = {(app, model) for group in models for app, names in group.items() for model in names}
    for app_label, name in sorted(wanted):
        options = apps.get_model(app_label, name)._meta
        content_type = ContentType.objects.get_or_create(app_label=app_label, model=name)[0]
        defaults = [
            (f"{a}_{name}", f"Can {a} {options.verbose_name_raw}")
            for a in options.default_permissions
        ]
        for codename, label in [*defaults, *options.permissions]:
            Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": label}
            )


def publish_permissions(apps):
    """The publish permissions the models have at this point of the migrations (offices,
    countries, thematic areas and key figures came into the workflow later)."""
    return {
        (app, codename)
        for app, names in known(apps, PUBLISHED_MODELS).items()
        for name in names
        for codename, _label in apps.get_model(app, name)._meta.permissions
        if codename.startswith("publish_")
    }


def known(apps, models):
    """The models that exist at this point of the migrations (redirects and pages came later)."""
    found = {}
    for app, names in models.items():
        for name in names:
            try:
                apps.get_model(app, name)
            except LookupError:
                continue
            found.setdefault(app, []).append(name)
    return found


def create_groups(apps, schema_editor=None):
    """Create or reset the Editors and Publishers groups (`apps`: a migration's or django.apps)."""
    publishable = known(apps, PUBLISHABLE)
    redirects, audit_log = known(apps, REDIRECTS), known(apps, AUDIT_LOG)
    media = known(apps, MEDIA)
    add_permissions(apps, publishable, READ_ONLY, redirects, audit_log, media)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        wanted = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in pairs
        ]
        missing = pairs - {(p.content_type.app_label, p.codename) for p in wanted}
        assert not missing, f"permissions missing: {missing}"
        return wanted

    # The admin also stops editors deleting what is public, and keeps their edits of it drafts.
    editor = (
        codenames(publishable, ["add", "change", "delete", "view"])
        | codenames(READ_ONLY, ["view"])
        | codenames(redirects, ["add", "change", "delete", "view"])
        | codenames(audit_log, ["view"])
        | codenames(media, ["add", "change", "delete", "view"])
    )
    publisher = editor | publish_permissions(apps) | (MEDIA_IN_USE if media else set())
    Group.objects.get_or_create(name="Editors")[0].permissions.set(permissions(editor))
    Group.objects.get_or_create(name="Publishers")[0].permissions.set(permissions(publisher))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()
