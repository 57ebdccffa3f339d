"""What news items and programmes share: a publishing state, a schedule and a version counter;
and the redirects that keep their old addresses working."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

SLUG_HELP = _(
    "The last part of the page address. Changed on a public page, the old address "
    "redirects to the new one."
)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    # GOV.UK's withdrawal: the page stays at its address under a notice, and leaves every list.
    WITHDRAWN = "withdrawn", _("Withdrawn")


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

    def at_their_address(self):
        """What the public can open at its own address: what is published, and what was
        withdrawn (shown under its notice, and in no list, feed, sitemap or search)."""
        return self.filter(public_now() | Q(status=Status.WITHDRAWN))

    def awaiting_review(self):
        return self.filter(status=Status.REVIEW)

    def scheduled_changes(self, start, end):
        """(item, moment, goes_live) for each published item that goes live (or else expires)
        in [start, end), in one query."""
        rows = self.filter(
            Q(publish_at__gte=start, publish_at__lt=end)
            | Q(expire_at__gte=start, expire_at__lt=end),
            status=Status.PUBLISHED,
        )
        for row in rows:
            for moment, goes_live in ((row.publish_at, True), (row.expire_at, False)):
                if moment and start <= moment < end:
                    yield row, moment, goes_live


class Publishable(models.Model):
    Status = Status

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_(
            "Draft: only staff see it. In review: a publisher is asked to check it. "
            "Published: public from the publish time on. Withdrawn: still at its address, "
            "under a notice giving the reason, but in no list, search or feed."
        ),
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Empty: public as soon as it is published. A future time schedules it."),
    )
    expire_at = models.DateTimeField(
        _("expire at"),
        null=True,
        blank=True,
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

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.version += 1
        if self.status != Status.WITHDRAWN:
            self.withdrawn_at = None
        elif self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()
        super().save(*args, **kwargs)

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
        return _("Public")


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
        PUBLISHED = "published", _("published")
        SCHEDULED = "scheduled", _("scheduled")
        UNPUBLISHED = "unpublished", _("unpublished")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DELETED = "deleted", _("deleted")
        MAJOR_CHANGE = "major-change", _("published a major change")
        REDIRECT_CREATED = "redirect", _("redirect created")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    item = models.CharField(_("item"), max_length=300, help_text=_("As it was named then."))
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.item}"

    @classmethod
    def record(cls, action, obj, actor=None, detail=""):
        is_user = actor is not None and actor.is_authenticated
        return cls.objects.create(
            action=action,
            actor=actor if is_user else None,
            content_type=ContentType.objects.get_for_model(obj) if obj.pk else None,
            object_id=obj.pk,
            item=str(obj)[:300],
            detail=str(detail)[:300],
        )
