"""Rich text: what editors may write in news bodies and programme descriptions, and nothing more.

The editor (django-prose-editor) offers exactly these extensions and nh3 cleans saved HTML to the
matching allow-list, so script, style, event-handler attributes and javascript: links are dropped.
"""

import html

import nh3
from django.utils.html import escape
from django_prose_editor.config import allowlist_from_extensions
from django_prose_editor.fields import ProseEditorField

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
    "History": True,
}

_cleaner = nh3.Cleaner(**allowlist_from_extensions(EXTENSIONS))


def sanitize(html):
    return _cleaner.clean(html or "")


def plain_text(html_text):
    """The words of rich text without its tags. nh3 parses any input; Django's striptags hands
    it to html.parser, which raises on some (`<![>`)."""
    return html.unescape(nh3.clean(html_text or "", tags=set()))


def paragraphs_to_html(text):
    """Plain text with blank lines between paragraphs, as the seed documents are, to <p> HTML."""
    paragraphs = (" ".join(p.split()) for p in text.split("\n\n"))
    # As the sanitiser writes it (' not &#x27;): an untouched form saves it unchanged.
    return sanitize("".join(f"<p>{escape(p)}</p>" for p in paragraphs if p))


def RichTextField(verbose_name, **kwargs):  # noqa: N802 - used like a field class
    return ProseEditorField(verbose_name, extensions=EXTENSIONS, sanitize=True, **kwargs)
