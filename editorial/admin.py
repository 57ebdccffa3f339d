"""The admin side of publishing, shared by news items and programmes.

Editors write drafts and submit them for review; publishers publish, unpublish and schedule.
The form hides what a user may not use and refuses it on the server as well. Every save is
kept by django-simple-history; a save made on a stale copy is refused (optimistic locking).
"""

import difflib
import logging
import re
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from modeltranslation.translator import translator
from simple_history.admin import SimpleHistoryAdmin

from editorial.models import AuditEntry, ChangeNote, Redirect, Status
from editorial.richtext import plain_text

PUBLISHING_FIELDS = ["publish_at", "expire_at"]
CHANGE_NOTE_FIELDS = ["change_kind", "change_note_en", "change_note_ru"]
MINOR, MAJOR = "minor", "major"
# What only publishers may choose, and what editors may then no longer change or delete.
PUBLIC_STATES = (Status.PUBLISHED, Status.WITHDRAWN)

logger = logging.getLogger(__name__)

# Whitespace as Python knows it (U+2028, U+2029, \x0b, \x0c, \x1c–\x1f, \x85…), and controls.
LINE_BREAKS_AND_CONTROLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def one_line(text):
    """The text on one line, each run of spaces, line breaks or control characters one space."""
    return LINE_BREAKS_AND_CONTROLS.sub(" ", str(text)).strip()


class OneLineFieldsForm(forms.ModelForm):
    """A one-line box keeps its text on one line: a pasted title may carry a Unicode line break
    that no page shows and a mail header refuses."""

    def clean(self):
        cleaned_data = super().clean()
        for name, value in cleaned_data.items():
            if isinstance(value, str) and isinstance(self.fields[name].widget, forms.TextInput):
                cleaned_data[name] = one_line(value)
        return cleaned_data


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


class PublishableForm(OneLineFieldsForm):
    """Adds the version the editor started from, and refuses what the user may not do."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Asked of a publisher saving what is public (PublishableAdmin.get_fieldsets shows them).
    change_kind = forms.ChoiceField(
        label=gettext_lazy("Kind of change"),
        choices=[
            (MINOR, gettext_lazy("Minor: a correction readers need not be told of (a typo)")),
            (
                MAJOR,
                gettext_lazy(
                    "Major: readers should know. The note below is shown on the page, and its "
                    "“Last updated” date, the feeds and the API move to now."
                ),
            ),
        ],
        initial=MINOR,
        widget=forms.RadioSelect,
        required=False,
    )
    change_note_en = forms.CharField(
        label=gettext_lazy("Change note [en]"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "One line for readers: what changed, e.g. “Added the 2026 figures.”"
        ),
    )
    change_note_ru = forms.CharField(
        label=gettext_lazy("Change note [ru]"), max_length=300, required=False
    )
    can_publish = False  # set by PublishableAdmin.get_form for each request

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As stored, before this form's data: a change to what readers see may need a note.
        self.was_public = bool(self.instance.pk) and self.instance.is_public
        # From the database, not the instance: when a revision is being restored, the instance
        # is the old copy and carries the old version number.
        model = type(self.instance)
        self.fields["version"].initial = (
            model.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if self.instance.pk
            else 0
        )
        if not self.can_publish and "status" in self.fields:
            status = self.fields["status"]
            status.choices = [
                (value, label) for value, label in status.choices if value not in PUBLIC_STATES
            ]
            status.error_messages["invalid_choice"] = _(
                "Only publishers can publish. Choose “In review” to ask a publisher to check it."
            )

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self.refuse_stale_save(cleaned_data.get("version"))
        self.require_withdrawal_reason(cleaned_data)
        if self.is_major_change() and not cleaned_data.get("change_note_en"):
            self.add_error(
                "change_note_en",
                _("A major change needs a one-line note for readers: say what changed."),
            )
        return cleaned_data

    def is_major_change(self):
        return (
            self.was_public and self.can_publish and self.cleaned_data.get("change_kind") == MAJOR
        )

    def require_withdrawal_reason(self, cleaned_data):
        reasons = [name for name in self.fields if name.startswith("withdrawal_reason")]
        if cleaned_data.get("status") != Status.WITHDRAWN or not reasons:
            return
        if not any(cleaned_data.get(name, "").strip() for name in reasons):
            self.add_error(
                reasons[0],
                _("Say why it is withdrawn: the reason is shown to the public above the page."),
            )

    def refuse_stale_save(self, started_from):
        # The admin wraps the save in a transaction: the lock holds until it commits.
        current = type(self.instance).objects.select_for_update().get(pk=self.instance.pk)
        if started_from is None or started_from == current.version:
            self.instance.version = current.version  # the save counts on from the latest
            return
        self.data = self.data.copy()
        self.data["version"] = current.version  # saving again now replaces their version, knowingly
        raise ValidationError(stale_save_message(current, started_from))


def changes_between(older, newer):
    """(field, old value, new value) for each field two revisions differ in, as editors know
    them: a translated text by language ("title [ru]"), not the untranslated column beside it."""
    model = newer.instance_type
    translated = (
        set(translator.get_options_for_model(model).fields)
        if model in translator.get_registered_models()
        else set()
    )
    for change in newer.diff_against(older).changes:
        if change.field in translated or change.field in ("version", "updated_at"):
            continue
        if not change.old and not change.new:  # empty before and after (None and "")
            continue
        yield model._meta.get_field(change.field), change.old, change.new


def as_text(value):
    """A value as readers see it: rich text without its markup, nothing as nothing."""
    if value is None:
        return ""
    text = str(value)
    return plain_text(text) if "<" in text else text


def marked_changes(old, new):
    """The two values word by word: in the older, what the newer removed is marked <del>; in
    the newer, what it added is marked <ins>. Rich text is compared as its text."""
    old_words, new_words = as_text(old).split(), as_text(new).split()
    older, newer = [], []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = " ".join(old_words[old_start:old_end])
        added = " ".join(new_words[new_start:new_end])
        if operation == "equal":
            older.append(escape(removed))
            newer.append(escape(added))
            continue
        if removed:
            older.append(format_html("<del>{}</del>", removed))
        if added:
            newer.append(format_html("<ins>{}</ins>", added))
    return mark_safe(" ".join(older)), mark_safe(" ".join(newer))  # noqa: S308 - escaped


def site_time(moment, format_name="DATETIME_FORMAT"):
    """A moment as editors read it: in the site's time zone, saying so (date_format alone would
    give the database's UTC)."""
    return _("%(moment)s Tashkent time") % {
        "moment": date_format(timezone.localtime(moment), format_name)
    }


def stale_save_message(current, started_from):
    latest = current.history.first()
    base = current.history.filter(version=started_from).first()
    changed = []
    if base and latest:
        changed = [str(field.verbose_name) for field, _old, _new in changes_between(base, latest)]
    who = (latest.history_user if latest else None) or _("someone else")
    when = site_time(latest.history_date) if latest else ""
    message = _(
        "Your changes were not saved: %(who)s saved this item at %(when)s, after you opened it."
    ) % {"who": who, "when": when}
    if changed:
        message += " " + _("They changed: %(fields)s.") % {"fields": ", ".join(changed)}
    return (
        message
        + " "
        + _(
            "Open the item in a new tab to see their version. If you save this form again, "
            "your version replaces theirs."
        )
    )


def refuse_unless_key(model, value):
    """404 unless value, from an admin address, can be a key of model."""
    try:
        model._meta.pk.to_python(unquote(value))
    except ValidationError as error:
        raise Http404 from error


def send_review_request(*, title, submitted_by, link, recipients):
    try:
        send_mail(
            subject=_("For review: %(title)s") % {"title": one_line(title)},
            message=_(
                "%(user)s submitted “%(title)s” for review.\n\n"
                "Check it and publish it here:\n%(link)s"
            )
            % {"user": submitted_by, "title": title, "link": link},
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:  # any failure of the mailer: the item is saved, only the mail is lost
        logger.exception("The review request for “%s” could not be sent to %s", title, recipients)


def audit_status_change(request, obj, before):
    """Write the workflow action a change of state is into the audit log."""
    after, Action = obj.status, AuditEntry.Action
    detail = ""
    if after == before:
        return
    if after == Status.REVIEW:
        action = Action.SUBMITTED
    elif after == Status.PUBLISHED and obj.publish_at and obj.publish_at > timezone.now():
        action, detail = Action.SCHEDULED, site_time(obj.publish_at)
    elif after == Status.PUBLISHED:
        action = Action.PUBLISHED
    elif after == Status.WITHDRAWN:
        action, detail = Action.WITHDRAWN, obj.withdrawal_reason
    elif before in PUBLIC_STATES:
        action = Action.UNPUBLISHED
    else:
        return
    AuditEntry.record(action, obj, request.user, detail)


class PublishableAdmin(SimpleHistoryAdmin):
    form = PublishableForm
    change_form_template = "admin/editorial/change_form.html"
    object_history_template = "admin/editorial/object_history.html"
    preview_view_class = None  # the public DetailView that shows one object

    # History ------------------------------------------------------------------------------
    # django-simple-history looks the keys in the address up as they are: one that is no key
    # (/admin/news/newsitem/abc/history/) would be a 500.
    def history_view(self, request, object_id, extra_context=None):
        refuse_unless_key(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        refuse_unless_key(self.model, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        refuse_unless_key(history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Permissions --------------------------------------------------------------------------
    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(publish_permission(self.model))

    def has_change_permission(self, request, obj=None):
        if (
            obj is not None
            and obj.status in PUBLIC_STATES
            and not self.has_publish_permission(request)
        ):
            return False  # what is public is changed by publishers; editors may still view it
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and obj.status in PUBLIC_STATES
            and not self.has_publish_permission(request)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_public and self.has_publish_permission(request):
            fieldsets = [
                *fieldsets,
                (gettext_lazy("This change, for readers"), {"fields": CHANGE_NOTE_FIELDS}),
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly += PUBLISHING_FIELDS
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = self.has_publish_permission(request)
        return form

    # Saving -------------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        submitted_for_review = obj.status == Status.REVIEW and (
            not change or "status" in form.changed_data
        )
        major = form.is_major_change()
        if major:
            obj.last_major_change_at = timezone.now()
        status_before = form.initial.get("status") if change else None
        super().save_model(request, obj, form, change)
        audit_status_change(request, obj, status_before)
        if major:
            ChangeNote.objects.create(
                item=obj,
                note_en=form.cleaned_data["change_note_en"],
                note_ru=form.cleaned_data.get("change_note_ru", ""),
                published_at=obj.last_major_change_at,
                made_by=request.user,
            )
            AuditEntry.record(
                AuditEntry.Action.MAJOR_CHANGE,
                obj,
                request.user,
                form.cleaned_data["change_note_en"],
            )
        if submitted_for_review:
            self.notify_publishers(request, obj)

    def notify_publishers(self, request, obj):
        publishers = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(email="")
            .filter(
                Q(is_superuser=True)
                | Q(groups__permissions__codename=f"publish_{self.opts.model_name}")
                | Q(user_permissions__codename=f"publish_{self.opts.model_name}")
            )
            .distinct()
        )
        recipients = [user.email for user in publishers if user.pk != request.user.pk]
        if not recipients:
            return
        link = request.build_absolute_uri(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        )
        # After the commit, so that a relay that is down or refuses the message cannot undo or
        # block the save; the failure is logged instead.
        transaction.on_commit(
            partial(
                send_review_request,
                title=str(obj),
                submitted_by=str(request.user.get_full_name() or request.user),
                link=link,
                recipients=recipients,
            )
        )

    def delete_model(self, request, obj):
        AuditEntry.record(AuditEntry.Action.DELETED, obj, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            AuditEntry.record(AuditEntry.Action.DELETED, obj, request.user)
        super().delete_queryset(request, queryset)

    # Preview ------------------------------------------------------------------------------
    def get_view_on_site_url(self, obj=None):
        # What the public cannot see yet is shown as it will be: "View on site" opens the preview.
        if obj is not None and obj.pk and not obj.is_at_its_address:
            return reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_preview", args=[obj.pk]
            )
        return super().get_view_on_site_url(obj)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview"
        preview = path(
            "<path:object_id>/preview/", self.admin_site.admin_view(self.preview), name=name
        )
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_revisions),
            name=f"{self.opts.app_label}_{self.opts.model_name}_compare",
        )
        return [preview, compare, *super().get_urls()]

    def preview(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        view = self.preview_view_class()
        view.setup(request, slug=obj.slug)
        view.object = obj
        context = view.get_context_data(object=obj)
        context["preview"] = True
        response = TemplateResponse(request, view.get_template_names(), context)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    # Revisions ----------------------------------------------------------------------------
    def compare_revisions(self, request, object_id):
        """Two revisions side by side, field by field: ?older=<history id>&newer=<history id>."""
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        revisions = list(obj.history.select_related("history_user"))
        if not revisions:  # made outside the admin and the ORM's save (a bulk import)
            self.message_user(request, _("This item has no saved revisions to compare yet."))
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", obj.pk)
        for number, revision in enumerate(reversed(revisions), start=1):
            revision.number = number  # as the history page counts them, the first save 1
        by_id = {str(revision.history_id): revision for revision in revisions}
        older = by_id.get(request.GET.get("older"), revisions[-1])
        newer = by_id.get(request.GET.get("newer"), revisions[0])
        changes = [
            {"field": field.verbose_name, "older": marked[0], "newer": marked[1]}
            for field, old, new in changes_between(older, newer)
            for marked in [marked_changes(old, new)]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare revisions of %(item)s") % {"item": obj},
            "opts": self.opts,
            "original": obj,
            "revisions": revisions,
            "older": older,
            "newer": newer,
            "changes": changes,
        }
        return TemplateResponse(request, "admin/editorial/compare.html", context)

    # Lists --------------------------------------------------------------------------------
    @admin.display(description=gettext_lazy("state"), ordering="status")
    def public_state(self, obj):
        state = obj.public_state
        if obj.status == Status.PUBLISHED and obj.publish_at and not obj.is_public:
            return format_html("{} {}", state, site_time(obj.publish_at, "SHORT_DATETIME_FORMAT"))
        return state

    # Actions ------------------------------------------------------------------------------
    @admin.action(
        permissions=["publish"], description=gettext_lazy("Publish the selected items now")
    )
    def publish(self, request, queryset):
        published, refused = 0, []
        for obj in queryset:
            obj.status = Status.PUBLISHED
            try:
                obj.full_clean()
            except ValidationError as error:
                refused.append(f"“{obj}”: {' '.join(error.messages)}")
                continue
            obj._change_reason = "Published from the list"
            before = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            obj.save()
            audit_status_change(request, obj, before)
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("%d item published.", "%d items published.", published) % published,
            )
        if refused:
            self.message_user(
                request,
                _("Not published: %(reasons)s") % {"reasons": " ".join(refused)},
                messages.ERROR,
            )

    @admin.action(
        permissions=["publish"],
        description=gettext_lazy("Unpublish the selected items (back to draft)"),
    )
    def unpublish(self, request, queryset):
        count = 0
        for obj in queryset.filter(status__in=PUBLIC_STATES):
            before, obj.status = obj.status, Status.DRAFT
            obj._change_reason = "Unpublished from the list"
            obj.save()
            audit_status_change(request, obj, before)
            count += 1
        self.message_user(
            request, ngettext("%d item unpublished.", "%d items unpublished.", count) % count
        )


class ProtectedWhileInNewsMixin:
    """Refuses to delete what news items still link to (a country, programme or thematic area):
    the news would lose the link silently otherwise."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            protected += [
                _("News item “%(title)s” links to %(name)s") % {"title": item, "name": obj}
                for item in obj.news_items.all()
            ]
        return deleted, counts, perms_needed, protected


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "destination", "automatic", "created_at"]
    list_filter = ["automatic"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "new_path"]

    @admin.display(description=gettext_lazy("leads to"), ordering="new_path")
    def destination(self, redirect):
        return redirect.new_path or _("410 Gone: the page was removed")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            AuditEntry.record(AuditEntry.Action.REDIRECT_CREATED, obj, request.user, str(obj))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log: read by anyone who may view it, written by the site alone."""

    list_display = ["at", "actor", "action", "item_link", "detail"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter), "at"]
    date_hierarchy = "at"
    search_fields = ["item", "detail"]
    list_select_related = ["actor", "content_type"]

    @admin.display(description=gettext_lazy("item"), ordering="item")
    def item_link(self, entry):
        if entry.content_type is None or entry.action == AuditEntry.Action.DELETED:
            return entry.item
        url = reverse(
            f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
            args=[entry.object_id],
        )
        return format_html('<a href="{}">{}</a>', url, entry.item)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
