"""What everything the public reads shares: a publishing state, a schedule, a version counter
and a draft kept over the live version; the redirects that keep old addresses working; the
public change notes and the audit log."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

SLUG_HELP = _(
    "The last part of the page address. Changed on a public page, the old address "
    "redirects to the new one."
)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Submitted for review")
    CHANGES = "changes", _("Changes requested")
    PUBLISHED = "published", _("Published")
    # GOV.UK's withdrawal: the page stays at its address under a notice, and leaves every list.
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNPUBLISHED = "unpublished", _("Unpublished")


def staff_member(verbose_name, **options):
    """Who did something; the record stays (with nobody named) if their account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **options,
    )


# The states of work not yet live: of a row never published (or unpublished), or of a draft.
WORK_STATES = (Status.DRAFT, Status.REVIEW, Status.CHANGES, Status.UNPUBLISHED)
# The row is live (or was, and is at its address): edits go to a draft over it.
LIVE_STATES = (Status.PUBLISHED, Status.WITHDRAWN)


def public_now():
    now = timezone.now()
    return (
        (Q(publish_at__isnull=True) | Q(publish_at__lte=now))
        & (Q(expire_at__isnull=True) | Q(expire_at__gt=now))
        & Q(status=Status.PUBLISHED)
    )


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: every page, list, feed and sitemap goes through this.

        A scheduled item becomes public at publish_at and leaves at expire_at by this comparison
        alone, with no job to run.
        """
        return self.filter(public_now())

    def link_targets(self):
        """What a link in rich text may lead readers to; anything else reads as plain text."""
        return self.published()

    def at_their_address(self):
        """What the public can open at its own address: what is published, and what was
        withdrawn (shown under its notice, and in no list, feed, sitemap or search)."""
        return self.filter(public_now() | Q(status=Status.WITHDRAWN))

    def awaiting_review(self):
        """Submitted for review: the row itself, or a draft over it."""
        return self.with_work_in_state(Status.REVIEW)

    def with_work_in_state(self, state):
        """Rows whose work (the row not yet live, or the draft over a live one) is in `state`.

        The keys of the drafts are read first (one query): with an OR across a join, or over a
        subquery, the database reads every row; over a list of keys it uses two indexes."""
        drafts = Draft.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), state=state
        ).values_list("object_id", flat=True)
        return self.filter(Q(status=state) | Q(pk__in=list(drafts)))

    def force_published(self):
        """Published without a second person's review, until someone gives it."""
        return self.filter(forced_at__isnull=False)

    def with_draft_state(self):
        """Each row with `draft_state`: the state of the draft over it, or None."""
        return self.annotate(
            draft_state=models.Subquery(
                Draft.objects.filter(
                    content_type=ContentType.objects.get_for_model(self.model),
                    object_id=models.OuterRef("pk"),
                ).values("state")[:1]
            )
        )

    def scheduled_changes(self, start, end):
        """(item, moment, what) for each change due in [start, end): an item goes live
        (GOES_LIVE) or expires (EXPIRES), or draft changes over a live one go live
        (CHANGES_GO_LIVE). Two queries: the scheduled drafts' keys, then the rows."""
        drafts = dict(
            Draft.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                state=Draft.SCHEDULED,
                publish_at__gte=start,
                publish_at__lt=end,
            ).values_list("object_id", "publish_at")
        )
        rows = self.filter(
            Q(publish_at__gte=start, publish_at__lt=end, status=Status.PUBLISHED)
            | Q(expire_at__gte=start, expire_at__lt=end, status=Status.PUBLISHED)
            | Q(pk__in=list(drafts))
        )
        for row in rows:
            if row.status == Status.PUBLISHED:
                for moment, what in ((row.publish_at, GOES_LIVE), (row.expire_at, EXPIRES)):
                    if moment and start <= moment < end:
                        yield row, moment, what
            if row.pk in drafts:
                yield row, drafts[row.pk], CHANGES_GO_LIVE


# What scheduled_changes() says happens at a moment.
GOES_LIVE, EXPIRES, CHANGES_GO_LIVE = "live", "expires", "changes"


class Publishable(models.Model):
    Status = Status

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Draft: only staff see it. Submitted for review: a publisher is asked to check "
            "it. Published: public from the publish time on. Withdrawn: still at its address, "
            "under a notice giving the reason, but in no list, search or feed."
        ),
    )
    # Who has the work on it in hand, while the row itself is the work (never live, or
    # unpublished); a live row's work is its Draft's.
    edited_by = staff_member(_("last edited by"), editable=False)
    submitted_by = staff_member(_("submitted by"), editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    # Published by a publisher without a second person's review (an urgent correction).
    forced_at = models.DateTimeField(
        _("published without review at"), null=True, blank=True, editable=False, db_index=True
    )
    forced_by = staff_member(_("published without review by"), editable=False)
    forced_reason = models.TextField(
        _("reason to publish without review"), blank=True, editable=False
    )
    drafts = GenericRelation("editorial.Draft")
    draft_revisions = GenericRelation("editorial.DraftRevision")
    change_notes = GenericRelation("editorial.ChangeNote")
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,  # the calendar, the dashboard and the cache look up what is due
        help_text=_("Empty: public as soon as it is published. A future time schedules it."),
    )
    expire_at = models.DateTimeField(
        _("expire at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Optional: the item leaves the public site at this time."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_(
            "Shown to the public above the withdrawn page, with the date: why it is no longer "
            "current, e.g. “This programme ended; see the 2022–2025 programme.”"
        ),
    )
    last_major_change_at = models.DateTimeField(
        _("last updated for readers"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a major change was last published with a public note."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=0,
        editable=False,
        help_text=_("Counts saves; a form saved on an older version is refused."),
    )

    # The URL name of the item's public page: rich-text links to that page are stored as
    # references to the item (editorial/richtext.py). None: nothing links to it.
    public_url_name = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version += 1
        if self.status != Status.WITHDRAWN:
            self.withdrawn_at = None
        elif self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()
        super().save(*args, **kwargs)

    @classmethod
    def from_public_url(cls, kwargs):
        """The item the public URL's keyword arguments name, in any state."""
        return cls._default_manager.filter(slug=kwargs.get("slug")).first()

    @classmethod
    def from_unresolved_path(cls, path):
        """The item at `path` (without the language) that the URLs do not resolve yet."""
        return None

    def clean(self):
        super().clean()
        if self.publish_at and self.expire_at and self.expire_at <= self.publish_at:
            raise ValidationError(
                {"expire_at": _("The expiry time must come after the publish time.")}
            )

    @property
    def is_public(self):
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and (self.publish_at is None or self.publish_at <= now)
            and (self.expire_at is None or self.expire_at > now)
        )

    @property
    def is_live(self):
        """Published or withdrawn: what is stored is (or was) public, and edits go to a draft."""
        return self.status in LIVE_STATES

    @property
    def is_at_its_address(self):
        """The public can open its page: it is public, or withdrawn (under a notice)."""
        return self.is_public or self.status == Status.WITHDRAWN

    @property
    def public_state(self):
        """The state in words for editors: draft, in review, scheduled, public or expired."""
        now = timezone.now()
        if self.status != Status.PUBLISHED:
            return self.get_status_display()
        if self.publish_at and self.publish_at > now:
            return _("Scheduled")
        if self.expire_at and self.expire_at <= now:
            return _("Expired")
        return _("Live")


# Kept on the row whatever a draft says: the publishing state and schedule, set by actions.
WORKFLOW_FIELDS = {field.name for field in Publishable._meta.local_fields} | {
    "created_at",
    "updated_at",
}


def content_fields(model):
    """The concrete fields a draft carries: everything readers see, none of the workflow's.

    A translated text is carried by language (title_en, title_ru); its untranslated column
    ("title") follows the language of the request, and is left out.
    """
    translated = translated_fields(model)
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not field.generated
        and field.name not in translated
        and field.name not in WORKFLOW_FIELDS
        # modeltranslation's copies of a workflow field (withdrawal_reason_en, …)
        and getattr(field, "translated_field", field).name not in WORKFLOW_FIELDS
    ]


def translated_fields(model):
    if model not in translator.get_registered_models():
        return set()
    return set(translator.get_options_for_model(model).fields)


def related_fields(model):
    return list(model._meta.many_to_many)


def child_relation(model, accessor):
    """The reverse foreign key `accessor` of model (a programme's "signatories")."""
    return model._meta.get_field(accessor)


def child_fields(relation):
    """What a draft keeps of each child row: its concrete fields but its key and its parent."""
    return [
        field
        for field in relation.related_model._meta.concrete_fields
        if not field.primary_key and field is not relation.field
    ]


def child_rows(relation, instances):
    return [
        {field.attname: field.value_from_object(instance) for field in child_fields(relation)}
        for instance in instances
    ]


def child_instances(relation, parent_pk, rows):
    """Unsaved child rows from a draft's, belonging to the parent."""
    fields = child_fields(relation)
    return [
        relation.related_model(
            **{relation.field.attname: parent_pk},
            **{field.attname: field.to_python(row.get(field.attname)) for field in fields},
        )
        for row in rows
    ]


class Draft(models.Model):
    """Changes to something live, kept apart until they are published: the public goes on
    seeing the row, links and both languages included, and publishing copies this over it.

    One per item. `content` is Django's "python" serialisation of the edited copy, each link
    field as its list of keys; "children" holds the edited rows of the inlines (a programme's
    signatories), when they were edited, by the reverse foreign key's name.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey()
    # Approved to go live at publish_at (editorial/schedule.py); the public sees the live row
    # until then. Any edit of the draft cancels it.
    SCHEDULED = "scheduled"

    content = models.JSONField(encoder=DjangoJSONEncoder)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=[
            *((s.value, s.label) for s in (Status.DRAFT, Status.REVIEW, Status.CHANGES)),
            (SCHEDULED, _("Scheduled")),
        ],
        default=Status.DRAFT,
        db_index=True,
    )
    edited_by = staff_member(_("last edited by"))
    edited_at = models.DateTimeField(_("last edited at"), default=timezone.now)
    submitted_by = staff_member(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    publish_at = models.DateTimeField(_("goes live at"), null=True, blank=True, db_index=True)
    scheduled_by = staff_member(_("scheduled by"))
    # The public note of a major change, published with the draft when it goes live as scheduled.
    change_note_en = models.CharField(_("change note [en]"), max_length=300, blank=True)
    change_note_ru = models.CharField(_("change note [ru]"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_per_item")
        ]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self):
        """The draft's own title (or name, or label), in the language of the request if it has
        one, else in English."""
        fields = self.content["fields"]
        for name in ("title", "name", "label"):
            for key in (f"{name}_{get_language()}", f"{name}_en", name):
                if fields.get(key):
                    return str(fields[key])
        return ""

    @classmethod
    def of(cls, item):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(item), object_id=item.pk
        ).first()

    @staticmethod
    def serialise(obj, links, children=None):
        """The edited copy obj (not saved) with links {field name: keys} and children
        {accessor: rows} as draft content."""
        model = type(obj)
        fields = {
            field.attname: field.value_from_object(obj)
            if not isinstance(field, models.FileField)
            else (field.value_from_object(obj).name or "")
            for field in content_fields(model)
        }
        fields.update({name: sorted(keys) for name, keys in links.items()})
        content = {"model": model._meta.label_lower, "pk": obj.pk, "fields": fields}
        if children:
            content["children"] = children
        return content

    def children(self):
        return self.content.get("children", {})

    def unschedule(self, state):
        """Take the draft off the schedule, into `state`, with nothing of the schedule kept."""
        self.state, self.publish_at, self.scheduled_by = state, None, None
        self.change_note_en = self.change_note_ru = ""

    def links(self):
        model = self.content_type.model_class()
        return {
            field.name: self.content["fields"].get(field.name, [])
            for field in related_fields(model)
        }

    def applied_to(self, live):
        """A copy of the live row showing this draft, in memory: for the form, the preview and
        the comparison. Its links are read from the draft's keys, not the live rows."""
        model = type(live)
        loaded = [f.attname for f in model._meta.concrete_fields if f.attname in live.__dict__]
        copy = model.from_db(live._state.db, loaded, [live.__dict__[name] for name in loaded])
        for field in content_fields(model):
            if field.attname in self.content["fields"]:
                value = self.content["fields"][field.attname]
                setattr(copy, field.attname, field.to_python(value))
        copy._prefetched_objects_cache = {
            name: model._meta.get_field(name).related_model._default_manager.filter(pk__in=keys)
            for name, keys in self.links().items()
        }
        for accessor, rows in self.children().items():
            relation = child_relation(model, accessor)
            shown = relation.related_model._default_manager.none()
            shown._result_cache = child_instances(relation, live.pk, rows)
            copy._prefetched_objects_cache[accessor] = shown
        copy.draft = self
        return copy


class DraftRevision(models.Model):
    """One save of the draft over a live item, kept when the draft moves on or goes live: its
    states can be told apart, compared with the live version or with each other, and any of
    them made the draft again (never live at once)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey()
    content = models.JSONField(encoder=DjangoJSONEncoder)
    saved_by = staff_member(_("saved by"))
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-saved_at"])]
        verbose_name = _("draft revision")
        verbose_name_plural = _("draft revisions")

    def __str__(self):
        return str(self.as_draft())

    @classmethod
    def of(cls, item):
        """The item's draft revisions, newest first, each with its `number` (the first save: 1)
        and the `previous` one."""
        revisions = list(
            cls.objects.filter(
                content_type=ContentType.objects.get_for_model(item), object_id=item.pk
            ).select_related("saved_by")
        )
        previous = None
        for number, revision in enumerate(reversed(revisions), start=1):
            revision.number, revision.previous, previous = number, previous, revision
        return revisions

    def as_draft(self):
        """The revision as a draft (not saved): to apply to the live row, or to restore."""
        return Draft(
            content_type_id=self.content_type_id,
            object_id=self.object_id,
            content=self.content,
            edited_by=self.saved_by,
            edited_at=self.saved_at,
        )


def is_site_path(value):
    """True for a path on this site ("/en/news/…"), never another site's address: not
    "//host/…", "/\\host", "https://…", nor anything with spaces or control characters."""
    return (
        value.startswith("/")
        and url_has_allowed_host_and_scheme(value, allowed_hosts=None)
        and not any(character.isspace() or ord(character) < 32 for character in value)
    )


class Redirect(models.Model):
    """An address that was public and where it leads now; no destination: it is gone (410).

    Made when the address of something public changes or it leaves the site (editorial/
    addresses.py), or by an editor. The site's own rather than django.contrib.redirects, whose
    Site row would also become the host name of the feeds and the sitemap.
    """

    old_path = models.CharField(
        _("old address"),
        max_length=300,
        unique=True,
        help_text=_("A path on this site, with its language: /en/news/old-title/"),
    )
    new_path = models.CharField(
        _("leads to"),
        max_length=300,
        blank=True,
        help_text=_(
            "A path on this site: /en/news/new-title/. Empty: the page is gone for good, and "
            "the address answers “410 Gone” with the site’s page saying so."
        ),
    )
    automatic = models.BooleanField(
        _("made by the site"),
        default=False,
        help_text=_("Made when an address changed or a page left the site."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self):
        return f"{self.old_path} → {self.new_path or '410 Gone'}"

    def save(self, *args, **kwargs):
        # Chains collapse: A → B with B → C stored as A → C, and whatever led to A leads to C.
        onward = self.onward() if self.new_path else None
        if onward and onward != self.old_path:
            self.new_path = onward
        super().save(*args, **kwargs)
        if self.new_path:
            Redirect.objects.filter(new_path=self.old_path).exclude(pk=self.pk).update(
                new_path=self.new_path
            )

    def clean(self):
        super().clean()
        errors = {}
        if self.old_path and not is_site_path(self.old_path):
            errors["old_path"] = _("Give a path on this site, starting with one “/”.")
        if self.new_path and not is_site_path(self.new_path):
            errors["new_path"] = _(
                "A redirect can only lead to a page of this site: give a path starting with "
                "one “/”, such as /en/news/."
            )
        elif self.new_path and self.new_path == self.old_path:
            errors["new_path"] = _("A redirect cannot lead to its own address.")
        elif self.new_path and self.onward() == self.old_path:
            errors["new_path"] = _("That address redirects back here: the two would loop.")
        if errors:
            raise ValidationError(errors)

    def onward(self):
        """Where the destination leads in turn, if it is itself a redirect with a destination."""
        return (
            Redirect.objects.filter(old_path=self.new_path)
            .exclude(pk=self.pk)
            .exclude(new_path="")
            .values_list("new_path", flat=True)
            .first()
        )


class ChangeNote(models.Model):
    """A public note on a major change to something published (GOV.UK's change notes): pages
    list them under "Updates to this page"; a minor change leaves none."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey()
    note = models.CharField(
        _("change note"),
        max_length=300,
        help_text=_("One line for readers: what changed, e.g. “Added the 2026 figures.”"),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-published_at"])]
        verbose_name = _("change note")
        verbose_name_plural = _("change notes")

    def __str__(self):
        return self.note


class AuditEntry(models.Model):
    """One workflow action, as it happened: who did what to which item, when. Nobody can edit
    or delete these, in the admin or through it (editorial/admin.py)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for review")
        CHANGES_REQUESTED = "changes-requested", _("requested changes")
        COMMENTED = "commented", _("commented")
        PUBLISHED = "published", _("approved and published")
        FORCE_PUBLISHED = "force-published", _("published without review")
        APPROVED = "approved", _("approved after publication")
        SCHEDULED = "scheduled", _("scheduled")
        UNSCHEDULED = "unscheduled", _("cancelled the schedule")
        SCHEDULE_FAILED = "schedule-failed", _("could not publish as scheduled")
        UNPUBLISHED = "unpublished", _("unpublished")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DELETED = "deleted", _("deleted")
        MAJOR_CHANGE = "major-change", _("published a major change")
        DRAFT_RESTORED = "draft-restored", _("restored an earlier draft")
        REDIRECT_CREATED = "redirect", _("redirect created")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = staff_member(_("who"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    item = models.CharField(_("item"), max_length=300, help_text=_("As it was named then."))
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.item}"

    @classmethod
    def record(cls, action, obj, actor=None, detail="", comment=""):
        is_user = actor is not None and actor.is_authenticated
        return cls.objects.create(
            action=action,
            actor=actor if is_user else None,
            content_type=ContentType.objects.get_for_model(obj) if obj.pk else None,
            object_id=obj.pk,
            item=str(obj)[:300],
            detail=str(detail)[:300],
            comment=comment,
        )

    @classmethod
    def record_each(cls, entries, obj, actor):
        """Record the (action, detail, comment) entries the workflow returns for one item."""
        for action, detail, comment in entries:
            cls.record(action, obj, actor, detail, comment)

    @classmethod
    def timeline(cls, obj):
        """What was done to the item, newest first: its review comments included."""
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")
