"""Rich text: what editors may write in bodies and descriptions, and nothing more.

The editor (django-prose-editor) offers exactly these extensions and nh3 cleans saved HTML to the
matching allow-list, so script, style, event-handler attributes and javascript: links are dropped.

Three things are stored as references and turned into markup when a page is served
(docs/rich-text.md): a link to one of the site's own items
(`<a href=… data-ref="news.newsitem:42">`, its address read at request time, plain text while
the item is not public), an image from the media library (`<img data-file="7" alt=…>`, its
renditions chosen at request time) and a table (its first row a header row, marked up for
screen readers).
"""

import html
import re
from urllib.parse import urlsplit

import lxml.html
import nh3
from django.apps import apps
from django.conf import settings
from django.urls import Resolver404, resolve, reverse_lazy
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_prose_editor.config import allowlist_from_extensions
from django_prose_editor.fields import ProseEditorField
from django_prose_editor.widgets import AdminProseEditorWidget

from editorial.changes import kept_each_until_content_changes

EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # "Link to an item of this site": a search of the site's items (static/editorial/site_link.js).
    "SiteLink": {"pickerUrl": reverse_lazy("admin:link_picker")},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # Images come from the media library: the figure dialog's "Browse…" opens its picker.
    "Figure": {"pickerUrl": reverse_lazy("admin:images_image_picker")},
    "Caption": True,
    "Image": True,
    "History": True,
}

_allowed = allowlist_from_extensions(EXTENSIONS)
# What is stored may also carry the reference a site link resolved to; the editor's own
# cleaner (the form field's) never lets one through from the browser.
_allowed["attributes"] = {**_allowed["attributes"], "a": {*_allowed["attributes"]["a"], "data-ref"}}
_stored_cleaner = nh3.Cleaner(**_allowed)

DATA_REF = "data-ref"
DATA_FILE = "data-file"


def sanitize(html_text):
    return _stored_cleaner.clean(html_text or "")


def plain_text(html_text):
    """The words of rich text without its tags. nh3 parses any input; Django's striptags hands
    it to html.parser, which raises on some (`<![>`)."""
    return html.unescape(nh3.clean(html_text or "", tags=set()))


def paragraphs_to_html(text):
    """Plain text with blank lines between paragraphs, as the seed documents are, to <p> HTML."""
    paragraphs = (" ".join(p.split()) for p in text.split("\n\n"))
    # As the sanitiser writes it (' not &#x27;): an untouched form saves it unchanged.
    return sanitize("".join(f"<p>{escape(p)}</p>" for p in paragraphs if p))


# Parsing ------------------------------------------------------------------------------------


def _fragment(html_text):
    return lxml.html.fragment_fromstring(html_text or "", create_parent="div")


# Void in HTML5, but not in libxml2's HTML 4 list: it writes an end tag, which HTML forbids.
HTML5_VOID_END_TAGS = re.compile(r"</(?:source|track|wbr)>")


def _serialise(root):
    inner = (root.text and escape(root.text)) or ""
    return inner + "".join(
        HTML5_VOID_END_TAGS.sub("", lxml.html.tostring(child, encoding="unicode", method="html"))
        for child in root
    )


# Links to the site's own items ---------------------------------------------------------------


def linkable_models():
    """The models whose public pages a body may link to: those naming their page's URL."""
    return [model for model in apps.get_models() if getattr(model, "public_url_name", None)]


def reference(item):
    return f"{item._meta.label_lower}:{item.pk}"


def _model_and_pk(ref):
    label, _sep, pk = (ref or "").partition(":")
    model = next((m for m in linkable_models() if m._meta.label_lower == label), None)
    return (model, int(pk)) if model and pk.isdigit() else (None, None)


def _site_hosts():
    return {host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"}


def site_item(href):
    """The item of this site an address names (news, programme, page, …, any state), or None:
    `/en/news/slug/`, `/ru/…`, the same with this site's host, or an old address that now
    redirects to one."""
    parts = urlsplit((href or "").strip())
    if parts.scheme not in ("", "http", "https"):
        return None
    if parts.netloc and (parts.hostname or "") not in _site_hosts():
        return None
    languages = [code for code, _name in settings.LANGUAGES]
    match = re.match(r"^/([a-z]{2})/", parts.path)
    if not match or match.group(1) not in languages:
        return None
    return _item_at(parts.path, match.group(1)) or _item_at(_redirected(parts.path), None)


def _redirected(path):
    redirect = apps.get_model("editorial", "Redirect")
    return redirect.objects.filter(old_path=path).values_list("new_path", flat=True).first()


def _item_at(path, language):
    if not path:
        return None
    language = language or path.split("/")[1]
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            match = None
    for model in linkable_models():
        if match and match.view_name == model.public_url_name:
            return model.from_public_url(match.kwargs)
    for model in linkable_models():  # an item not at its address yet (a page's draft)
        if item := model.from_unresolved_path(path.split("/", 2)[2]):
            return item
    return None


def _targets(refs, queryset_of):
    """{ref: item} for the references, one query per kind of item."""
    wanted = {}
    for ref in refs:
        model, pk = _model_and_pk(ref)
        if model:
            wanted.setdefault(model, set()).add(pk)
    found = {}
    for model, pks in wanted.items():
        for item in queryset_of(model).filter(pk__in=pks):
            found[reference(item)] = item
    return found


def _links(root):
    return [a for a in root.iter("a") if a.get(DATA_REF)]


# Images --------------------------------------------------------------------------------------

# Set by the media library (images/apps.py): editorial knows nothing of images.
image_hooks = {"store": None, "render": None, "refresh": None}


# Tables --------------------------------------------------------------------------------------


def _tables_with_header_rows(root):
    """Every table's first row as its header: a pasted table (Word's have none) keeps its
    cells, and a screen reader can announce each cell with its column's heading."""
    for table in root.iter("table"):
        first = next(table.iter("tr"), None)
        if first is None:
            continue
        for cell in first:
            cell.tag = "th"


def _accessible_tables(root):
    """A header row in <thead>, its cells scope="col"; the table in a region that scrolls on
    a phone and can be reached with the keyboard."""
    for table in list(root.iter("table")):
        rows = list(table.iter("tr"))
        if rows and all(cell.tag == "th" for cell in rows[0]):
            head = lxml.html.Element("thead")
            rows[0].getparent().remove(rows[0])
            head.append(rows[0])
            table.insert(0, head)
            for cell in rows[0]:
                cell.set("scope", "col")
        for row in rows[1:]:
            if len(row) and row[0].tag == "th":
                row[0].set("scope", "row")
        region = lxml.html.Element("div", {"class": "table-scroll", "tabindex": "0"})
        region.set("role", "region")
        region.set("aria-label", _("Table (scrolls sideways)"))
        table.addprevious(region)
        region.append(table)


# Storing, editing, reading -------------------------------------------------------------------


def to_storage(html_text, language=None):
    """What the editor sent, as it is stored: cleaned, site links as references, images
    checked against the library, tables given header rows. Raises ValidationError with a
    sentence for the editor."""
    cleaned = sanitize(html_text)
    if "<a" not in cleaned and "<img" not in cleaned and "<table" not in cleaned:
        return cleaned
    root = _fragment(cleaned)
    for a in root.iter("a"):
        a.attrib.pop(DATA_REF, None)
        if item := site_item(a.get("href")):
            a.set(DATA_REF, reference(item))
    if image_hooks["store"] and list(root.iter("img")):
        image_hooks["store"](root, language)
    _tables_with_header_rows(root)
    return sanitize(_serialise(root))  # written as the cleaner writes it: a re-save is no change


def to_editor(html_text):
    """Stored text as the editor shows it: each site link at the item's address of today (a
    slug changed since is followed), each library image at its current file."""
    if "<a" not in (html_text or "") and "<img" not in (html_text or ""):
        return html_text
    root = _fragment(html_text)
    links = _links(root)
    items = _targets({a.get(DATA_REF) for a in links}, lambda model: model._default_manager)
    for a in links:
        if item := items.get(a.get(DATA_REF)):
            a.set("href", item.get_absolute_url())
    if image_hooks["refresh"]:
        image_hooks["refresh"](root)
    return _serialise(root)


def for_readers(html_text):
    """Stored text as a reader gets it: cleaned again (old or imported rows), each site link at
    the item's address in the reader's language, or its words alone while the item is not
    public; library images as responsive pictures; tables with their header markup."""
    cleaned = sanitize(html_text)
    if "<a" not in cleaned and "<img" not in cleaned and "<table" not in cleaned:
        return cleaned
    root = _fragment(cleaned)
    links = _links(root)
    addresses = public_addresses({a.get(DATA_REF) for a in links})
    for a in links:
        if address := addresses.get(a.attrib.pop(DATA_REF)):
            a.set("href", address)
        else:
            a.drop_tag()
    if image_hooks["render"]:
        image_hooks["render"](root)
    _accessible_tables(root)
    return _serialise(root)


def public_addresses(refs):
    """{ref: address in the active language, or "" while the item is not public}, kept until
    the content changes: a list of twenty texts with links costs no query per text."""

    def compute(missing):
        items = _targets(missing, lambda model: model.objects.link_targets())
        return {ref: items[ref].get_absolute_url() if ref in items else "" for ref in missing}

    language = translation.get_language()
    return kept_each_until_content_changes(f"link:{language}", refs, compute) if refs else {}


def links_in(html_texts):
    """[(item, words, public)] for each site link in the texts, for the editors' list of links
    readers see as plain text. One query per kind of item."""
    roots = [_fragment(text) for text in html_texts if text and DATA_REF in text]
    links = [a for root in roots for a in _links(root)]
    items = _targets({a.get(DATA_REF) for a in links}, lambda model: model._default_manager)
    public = _targets(set(items), lambda model: model.objects.link_targets())
    return [
        (items[ref], a.text_content(), ref in public)
        for a in links
        if (ref := a.get(DATA_REF)) in items
    ]


class ProseEditorWidget(AdminProseEditorWidget):
    def format_value(self, value):
        return super().format_value(to_editor(value) if value else value)


class RichTextModelField(ProseEditorField):
    def clean(self, value, instance):
        value = super().clean(value, instance)
        return to_storage(value, getattr(self, "language", None)) if value else value

    def formfield(self, **kwargs):
        # The admin asks for its textarea; the editor's own widget replaces it either way.
        return super().formfield(**{**kwargs, "widget": ProseEditorWidget})


def RichTextField(verbose_name, **kwargs):  # noqa: N802 - used like a field class
    return RichTextModelField(verbose_name, extensions=EXTENSIONS, sanitize=True, **kwargs)
