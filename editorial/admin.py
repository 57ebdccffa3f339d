"""The admin side of publishing, shared by everything the public reads.

Each form's buttons are the workflow's actions (editorial/workflow.py decides who may take
which, and refuses a crafted POST on the server). An edit of something live is kept as a Draft
over it until it is approved and published (docs/editorial-workflow.md). Every save of a row is
kept by django-simple-history; a save made on a stale copy is refused (optimistic locking).
"""

import difflib
from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext
from modeltranslation.translator import translator
from simple_history.admin import SimpleHistoryAdmin

from editorial import mail, schedule, workflow
from editorial.addresses import in_language, public_addresses
from editorial.changes import invalidate
from editorial.models import (
    LIVE_STATES,
    AuditEntry,
    ChangeNote,
    Draft,
    DraftRevision,
    Publishable,
    Redirect,
    Status,
    child_fields,
    child_relation,
    child_rows,
    content_fields,
    is_site_path,
    related_fields,
)
from editorial.richtext import RichTextModelField, links_in, plain_text
from editorial.text import one_line, site_time
from editorial.workflow import Action

PUBLISHING_FIELDS = ["publish_at", "expire_at"]
CHANGE_NOTE_FIELDS = ["change_kind", "change_note_en", "change_note_ru"]
REVIEW_FIELDS = ["comment"]
# Asked of a publisher of something live: when its draft changes go live, with "Schedule".
CHANGES_SCHEDULE_FIELDS = ["changes_go_live_at"]
# Actions that change only the work: a live row stays as it is.
EDITS_ONLY = {Action.SAVE, Action.SUBMIT, Action.REQUEST_CHANGES}
DRAFT_STATES = dict(Draft._meta.get_field("state").choices)
MINOR, MAJOR = "minor", "major"
# What editors may no longer delete.
PUBLIC_STATES = LIVE_STATES


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
    """The item's fields, the version the editor started from and the workflow's action (the
    button pressed, with its comment); refuses, with a sentence, what the user may not do."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The buttons of the form (templates/admin/editorial/change_form.html) send it.
    action = forms.ChoiceField(choices=Action.choices, required=False)
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy(
            "With “Request changes”: what should change. With “Approve and publish” or "
            "“Submit for review”: anything the others should know. With “Publish without "
            "review”: the reason. Kept on the item’s timeline for everyone working on it."
        ),
    )
    unpublish_to = forms.CharField(
        label=gettext_lazy("When unpublished, send readers to"),
        max_length=300,
        required=False,
        help_text=gettext_lazy(
            "Optional, with “Unpublish”: a page of this site that replaces it, such as "
            "/en/news/new-title/ (the Russian address follows). Empty: its address says the "
            "page was removed (410 Gone)."
        ),
    )
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
    changes_go_live_at = forms.SplitDateTimeField(
        label=gettext_lazy("Publish the changes at"),
        widget=widgets.AdminSplitDateTime,
        required=False,
        help_text=gettext_lazy(
            "With “Schedule”: the draft changes go live at this time (Tashkent time); until "
            "then the public sees the live version. Any edit of the draft cancels the schedule."
        ),
    )
    # Set by PublishableAdmin.get_form for each request.
    can_publish = False
    user = None
    restoring = False  # the form holds an old revision: all of it replaces the current one
    # Changing these changes no text readers see: they are the workflow's.
    not_content = {
        "version",
        "action",
        "comment",
        "unpublish_to",
        *CHANGE_NOTE_FIELDS,
        *CHANGES_SCHEDULE_FIELDS,
        *PUBLISHING_FIELDS,
    }

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
        draft = getattr(self.instance, "draft", None)
        if "changes_go_live_at" in self.fields and workflow.is_scheduled_draft(draft):
            self.fields["changes_go_live_at"].initial = draft.publish_at
        self.stored = None

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self.stored = self.refuse_stale_save(cleaned_data.get("version"))
        self.action = Action(cleaned_data.get("action") or Action.SAVE)
        self.content_changed = (
            self.restoring
            or any(
                name not in self.not_content and not name.startswith("withdrawal_reason")
                for name in self.changed_data
            )
            or any(formset.has_changed() for formset in self.draft_formsets())
        )
        comment = cleaned_data["comment"] = cleaned_data.get("comment", "").strip()
        refused = workflow.refusal(
            self.action,
            self.stored,
            self.user,
            can_publish=self.can_publish,
            changed=self.content_changed,
            comment=comment,
            publish_at=self.go_live_at(),
        )
        if refused:
            raise ValidationError(refused)
        self.require_withdrawal_reason(cleaned_data)
        unpublish_to = cleaned_data.get("unpublish_to", "").strip()
        if self.action == Action.UNPUBLISH and unpublish_to and not is_site_path(unpublish_to):
            self.add_error(
                "unpublish_to",
                _("Give a page of this site: a path starting with one “/”, such as /en/news/."),
            )
        if self.is_major_change() and not cleaned_data.get("change_note_en"):
            self.add_error(
                "change_note_en",
                _("A major change needs a one-line note for readers: say what changed."),
            )
        return cleaned_data

    @property
    def is_live(self):
        return self.stored is not None and self.stored.is_live

    def go_live_at(self):
        """When the work goes live: the row's publish time, or over something live, the time
        its draft changes go live."""
        name = "changes_go_live_at" if self.is_live else "publish_at"
        return self.cleaned_data.get(name)

    def draft_formsets(self):
        """The inlines of a live item, whose rows go to its draft (DraftChildrenFormSet
        registers itself on the instance the admin gives both)."""
        return getattr(self.instance, "draft_formsets", [])

    def edited_children(self):
        """{accessor: rows} of the inlines edited in this POST (once they are valid)."""
        return {
            formset.accessor: formset.draft_rows()
            for formset in self.draft_formsets()
            if formset.has_changed()
        }

    def is_major_change(self):
        return (
            self.was_public
            and self.action in workflow.GOES_LIVE
            and self.cleaned_data.get("change_kind") == MAJOR
        )

    def links(self):
        """{link field: keys} as the form leaves them (a field not in the form, as it was)."""
        return {
            field.name: [
                obj.pk
                for obj in (
                    self.cleaned_data[field.name]
                    if field.name in self.cleaned_data
                    else getattr(self.instance, field.name).all()
                )
            ]
            for field in related_fields(type(self.instance))
        }

    def require_withdrawal_reason(self, cleaned_data):
        reasons = [name for name in self.fields if name.startswith("withdrawal_reason")]
        if self.action != Action.WITHDRAW or not reasons:
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
            return current
        self.data = self.data.copy()
        self.data["version"] = current.version  # saving again now replaces their version, knowingly
        raise ValidationError(stale_save_message(current, started_from))


# What the workflow keeps for itself: not a difference editors look for between revisions.
NOT_COMPARED = {
    "version",
    "updated_at",
    "edited_by",
    "submitted_by",
    "submitted_at",
    "forced_by",
    "forced_at",
}


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
        if change.field in translated or change.field in NOT_COMPARED:
            continue
        if not change.old and not change.new:  # empty before and after (None and "")
            continue
        field = model._meta.get_field(change.field)
        if field.many_to_one:  # a revision keeps the key: name what it points to
            yield field, related_name(field, change.old), related_name(field, change.new)
            continue
        yield field, change.old, change.new


def related_name(field, key):
    if key in (None, ""):
        return ""
    related = field.related_model._default_manager.filter(pk=key).first()
    return str(related) if related is not None else _("(deleted: %(key)s)") % {"key": key}


def draft_changes(live, drafted):
    """(field, live value, draft value) for each field a draft changes as readers see it
    (not a change of markup alone, such as &#x27; for '), links and inlines included."""
    model = type(live)
    for field in content_fields(model):
        if not field.editable:
            continue
        old, new = (shown_value(obj, field) for obj in (live, drafted))
        if as_text(old).split() != as_text(new).split():
            yield field, old, new
    for field in related_fields(model):
        old, new = (
            ", ".join(sorted(str(related) for related in getattr(obj, field.name).all()))
            for obj in (live, drafted)
        )
        if old != new:
            yield field, old, new
    draft = getattr(drafted, "draft", None)
    for accessor in draft.children() if draft else {}:
        relation = child_relation(model, accessor)
        old, new = (
            "; ".join(child_text(relation, child) for child in getattr(obj, accessor).all())
            for obj in (live, drafted)
        )
        if old != new:
            yield (
                SimpleNamespace(verbose_name=relation.related_model._meta.verbose_name_plural),
                old,
                new,
            )


def child_text(relation, child):
    """One child row in words: a signatory's name, title and country, not its position."""
    return ", ".join(
        value
        for field in child_fields(relation)
        if field.name != "position"
        for value in [shown_value(child, field)]
        if value
    )


def shown_value(obj, field):
    if field.is_relation:
        return str(getattr(obj, field.name) or "")
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = field.value_from_object(obj)
    return str(getattr(value, "name", value) or "")


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


class WorkFilter(admin.SimpleListFilter):
    """Where the work stands, a draft over something live included (the state filter sees the
    live row only)."""

    title = gettext_lazy("work in progress")
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [
            (Status.REVIEW, gettext_lazy("Submitted for review")),
            (Status.CHANGES, gettext_lazy("Changes requested")),
            ("pending", gettext_lazy("Live, with draft changes pending")),
            (Draft.SCHEDULED, gettext_lazy("Live, with draft changes scheduled")),
            ("unreviewed", gettext_lazy("Published without review")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in (Status.REVIEW, Status.CHANGES, Draft.SCHEDULED):
            return queryset.with_work_in_state(value)
        if value == "pending":
            return queryset.filter(drafts__isnull=False)
        if value == "unreviewed":
            return queryset.force_published()
        return queryset


class PublishableAdmin(SimpleHistoryAdmin):
    form = PublishableForm
    change_form_template = "admin/editorial/change_form.html"
    object_history_template = "admin/editorial/object_history.html"
    preview_view_class = None  # the public DetailView that shows one object, if it has a page
    history_list_display = [gettext_noop("Revision")]
    # Django's 100 rows took most of the change list's time at 100,000 items, and counting
    # every row for "N total" beside the filtered count 12 ms more (docs/deploy.md).
    list_per_page = 50
    show_full_result_count = False

    # History ------------------------------------------------------------------------------
    # django-simple-history looks the keys in the address up as they are: one that is no key
    # (/admin/news/newsitem/abc/history/) would be a 500.
    def history_view(self, request, object_id, extra_context=None):
        refuse_unless_key(self.model, object_id)
        item = self.model._default_manager.filter(pk=unquote(object_id)).first()
        extra_context = {
            **(extra_context or {}),
            "draft_revisions": DraftRevision.of(item) if item is not None else [],
        }
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        """Number the revisions (the first save is #1) and say what each changed as the compare
        page does: each field once, with its language, rich text as text, nothing cut off."""
        records = list(historical_records)
        if hasattr(historical_records, "start_index"):  # a page, newest first
            newest = historical_records.paginator.count - historical_records.start_index() + 1
        else:
            newest = len(records)
        for offset, record in enumerate(records):
            record.Revision = f"#{newest - offset}"  # the column history_list_display names
            if record.history_change_reason in Action.values:  # saved by the admin's workflow
                record.history_change_reason = Action(record.history_change_reason).label
        for newer, older in zip(records, records[1:], strict=False):
            newer.history_delta_changes = [
                {"field": field.verbose_name, "old": marked[0], "new": marked[1]}
                for field, old, new in changes_between(older, newer)
                for marked in [marked_changes(old, new)]
            ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        refuse_unless_key(self.model, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        refuse_unless_key(history.model, version_id)
        # Restoring makes a new draft (over a live item, a Draft): never a live change.
        request.restoring_revision = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Permissions --------------------------------------------------------------------------
    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(publish_permission(self.model))

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and obj.status in PUBLIC_STATES
            and not self.has_publish_permission(request)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        can_publish = self.has_publish_permission(request)
        review = [
            *REVIEW_FIELDS,
            *(
                ["unpublish_to", *CHANGES_SCHEDULE_FIELDS]
                if can_publish and obj and obj.is_live
                else []
            ),
        ]
        if obj is not None and obj.is_public and can_publish:
            fieldsets.append(
                (gettext_lazy("This change, for readers"), {"fields": CHANGE_NOTE_FIELDS})
            )
        if obj is not None and rich_text_columns(obj):
            review.append("links_not_public")
        fieldsets.append((gettext_lazy("Review"), {"fields": review}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            *super().get_readonly_fields(request, obj),
            "workflow_state",
            "links_not_public",
        ]
        if not self.has_publish_permission(request):
            readonly += PUBLISHING_FIELDS
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = self.has_publish_permission(request)
        form.user = request.user
        form.restoring = getattr(request, "restoring_revision", False)
        return form

    def get_object(self, request, object_id, from_field=None):
        """The item as its editors work on it: a live row with the draft over it applied."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and obj.is_live:
            draft = Draft.of(obj)
            obj = draft.applied_to(obj) if draft else obj
        return obj

    def get_queryset(self, request):
        return super().get_queryset(request).with_draft_state()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        stored = None if obj is None else type(obj)._default_manager.get(pk=obj.pk)
        context["workflow_actions"] = workflow.actions_for(
            stored, request.user, self.has_publish_permission(request)
        )
        context["draft"] = getattr(obj, "draft", None)
        context["has_preview"] = self.preview_view_class is not None
        context["timeline"] = AuditEntry.timeline(obj)[:50] if obj is not None else []
        return super().render_change_form(request, context, add, change, form_url, obj)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's "… was changed successfully" says nothing of what the button did.
        said = getattr(request, "workflow_message", None)
        if said and level == messages.SUCCESS:
            message, request.workflow_message = said, None
        super().message_user(request, message, level, *args, **kwargs)

    # Saving -------------------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        action, user = form.action, request.user
        comment = form.cleaned_data.get("comment", "")
        stored = form.stored
        major = form.is_major_change()
        if stored is not None and stored.is_live:
            draft = Draft.of(stored)
            if form.content_changed:
                draft = workflow.save_draft(stored, obj, form.links(), user, form.edited_children())
            item, work = stored, draft
            if self.has_publish_permission(request):
                for name in PUBLISHING_FIELDS:  # the schedule is the publisher's, not a draft's
                    setattr(item, name, getattr(obj, name))
            if action == Action.WITHDRAW:
                for field in type(item)._meta.concrete_fields:
                    if field.name.startswith("withdrawal_reason"):
                        setattr(item, field.attname, getattr(obj, field.attname))
            # Its links go live with the draft (the admin, and the restore view, call this next).
            form.save_m2m = lambda: None
        else:
            item = work = obj
            if stored is not None:  # the workflow's fields as stored, not as a restored revision
                for field in Publishable._meta.local_fields:
                    if field.name not in form.fields and field.name != "version":
                        setattr(obj, field.attname, getattr(stored, field.attname))
            if form.content_changed or not change:
                obj.edited_by = user
        when = form.go_live_at()
        # Draft changes over something live, to go live later: the row stays as it is.
        later = isinstance(work, Draft) and action in (Action.SCHEDULE, Action.UNSCHEDULE)
        detail = site_time(when) if action == Action.SCHEDULE and when else ""
        entries = workflow.take(action, item, work, user, comment, detail, publish_at=when)
        if major and later:  # published with the changes, when they go live
            work.change_note_en = form.cleaned_data["change_note_en"]
            work.change_note_ru = form.cleaned_data.get("change_note_ru", "")
            major = False
        if major:
            item.last_major_change_at = timezone.now()
        addresses = public_addresses(type(item), item.pk) if action == Action.UNPUBLISH else {}
        item._change_reason = action.value  # the history names the action (not its label)
        if item is obj:
            super().save_model(request, obj, form, change)
        elif later:
            work.save()
            if any(name in form.changed_data for name in PUBLISHING_FIELDS):
                item.save()
            # The next scheduled change may be this one: known now, and again after the commit.
            invalidate()
            transaction.on_commit(invalidate)
            if action == Action.SCHEDULE:
                schedule.enqueue_at(when)
        elif action in workflow.GOES_LIVE and work is not None:
            workflow.publish_draft(item, work)
        else:
            if isinstance(work, Draft) and action != Action.SAVE:
                work.save()  # its new state (a SAVE stored it already)
            schedule_changed = any(name in form.changed_data for name in PUBLISHING_FIELDS)
            if action not in EDITS_ONLY or schedule_changed:
                item.save()
        if action == Action.UNPUBLISH:
            self.redirect_unpublished(form.cleaned_data.get("unpublish_to", ""), addresses)
        if major:
            ChangeNote.objects.create(
                item=item,
                note_en=form.cleaned_data["change_note_en"],
                note_ru=form.cleaned_data.get("change_note_ru", ""),
                published_at=item.last_major_change_at,
                made_by=user,
            )
            entries.append(
                (AuditEntry.Action.MAJOR_CHANGE, form.cleaned_data["change_note_en"], "")
            )
        AuditEntry.record_each(entries, item, user)
        request.workflow_message = self.done_message(
            action, item, bool(work) and item is not obj, when
        )
        self.notify(request, action, item, work, comment, when)

    def redirect_unpublished(self, target, addresses):
        """Point the unpublished item's addresses (410 Gone by now) where the publisher said."""
        if not target:
            return
        for language, old in addresses.items():
            Redirect.objects.update_or_create(
                old_path=old,
                defaults={"new_path": in_language(target, language), "automatic": False},
            )

    def done_message(self, action, item, drafted, when=None):
        name = {"item": item, "when": site_time(when) if when else ""}
        if action == Action.SCHEDULE and drafted:
            return (
                _(
                    "The draft changes to “%(item)s” are approved and scheduled: they go live "
                    "at %(when)s. Until then the public sees the live version."
                )
                % name
            )
        if action == Action.SAVE and drafted:
            return (
                _(
                    "Your changes to “%(item)s” are saved as a draft: the public still sees the "
                    "live version. Submit them for review when they are ready."
                )
                % name
            )
        messages_for = {
            Action.SAVE: _("“%(item)s” is saved as a draft."),
            Action.SUBMIT: _("“%(item)s” is submitted for review: the publishers are told."),
            Action.REQUEST_CHANGES: _(
                "Changes to “%(item)s” are requested: whoever submitted it is told, with your "
                "comment."
            ),
            Action.PUBLISH: _("“%(item)s” is approved and live."),
            Action.SCHEDULE: _("“%(item)s” is approved and scheduled: it goes live at %(when)s."),
            Action.UNSCHEDULE: _(
                "The schedule of the draft changes to “%(item)s” is cancelled: they are back "
                "in review, and the public sees the live version."
            ),
            Action.FORCE_PUBLISH: _(
                "“%(item)s” is live without review: it is listed on the dashboard until a "
                "second person approves it."
            ),
            Action.APPROVE_LATER: _("“%(item)s” is approved: a second person has reviewed it."),
            Action.WITHDRAW: _(
                "“%(item)s” is withdrawn: it stays at its address under the notice, and has "
                "left the lists, search and feeds."
            ),
            Action.UNPUBLISH: _(
                "“%(item)s” is unpublished: its address leads where you said, or answers "
                "“410 Gone”."
            ),
        }
        if action == Action.SCHEDULE:
            name["when"] = site_time(item.publish_at) if item.publish_at else ""
        return messages_for[action] % name

    def notify(self, request, action, item, work, comment, when=None):
        link = request.build_absolute_uri(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[item.pk])
        )
        actor = str(request.user.get_full_name() or request.user)
        if action == Action.SUBMIT:
            mail.review_requested(item, self.model, actor, link, exclude=request.user)
        elif action in (Action.REQUEST_CHANGES, *workflow.GOES_LIVE) and work is not None:
            submitter = work.submitted_by
            if submitter and submitter.pk != request.user.pk:
                mail.work_returned(item, action, actor, link, comment, submitter, when)

    def save_formset(self, request, form, formset, change):
        if getattr(formset, "goes_to_draft", False):  # kept in the draft by save_model
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)

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
        if self.preview_view_class is None:  # no page of its own (a thematic area, a figure)
            return None
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
        compare_draft = path(
            "<path:object_id>/draft/compare/",
            self.admin_site.admin_view(self.compare_draft),
            name=f"{self.opts.app_label}_{self.opts.model_name}_compare_draft",
        )
        restore_draft = path(
            "<path:object_id>/draft/revisions/<str:revision_id>/restore/",
            self.admin_site.admin_view(self.restore_draft_revision),
            name=f"{self.opts.app_label}_{self.opts.model_name}_restore_draft",
        )
        return [preview, compare, compare_draft, restore_draft, *super().get_urls()]

    def preview(self, request, object_id):
        if self.preview_view_class is None:
            raise Http404
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

    def compare_draft(self, request, object_id):
        """Draft changes beside the live version, field by field: the draft's (by default),
        a draft revision's (?revision=<id>), or two draft revisions' (?older=<id>&newer=<id>)."""
        refuse_unless_key(self.model, object_id)
        live = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if live is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, live):
            raise PermissionDenied
        revisions = {str(revision.pk): revision for revision in DraftRevision.of(live)}
        asked = [request.GET.get(name) for name in ("older", "newer", "revision")]
        if any(key is not None and key not in revisions for key in asked):
            raise Http404(_("There is no such draft revision of this item."))
        older_key, newer_key, revision_key = asked
        older, older_label = live, _("Live version")
        if older_key and newer_key:
            older = revisions[older_key].as_draft().applied_to(live)
            older_label = draft_revision_label(revisions[older_key])
            newer, newer_label = revisions[newer_key], None
        elif revision_key:
            newer, newer_label = revisions[revision_key], None
        else:
            newer = Draft.of(live)
            if newer is None:
                self.message_user(request, _("There is no draft over the live version to compare."))
                return redirect(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", live.pk
                )
            newer_label = _("Draft (last saved by %(who)s)") % {
                "who": newer.edited_by or _("someone")
            }
        if isinstance(newer, DraftRevision):
            newer_label = draft_revision_label(newer)
            newer = newer.as_draft()
        changes = [
            {"field": field.verbose_name, "older": marked[0], "newer": marked[1]}
            for field, old, new in draft_changes(older, newer.applied_to(live))
            for marked in [marked_changes(old, new)]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Draft changes to %(item)s") % {"item": live},
            "opts": self.opts,
            "original": live,
            "older_label": older_label,
            "newer_label": newer_label,
            "changes": changes,
        }
        return TemplateResponse(request, "admin/editorial/compare_draft.html", context)

    def restore_draft_revision(self, request, object_id, revision_id):
        """POST: make a draft revision the draft again; the public still sees the live version."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        refuse_unless_key(self.model, object_id)
        live = self.model._default_manager.filter(pk=unquote(object_id)).first()
        if live is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, live):
            raise PermissionDenied
        revision = next((r for r in DraftRevision.of(live) if str(r.pk) == revision_id), None)
        if revision is None or not live.is_live:
            raise Http404(_("There is no such draft revision of this item."))
        workflow.restore_draft(live, revision, request.user)
        label = draft_revision_label(revision)
        AuditEntry.record(AuditEntry.Action.DRAFT_RESTORED, live, request.user, label)
        self.message_user(
            request,
            _(
                "%(revision)s is the draft again: the public still sees the live version. "
                "Submit it for review when it is ready."
            )
            % {"revision": label},
            messages.SUCCESS,
        )
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", live.pk)

    # Lists --------------------------------------------------------------------------------
    @admin.display(description=gettext_lazy("state"), ordering="status")
    def public_state(self, obj):
        return workflow_state_text(obj, getattr(obj, "draft_state", None))

    @admin.display(description=gettext_lazy("Links readers see as plain text"))
    def links_not_public(self, obj):
        """Links in the text to items that are not public (a draft, withdrawn, unpublished):
        readers get the words without the link until the item is public again."""
        texts = [getattr(obj, name) for name in rich_text_columns(obj)]
        hidden = [
            (words, item, item.public_state)
            for item, words, public in links_in(texts)
            if not public
        ]
        if not hidden:
            return _("None: every link to this site's items in the text leads to a public page.")
        return format_html_join(mark_safe("<br>"), "“{}” → {} ({})", hidden)

    @admin.display(description=gettext_lazy("state"))
    def workflow_state(self, obj):
        if obj is None or obj.pk is None:
            return Status.DRAFT.label
        draft = getattr(obj, "draft", None)
        return workflow_state_text(obj, draft.state if draft else None)

    # Actions ------------------------------------------------------------------------------
    @admin.action(
        permissions=["publish"],
        description=gettext_lazy("Approve and publish the selected items (or their drafts)"),
    )
    def publish(self, request, queryset):
        published, refused = 0, []
        for obj in queryset:
            future = obj.publish_at is not None and obj.publish_at > timezone.now()
            action = Action.SCHEDULE if future and not obj.is_live else Action.PUBLISH
            reason = workflow.refusal(
                action,
                obj,
                request.user,
                can_publish=True,
                changed=False,
                comment="",
                publish_at=obj.publish_at,
            )
            work = workflow.work_on(obj)
            entries = [] if reason else workflow.take(action, obj, work, request.user)
            if not reason and work is obj:
                try:
                    obj.full_clean()
                except ValidationError as error:
                    reason = " ".join(error.messages)
            if reason:
                refused.append(f"“{obj}”: {reason}")
                continue
            obj._change_reason = "Published from the list"
            if work is obj:
                obj.save()
            else:
                workflow.publish_draft(obj, work)
            AuditEntry.record_each(entries, obj, request.user)
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
        description=gettext_lazy("Unpublish the selected items (their addresses answer 410 Gone)"),
    )
    def unpublish(self, request, queryset):
        count = 0
        for obj in queryset.filter(status__in=LIVE_STATES):
            entries = workflow.take(Action.UNPUBLISH, obj, obj, request.user)
            obj._change_reason = "Unpublished from the list"
            obj.save()
            AuditEntry.record_each(entries, obj, request.user)
            count += 1
        self.message_user(
            request, ngettext("%d item unpublished.", "%d items unpublished.", count) % count
        )


def draft_revision_label(revision):
    return _("Draft revision %(number)s (%(when)s, by %(who)s)") % {
        "number": revision.number,
        "when": site_time(revision.saved_at),
        "who": revision.saved_by or _("someone"),
    }


def rich_text_columns(obj):
    """The names of the item's rich-text columns, one per language."""
    return [
        field.name
        for field in obj._meta.concrete_fields
        if isinstance(field, RichTextModelField) and getattr(field, "language", None)
    ]


def workflow_state_text(item, draft_state=None):
    """The state as editors name it: Draft, Submitted for review, Changes requested, Scheduled
    (with the time), Live (with "draft changes pending"), Withdrawn or Unpublished."""
    state = item.public_state
    parts = [str(state)]
    if item.status == Status.PUBLISHED and item.publish_at and item.publish_at > timezone.now():
        parts = [f"{state} {site_time(item.publish_at, 'SHORT_DATETIME_FORMAT')}"]
    if draft_state:
        pending = _("draft changes pending")
        if draft_state != Status.DRAFT:
            pending = f"{pending} ({DRAFT_STATES[draft_state].lower()})"
        parts.append(pending)
    if item.forced_at:
        parts.append(_("not yet reviewed by a second person"))
    return " · ".join(parts)


class DraftChildrenFormSet(BaseInlineFormSet):
    """An inline of something live (a live programme's signatories): its rows are part of the
    draft. Over a draft that has them, the forms show the draft's rows; what is posted is kept
    in the draft (PublishableAdmin.save_model), and publishing the draft replaces the rows."""

    def __init__(self, data=None, files=None, instance=None, queryset=None, **kwargs):
        self.accessor = self.fk.remote_field.get_accessor_name()
        self.goes_to_draft = instance is not None and instance.pk and instance.is_live
        draft = getattr(instance, "draft", None) if self.goes_to_draft else None
        self.drafted = draft.children().get(self.accessor) if draft else None
        if self.drafted is not None:
            fields = child_fields(instance._meta.get_field(self.accessor))
            queryset = self.model._default_manager.none()
            kwargs["initial"] = [
                {field.name: row.get(field.attname) for field in fields} for row in self.drafted
            ]
            self.extra = len(self.drafted)
        super().__init__(data, files, instance, queryset=queryset, **kwargs)
        if self.goes_to_draft:
            instance.draft_formsets = [*getattr(instance, "draft_formsets", []), self]

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if self.drafted is not None and i < len(self.drafted):
            form.empty_permitted = False  # a drafted row, not a blank extra form
        return form

    def draft_rows(self):
        kept = [
            form.instance
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not (self.can_delete and self._should_delete_form(form))
        ]
        relation = self.instance._meta.get_field(self.accessor)
        return child_rows(relation, kept)


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
