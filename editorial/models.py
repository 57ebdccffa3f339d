"""What news items and programmes share: a publishing state, a schedule and a version counter."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: every page, list, feed and sitemap goes through this.

        A scheduled item becomes public at publish_at and leaves at expire_at by this comparison
        alone, with no job to run.
        """
        now = timezone.now()
        return self.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=now),
            Q(expire_at__isnull=True) | Q(expire_at__gt=now),
            status=Status.PUBLISHED,
        )

    def awaiting_review(self):
        return self.filter(status=Status.REVIEW)


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
            "Published: public from the publish time on."
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
