"""Turn a document (plain text, HTML or .docx) into a draft news item with suggested links.

`manage.py seed` reads its documents through `read_document` too, so both see the same text.
Reading: `read_document`. Parsing: `parse_news`. Links: `suggest_links`. All three together, in
one transaction: `import_news_draft`. A bad document raises `DocumentError` with a sentence for
the editor, before anything is written.
"""

import codecs
import datetime
import gettext
import hashlib
import io
import mimetypes
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

import docx
import lxml.html
import mammoth
import pycountry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from editorial.models import Status
from editorial.richtext import paragraphs_to_html, to_storage
from images.models import Image
from images.processing import without_metadata
from images.storage import ImageNotStored, delete_quietly, store_original
from images.tasks import renditions_needed
from images.validation import DAMAGED, validate_image_upload
from news.models import NewsItem
from programmes.models import Country, Office, Programme, ThematicArea
from sources.models import SourceDocument

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
# A .docx is a zip: a small upload can unpack to gigabytes, so its unpacked size is capped too.
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
EXTENSIONS = [".txt", ".html", ".htm", ".docx"]


class DocumentError(ValidationError):
    """A document that cannot be imported; the message says why, in words for the editor."""


# Reading --------------------------------------------------------------------------------------


def read_document(data, filename):
    """The text of an uploaded or shipped document, or DocumentError."""
    extension = Path(filename).suffix.lower()
    if extension not in EXTENSIONS:
        raise DocumentError(
            _("“%(name)s” is not a document the import reads. Upload a .txt, .html or .docx file.")
            % {"name": Path(filename).name}
        )
    if not data.strip():
        raise _empty_document()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            _("This file is larger than %(limit)d MB, the most the import accepts.")
            % {"limit": MAX_DOCUMENT_BYTES // (1024 * 1024)}
        )
    if extension == ".docx":
        text = _docx_text(data)
    elif extension == ".txt":
        text = _decode(data)
    else:
        text = _html_text(_decode(data))
    # Universal newlines, as Path.read_text gives them.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _empty_document()
    return text


def _empty_document():
    return DocumentError(_("This file is empty: it has no text to import."))


def _decode(data):
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise DocumentError(_("This file says it is UTF-16 text but is damaged.")) from None
    if b"\x00" in data:
        raise DocumentError(
            _("This file is not text (it holds binary data). Upload a .txt, .html or .docx file.")
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError(
            _("This file is not UTF-8 text. Save it as UTF-8 and upload it again.")
        ) from None


BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
# Not part of what a reader reads: code, styling, the page head and its menus.
SKIPPED_TAGS = {"script", "style", "noscript", "template", "head", "nav"}


def _html_text(html):
    """The page's text, one paragraph per block element, separated by blank lines."""
    # Parsed from UTF-8 bytes: lxml refuses a str that carries an XML encoding declaration.
    parser = lxml.html.HTMLParser(encoding="utf-8")
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    except etree.ParserError:
        return ""
    blocks, pending = [], []

    def end_block():
        lines = (line.strip() for line in "".join(pending).split("\n"))
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
        pending.clear()

    def add(text):
        # Line breaks in HTML source are spaces; only <br> breaks a line.
        pending.append(re.sub(r"\s+", " ", text or ""))

    def walk(element):
        # Comments and processing instructions have a non-string tag; their text is not content.
        if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
            return
        is_block = element.tag in BLOCK_TAGS
        if is_block:
            end_block()
        if element.tag == "br":
            pending.append("\n")
        add(element.text)
        for child in element:
            walk(child)
            add(child.tail)
        if is_block:
            end_block()

    walk(root)  # libxml2 nests at most 255 levels deep, well within Python's recursion limit
    end_block()
    return "\n\n".join(blocks)


def _damaged_docx():
    return DocumentError(
        _(
            "This .docx file is damaged or is not a Word document. Open it in Word, save it again "
            "as .docx and upload it again."
        )
    )


def _docx_text(data):
    damaged = _damaged_docx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_DOCX_UNPACKED_BYTES:
            raise DocumentError(
                _("This .docx file unpacks to more than %(limit)d MB, the most the import accepts.")
                % {"limit": MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)}
            )
        document = docx.Document(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        ValueError,
        etree.LxmlError,
        PackageNotFoundError,
    ):
        raise damaged from None
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


# Parsing --------------------------------------------------------------------------------------

# Lines that come from the web page around the story, not from the story.
BOILERPLATE_LINES = {"news", "новости", "alt text is missing"}
# A photo caption ends with its credit; the photo itself is not imported.
PHOTO_CAPTION = re.compile(r"(?:Photo|Фото)\s*:\s*[^.]{1,80}$", re.IGNORECASE)
# The reposting site's link lists follow the story: the body stops at the first of them.
FOOTER_STARTS = re.compile(
    r"(?:further information|for more information|click here|read more|keep up-to-date"
    r"|подробнее|дополнительная информация)",
    re.IGNORECASE,
)

ENGLISH_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
RUSSIAN_MONTHS = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip
_EN = "|".join(ENGLISH_MONTHS)
_RU = "|".join(RUSSIAN_MONTHS)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
# A date that starts a line: "8 May 2015 - …", "15 June 2011", "On November 24, 2021, …",
# "8 мая 2015 г. – …". Only a full date counts; a year alone is never taken for one.
LEADING_DATES = [
    re.compile(rf"(?:On\s+)?{_DAY}\s+(?P<month>{_EN})\s*,?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(rf"(?:On\s+)?(?P<month>{_EN})\s+{_DAY}\s*,?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(
        rf"(?P<day>\d{{1,2}})\s+(?P<month>{_RU})\s+(?P<year>\d{{4}})(?:\s*(?:г\.|года))?",
        re.IGNORECASE,
    ),
]
DATELINE_DASH = re.compile(r"\s*[-–—]\s+")
TITLE_MAX_LENGTH = NewsItem._meta.get_field("title").max_length


@dataclass
class ParsedNews:
    title: str
    date: datetime.date | None
    paragraphs: list[str]

    @property
    def summary(self):
        return self.paragraphs[0] if self.paragraphs else ""

    @property
    def body(self):
        return "\n\n".join(self.paragraphs)


def _leading_date(line):
    """The date a line starts with and the rest of the line, or None."""
    for pattern in LEADING_DATES:
        if match := pattern.match(line.strip()):
            month = match["month"].lower()
            months = ENGLISH_MONTHS if month in ENGLISH_MONTHS else RUSSIAN_MONTHS
            try:
                date = datetime.date(int(match["year"]), months.index(month) + 1, int(match["day"]))
            except ValueError:  # "31 February 2015": stated, but not a date
                return None
            return date, line.strip()[match.end() :]
    return None


def parse_news(text):
    """Title, date (None if the text states none), summary and body paragraphs of a news text."""
    separator = r"\n\s*\n" if re.search(r"\n\s*\n", text) else r"\n"
    blocks, date = [], None
    for chunk in re.split(separator, text):
        lines = []
        for line in chunk.splitlines():
            line = line.strip()
            if not line or line.casefold() in BOILERPLATE_LINES:
                continue
            if found := _leading_date(line):
                date = date or found[0]
                rest = found[1]
                if not rest.strip(" .,"):
                    continue  # a dateline on its own: the date field carries it
                if dash := DATELINE_DASH.match(rest):
                    line = rest[dash.end() :]
            lines.append(line)
        if lines:
            blocks.append(lines)
    if not blocks:
        raise DocumentError(_("This file has no text to import."))

    first_line = blocks[0][0]
    if len(first_line) <= TITLE_MAX_LENGTH:
        title = blocks[0].pop(0)
    else:  # no heading: the text starts with its first paragraph, which stays in the body
        title = Truncator(first_line).words(12)
    paragraphs = []
    for lines in blocks:
        paragraph = " ".join(lines)
        if not paragraph or PHOTO_CAPTION.search(paragraph):
            continue
        if FOOTER_STARTS.match(paragraph):
            break
        paragraphs.append(paragraph)
    if not paragraphs:
        raise DocumentError(
            _("This file has a title (“%(title)s”) but no text under it.") % {"title": title}
        )
    return ParsedNews(title=title, date=date, paragraphs=paragraphs)


# Structured import (.docx, .html) -----------------------------------------------------------

# A UN dateline: "TASHKENT (Uzbekistan), 12 March 2021 – …", "VIENNA, 8 May 2015 (UN
# Information Service) - …", "Бишкек, 3 июня 2019 г. - …". The city's words are capitalised.
_CITY = r"(?P<city>[^\W\d_]+(?:[ \-][^\W\d_]+){0,3})(?:\s*\((?P<country>[^()]{1,60})\))?\s*,\s*"
_DATELINE_END = r"(?:\s*\([^()]{1,80}\))?\s*[-–—]\s*"
DATELINES = [
    re.compile(
        rf"{_CITY}{_DAY}\s+(?P<month>{_EN})\s*,?\s+(?P<year>\d{{4}}){_DATELINE_END}", re.IGNORECASE
    ),
    re.compile(
        rf"{_CITY}(?P<month>{_EN})\s+{_DAY}\s*,?\s+(?P<year>\d{{4}}){_DATELINE_END}", re.IGNORECASE
    ),
    re.compile(
        rf"{_CITY}(?P<day>\d{{1,2}})\s+(?P<month>{_RU})\s+(?P<year>\d{{4}})"
        rf"(?:\s*(?:г\.|года))?{_DATELINE_END}",
        re.IGNORECASE,
    ),
]
# A date is looked for in the first paragraphs only: later ones report other days.
DATE_SEARCHED_PARAGRAPHS = 3
BODY_HEADING_LEVELS = (2, 4)  # what the rich text allows: h2 to h4
KEPT_SCHEMES = ("http", "https", "mailto")
# Stands for an imported image's alt text while the body is stored (see _stored_body).
NO_ALT_YET = "imported-image-without-alt-text"

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
}


@dataclass
class Segment:
    """A piece of text with its marks; "\n" in text is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass
class Block:
    kind: str  # "p", "h" (heading), "title", "li", "table", "picture"
    segments: list[Segment] = field(default_factory=list)
    level: int = 0  # a heading's level (1-6), a list item's depth (0 …)
    ordered: bool = False
    rows: list = field(default_factory=list)  # a table's: [[(colspan, [[Segment]])]]
    picture: str = ""  # a picture's key in StructuredNews.pictures

    @property
    def text(self):
        if self.kind == "table":
            return "\n".join(
                _text(paragraph) for row in self.rows for _span, cell in row for paragraph in cell
            )
        return _text(self.segments)


def _text(segments):
    text = "".join(segment.text for segment in segments)
    return " ".join(CONTROL_CHARACTERS.sub("", text).split())


@dataclass
class Picture:
    name: str
    content: bytes


@dataclass
class StructuredNews:
    title: str
    date: datetime.date | None
    summary: str
    body: str  # HTML, each picture as <figure><img data-import="KEY"></figure>
    text: str  # the words of the title and body, for the suggested links
    pictures: dict[str, Picture] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)


class _Report:
    """What the document had that the draft does not keep, in sentences for the editor."""

    def __init__(self):
        self.not_kept = []  # nouns, joined into one sentence
        self.sentences = []

    def lose(self, noun):
        if noun not in self.not_kept:
            self.not_kept.append(noun)

    def say(self, sentence):
        self.sentences.append(sentence)

    def lines(self):
        lines = []
        if self.not_kept:
            lines.append(
                _("Not kept from the document: %(things)s.") % {"things": ", ".join(self.not_kept)}
            )
        return lines + self.sentences


def _kept_href(href):
    """The address a link keeps: a web or mail address, or a path of this site; else None."""
    href = (href or "").strip()
    if href.startswith("/") and not href.startswith("//"):
        return href
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    return href if scheme in KEPT_SCHEMES and len(href) > len(scheme) + 1 else None


def parse_structured(data, filename):
    """Title, date, summary and body HTML of a .docx or .html document, its structure kept:
    headings, lists, bold and italic, links, tables and (in a .docx) pictures, with a report
    of what was not kept. DocumentError for a document that cannot be read."""
    read_document(data, filename)  # the same checks (format, size, damage, no text) as always
    report = _Report()
    is_page = Path(filename).suffix.lower() != ".docx"
    if is_page:
        blocks, pictures = _HtmlReader(report).read(_decode(data)), {}
    else:
        blocks, pictures = _read_docx(data, report)
    return _structured_news(blocks, pictures, report, is_page)


def _structured_news(blocks, pictures, report, is_page):
    blocks = [
        block
        for block in blocks
        if block.kind == "picture"
        or (block.kind == "table" and block.rows)
        or (block.text and block.text.casefold() not in BOILERPLATE_LINES)
    ]
    title = _take_title(blocks, is_page)
    date = _take_date(blocks)
    blocks = [block for block in blocks if block.kind in ("table", "picture") or block.text]
    if not any(block.text for block in blocks if block.kind != "picture"):
        raise DocumentError(
            _("This file has a title (“%(title)s”) but no text under it.") % {"title": title}
        )
    _level_headings(blocks)
    used = {block.picture for block in blocks if block.kind == "picture"}
    texts = [block.text for block in blocks if block.kind == "p" and block.text]
    summary = (texts or [block.text for block in blocks if block.text])[0]
    return StructuredNews(
        title=title,
        date=date,
        summary=summary,
        body=_render(blocks),
        text="\n\n".join([title, *(block.text for block in blocks if block.text)]),
        pictures={key: picture for key, picture in pictures.items() if key in used},
        report=report.lines(),
    )


def _take_title(blocks, is_page):
    """The title, taken out of the blocks: a Word "Title", a page's first h1 (after its
    menus and banners), a heading the text starts with, or (as parse_news does) a first
    paragraph short enough to be one."""
    first = next((block for block in blocks if block.kind != "picture"), None)
    if first is None:
        raise DocumentError(_("This file has no text to import."))
    chosen = next((block for block in blocks if block.kind == "title"), None)
    if chosen is None and is_page:
        chosen = next((block for block in blocks if block.kind == "h" and block.level == 1), None)
    if chosen is None and (first.kind == "h" or len(first.text) <= TITLE_MAX_LENGTH):
        chosen = first
    if chosen is None or chosen.kind == "table":
        return Truncator(first.text).words(12)  # the text starts with its first paragraph
    blocks.remove(chosen)
    return Truncator(chosen.text).chars(TITLE_MAX_LENGTH)


def _take_date(blocks):
    """The date the first paragraphs state (a dateline, or a line starting with a date),
    taken out of the text; the rest of its paragraph stays."""
    paragraphs = [block for block in blocks if block.kind == "p"][:DATE_SEARCHED_PARAGRAPHS]
    for block in paragraphs:
        text = "".join(segment.text for segment in block.segments)
        stripped = text.lstrip()
        offset = len(text) - len(stripped)
        if found := _dateline(stripped):
            date, end = found
            _drop_leading(block.segments, offset + end)
            return date
        if found := _leading_date(stripped):
            date, rest = found
            if not rest.strip(" .,"):
                block.segments = []
            elif dash := DATELINE_DASH.match(rest):
                rest_starts = offset + len(stripped.rstrip()) - len(rest)
                _drop_leading(block.segments, rest_starts + dash.end())
            return date
    return None


def _dateline(text):
    """The date of a dateline the text starts with and where the dateline ends, or None."""
    for pattern in DATELINES:
        match = pattern.match(text)
        if not match or not all(word[0].isupper() for word in re.split(r"[ \-]", match["city"])):
            continue
        month = match["month"].lower()
        months = ENGLISH_MONTHS if month in ENGLISH_MONTHS else RUSSIAN_MONTHS
        try:
            date = datetime.date(int(match["year"]), months.index(month) + 1, int(match["day"]))
        except ValueError:  # "31 February": stated, but not a date
            return None
        return date, match.end()
    return None


def _drop_leading(segments, count):
    while segments and count > 0:
        first = segments[0]
        if len(first.text) <= count:
            count -= len(first.text)
            segments.pop(0)
        else:
            first.text = first.text[count:]
            count = 0
    if segments:
        segments[0].text = segments[0].text.lstrip()


def _level_headings(blocks):
    """The body's top heading becomes h2, the others below it, down to h4 at most."""
    headings = [block for block in blocks if block.kind in ("h", "title")]
    if not headings:
        return
    top = min(block.level or 1 for block in headings)
    low, high = BODY_HEADING_LEVELS
    for block in headings:
        block.kind = "h"
        block.level = min(high, low + (block.level or 1) - top)


# Writing the body


def _render(blocks):
    root = lxml.html.Element("div")
    lists = []  # the open lists: [(depth, ordered, element)]
    for block in blocks:
        if block.kind != "li":
            lists = []
        if block.kind == "p":
            _fill(etree.SubElement(root, "p"), block.segments)
        elif block.kind == "h":
            _fill(etree.SubElement(root, f"h{block.level}"), block.segments)
        elif block.kind == "li":
            _list_item(root, lists, block)
        elif block.kind == "table":
            _table(root, block.rows)
        elif block.kind == "picture":
            figure = etree.SubElement(root, "figure")
            etree.SubElement(figure, "img", {"data-import": block.picture})
    return "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def _list_item(root, lists, block):
    while lists and (
        lists[-1][0] > block.level
        or (lists[-1][0] == block.level and lists[-1][1] != block.ordered)
    ):
        lists.pop()
    if not lists or lists[-1][0] < block.level:
        parent = root
        if lists and len(lists[-1][2]):
            parent = lists[-1][2][-1]  # nested in the item before
        element = etree.SubElement(parent, "ol" if block.ordered else "ul")
        lists.append((block.level, block.ordered, element))
    item = etree.SubElement(lists[-1][2], "li")
    _fill(etree.SubElement(item, "p"), block.segments)


def _table(root, rows):
    body = etree.SubElement(etree.SubElement(root, "table"), "tbody")
    for row in rows:
        tr = etree.SubElement(body, "tr")
        for span, paragraphs in row:
            cell = etree.SubElement(tr, "td", {"colspan": str(span)} if span > 1 else {})
            for segments in paragraphs or [[]]:
                _fill(etree.SubElement(cell, "p"), segments)


# Not allowed in HTML text (nor in lxml's): a page may still carry them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _merged(segments):
    merged = []
    for segment in segments:
        text = re.sub(r"[ \t\r\f\v]+", " ", CONTROL_CHARACTERS.sub("", segment.text))
        if not text:
            continue
        last = merged[-1] if merged else None
        if last and (last.bold, last.italic, last.href) == (
            segment.bold,
            segment.italic,
            segment.href,
        ):
            last.text += text
        else:
            href = CONTROL_CHARACTERS.sub("", segment.href) if segment.href else None
            merged.append(Segment(text, segment.bold, segment.italic, href))
    # No space at the edges of a paragraph, nor around its line breaks.
    if merged:
        merged[0].text = merged[0].text.lstrip()
        merged[-1].text = merged[-1].text.rstrip()
    for segment in merged:
        segment.text = re.sub(r" ?\n ?", "\n", segment.text)
    return [segment for segment in merged if segment.text]


def _fill(element, segments):
    """The segments as the element's content: links, <strong>, <em>, <br>."""
    for segment in _merged(segments):
        parent = element
        if segment.href:
            last = element[-1] if len(element) else None
            # The same link over runs of other marks ("a <strong>bold</strong> link").
            if last is not None and last.tag == "a" and last.get("href") == segment.href:
                parent = last if not last.tail else element
            if parent is element:
                parent = etree.SubElement(element, "a", {"href": segment.href})
        target = parent
        if segment.bold:
            target = etree.SubElement(target, "strong")
        if segment.italic:
            target = etree.SubElement(target, "em")
        _append_text(target, segment.text)


def _append_text(element, text):
    """Text at the end of the element's content, each "\n" a <br>."""
    for number, line in enumerate(text.split("\n")):
        if number:
            etree.SubElement(element, "br")
        if not line:
            continue
        if len(element):
            element[-1].tail = (element[-1].tail or "") + line
        else:
            element.text = (element.text or "") + line


# Reading a .docx: mammoth turns it into HTML, which _HtmlReader reads as a page's.

DOCX_STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='Heading 7'] => h6:fresh
p[style-name='Heading 8'] => h6:fresh
p[style-name='Heading 9'] => h6:fresh
"""
# What the site's styles replace, or the draft cannot hold, in the document's XML.
DOCX_NOT_KEPT = [
    (".//w:commentReference | .//w:commentRangeStart", gettext_lazy("comments")),
    (".//w:footnoteReference | .//w:endnoteReference", gettext_lazy("footnotes and endnotes")),
    (".//w:txbxContent", gettext_lazy("text boxes")),
    (
        ".//w:drawing[not(.//a:blip) and not(.//w:txbxContent)]",
        gettext_lazy("charts, shapes and diagrams"),
    ),
    (".//m:oMath", gettext_lazy("equations")),
    (".//w:rPr/w:color[not(@w:val='auto')]", gettext_lazy("colours")),
    (".//w:rPr/w:highlight | .//w:rPr/w:shd", gettext_lazy("highlighting")),
    (".//w:r/w:rPr/w:rFonts | .//w:r/w:rPr/w:sz", gettext_lazy("fonts and font sizes")),
    (".//w:rPr/w:u[not(@w:val='none')]", gettext_lazy("underlining")),
]
# What mammoth, lxml and zipfile raise for a file python-docx opened but mammoth cannot read.
DOCX_ERRORS = (
    LookupError, ValueError, AttributeError, OSError, ExpatError, zlib.error, zipfile.BadZipFile,
    etree.LxmlError,
)  # fmt: skip
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)


def _read_docx(data, report):
    """The blocks and pictures of a .docx, read by mammoth, with what it did not keep reported."""
    pictures, not_inside = {}, 0

    def keep_picture(image):
        nonlocal not_inside
        try:
            with image.open() as file:
                content = file.read()
        except (OSError, KeyError, ValueError):  # a linked picture: not inside the document
            not_inside += 1
            return {}
        key = f"picture:{len(pictures) + 1}"
        suffix = mimetypes.guess_extension(image.content_type or "") or ""
        pictures[key] = Picture(name=f"picture-{len(pictures) + 1}{suffix}", content=content)
        return {"src": key}

    try:
        data = _reported_and_without_text_boxes(data, report)
        html = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=DOCX_STYLE_MAP,
            convert_image=mammoth.images.img_element(keep_picture),
            transform_document=_without_note_references,
        ).value  # its messages (unknown styles…) are not for editors
    except DOCX_ERRORS:
        raise _damaged_docx() from None
    if not_inside:
        report.say(
            ngettext(
                "%(count)d picture was not kept: it is not inside the document.",
                "%(count)d pictures were not kept: they are not inside the document.",
                not_inside,
            )
            % {"count": not_inside}
        )
    return _HtmlReader(report, pictures).read(html), pictures


def _without_note_references(element):
    # Without their references, mammoth lists no footnotes or endnotes after the text.
    children = getattr(element, "children", None)
    if children is None:
        return element
    kept = [
        _without_note_references(child)
        for child in children
        if not isinstance(child, mammoth.documents.NoteReference)
    ]
    return element.copy(children=kept)


def _reported_and_without_text_boxes(data, report):
    """The .docx without its text boxes (mammoth would put their words after their paragraph:
    a pull quote twice), having reported what its main part has that the draft does not keep."""
    parser = etree.XMLParser(resolve_entities=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        relationships = etree.fromstring(archive.read("_rels/.rels"), parser)
        targets = [r.get("Target") for r in relationships if r.get("Type") == OFFICE_DOCUMENT]
        name = targets[0].lstrip("/")
        body = etree.fromstring(archive.read(name), parser)
        for query, noun in DOCX_NOT_KEPT:
            if body.xpath(query, namespaces=NAMESPACES):
                report.lose(str(noun))
        if body.xpath(".//w:ins | .//w:del | .//w:moveFrom | .//w:moveTo", namespaces=NAMESPACES):
            report.say(
                _(
                    "The document has tracked changes: the draft has them accepted (insertions "
                    "kept, deletions left out). Check the text."
                )
            )
        boxes = body.xpath(".//w:txbxContent", namespaces=NAMESPACES)
        if not boxes:
            return data
        for box in boxes:
            box.getparent().remove(box)
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as copy:
            for member in archive.infolist():
                content = archive.read(member)
                if member.filename == name:
                    content = etree.tostring(body, xml_declaration=True, encoding="UTF-8")
                copy.writestr(member, content)
    return output.getvalue()


def _report_links(report, count):
    if count:
        report.say(
            ngettext(
                "%(count)d link was not kept (not a web or mail address): its words stay.",
                "%(count)d links were not kept (not web or mail addresses): their words stay.",
                count,
            )
            % {"count": count}
        )


# Reading a web page

HTML_SKIPPED_TAGS = SKIPPED_TAGS | {"button", "form", "select", "textarea", "svg", "math"}
HTML_EMBEDS = {"iframe", "object", "embed", "video", "audio", "canvas"}
HTML_LIST_TAGS = {"ul", "ol"}


class _HtmlReader:
    """A web page's blocks; or a .docx's, from mammoth's HTML: then `pictures` holds the
    document's pictures by the src mammoth gave them, and the page's own report is not made."""

    def __init__(self, report, pictures=None):
        self.report = report
        self.pictures = pictures
        self.blocks = []
        self.current = None
        self.list_stack = []  # the open lists' "ordered"
        self.links_not_kept = 0

    def read(self, html):
        parser = lxml.html.HTMLParser(encoding="utf-8")
        try:
            root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
        except etree.ParserError:
            return []
        if self.pictures is None:
            self._report_page(root)
        self._walk(root, Segment(""))
        self._end_block()
        _report_links(self.report, self.links_not_kept)
        return self.blocks

    def _report_page(self, root):
        if root.xpath("//script") or any(
            name.startswith("on")
            for element in root.iter()
            if isinstance(element.tag, str)
            for name in element.attrib
        ):
            self.report.lose(_("scripts"))
        if root.xpath("//style | //link[@rel='stylesheet'] | //*[@style]"):
            self.report.lose(_("styles"))
        if next(root.iter(*HTML_EMBEDS), None) is not None:
            self.report.lose(_("embedded videos, maps and frames"))
        images = [img.get("src") or "" for img in root.iter("img")]
        external = sum(1 for src in images if urlsplit(src.strip()).netloc)
        if external:
            self.report.say(
                ngettext(
                    "%(count)d image from another site was not kept: add it to the media library "
                    "and insert it from there.",
                    "%(count)d images from other sites were not kept: add them to the media "
                    "library and insert them from there.",
                    external,
                )
                % {"count": external}
            )
        if len(images) - external:
            self.report.say(
                ngettext(
                    "%(count)d image of the page was not kept: add it to the media library and "
                    "insert it from there.",
                    "%(count)d images of the page were not kept: add them to the media library "
                    "and insert them from there.",
                    len(images) - external,
                )
                % {"count": len(images) - external}
            )

    def _end_block(self):
        if self.current is not None and _text(self.current.segments):
            self.blocks.append(self.current)
        self.current = None

    def _start_block(self, kind, **fields):
        self._end_block()
        self.current = Block(kind, **fields)

    def _add(self, text, marks):
        if not text:
            return
        if self.current is None:
            self.current = Block("p")
        text = re.sub(r"\s+", " ", text)
        # A Word heading is bold already: its bold is the heading's own.
        bold = marks.bold and not (
            self.pictures is not None and self.current.kind in ("h", "title")
        )
        self.current.segments.append(Segment(text, bold, marks.italic, marks.href))

    def _walk(self, element, marks):
        tag = element.tag
        if not isinstance(tag, str) or tag in HTML_SKIPPED_TAGS or tag in HTML_EMBEDS:
            return
        if tag == "table":
            self._end_block()
            pictures = []
            self.blocks.append(Block("table", rows=self._rows(element, pictures)))
            self.blocks += pictures  # a picture in a table comes after it
            return
        if tag == "img" and self.pictures and element.get("src") in self.pictures:
            self._picture(element.get("src"))
            return
        marks = self._marks(element, marks)
        if tag == "h1" and self.pictures is not None and "doc-title" in element.classes:
            self._start_block("title", level=1)
        elif re.fullmatch(r"h[1-6]", tag):
            self._start_block("h", level=int(tag[1]))
        elif tag == "li":
            ordered = self.list_stack[-1] if self.list_stack else False
            self._start_block("li", level=max(len(self.list_stack) - 1, 0), ordered=ordered)
        elif tag in HTML_LIST_TAGS:
            self._end_block()
            self.list_stack.append(tag == "ol")
        elif tag in BLOCK_TAGS and not (self.current is not None and self.current.kind == "li"):
            self._end_block()
        elif tag in BLOCK_TAGS and self.current is not None and self.current.segments:
            self._add(" ", Segment(""))  # a paragraph inside a list item: on the same line
        if tag == "br":
            if self.current is None:
                self.current = Block("p")
            self.current.segments.append(Segment("\n"))
        self._add(element.text, marks)
        for child in element:
            self._walk(child, marks)
            self._add(child.tail, marks)
        if tag in HTML_LIST_TAGS:
            self._end_block()
            self.list_stack.pop()
        elif tag in BLOCK_TAGS and (
            tag == "li" or not (self.current and self.current.kind == "li")
        ):
            self._end_block()

    def _picture(self, key):
        """The picture in its place: the block around it goes on after it."""
        around = self.current
        self._end_block()
        self.blocks.append(Block("picture", picture=key))
        if around is not None:
            self.current = Block(around.kind, level=around.level, ordered=around.ordered)

    def _marks(self, element, marks):
        tag = element.tag
        bold = marks.bold or tag in ("b", "strong")
        italic = marks.italic or tag in ("i", "em")
        href = marks.href
        if tag == "a" and element.get("href") is not None:
            href = _kept_href(element.get("href"))
            if href is None and not element.get("href", "").startswith("#"):
                self.links_not_kept += 1
        return Segment("", bold, italic, href)

    def _rows(self, table, pictures):
        rows = []
        covered = {}  # column: how many more rows a cell above spans (rowspan) over it
        for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
            row = []
            for cell in tr.xpath("./td | ./th"):
                self._covered_cells(row, covered)
                span = _span(cell, "colspan", 50)
                rows_spanned = _span(cell, "rowspan", 1000)
                for column in range(len(row), len(row) + span):
                    covered[column] = rows_spanned - 1
                reader = _HtmlReader(self.report, self.pictures)
                reader._walk(cell, Segment(""))
                reader._end_block()
                self.links_not_kept += reader.links_not_kept
                paragraphs = []
                for block in reader.blocks:
                    if block.kind == "table":  # a table in a cell: its words, row by row
                        paragraphs += [p for r in block.rows for _span, c in r for p in c]
                    elif block.kind == "picture":
                        pictures.append(block)
                    else:
                        paragraphs.append(block.segments)
                row.append((span, paragraphs))
                row += [None] * (span - 1)  # the columns it spans, counted until the row ends
            self._covered_cells(row, covered)
            row = [cell for cell in row if cell is not None]
            if row:
                rows.append(row)
        return rows

    @staticmethod
    def _covered_cells(row, covered):
        """An empty cell where a cell of a row above spans down (as Word shows a merged cell)."""
        while covered.get(len(row), 0) > 0:
            covered[len(row)] -= 1
            row.append((1, []))


def _span(cell, attribute, most):
    span = cell.get(attribute, "1")
    return min(int(span), most) if span.isdigit() and int(span) > 0 else 1


# Suggested links ------------------------------------------------------------------------------

# Russian nouns and adjectives change their ending with the case ("в Казахстане", "Российской
# Федерации"); a name matches in any case. Word ending -> the endings it takes.
RUSSIAN_ENDINGS = [
    ("ия", "ия|ии|ию|ией"),
    ("ая", "ая|ой|ую"),
    ("ий", "ий|ого|ому|им|ом"),
    ("ый", "ый|ого|ому|ым|ом"),
    ("а", "а|ы|и|е|у|ой"),
    ("я", "я|и|е|ю|ей"),
    ("ь", "ь|и|ью"),
    ("й", "й|я|ю|ем|е"),
]
RUSSIAN_INDECLINABLE_ENDINGS = tuple("еёиоуыэю")
# Names in use that ISO 3166 does not give (its Russian name for KG is "Киргизия").
OTHER_COUNTRY_NAMES = {"KG": ["Кыргызстан", "Кыргызская Республика"], "RU": ["Russia", "Россия"]}
# Offices carry their city in English only; these are the cities of the seeded offices.
RUSSIAN_CITY_NAMES = {
    "Almaty": "Алматы",
    "Ashgabat": "Ашхабад",
    "Astana": "Астана",
    "Bishkek": "Бишкек",
    "Dushanbe": "Душанбе",
    "Tashkent": "Ташкент",
}
# Words that say a text is about a thematic area, by area slug, in English and Russian
# (patterns: \w* takes a Russian word's endings). An area not listed matches by its name.
THEMATIC_KEYWORDS = {
    "organized-crime": [
        r"organi[sz]ed\s+crime", r"transnational\s+crime", r"money[\s-]+laundering",
        r"human\s+trafficking", r"trafficking\s+in\s+persons", r"smuggling\s+of\s+migrants",
        r"cybercrime", r"организованн\w*\s+преступн\w*", r"отмывани\w*", r"торговл\w*\s+людьми",
        r"киберпреступн\w*",
    ],
    "drugs": [
        r"drugs?", r"narcotics?", r"heroin", r"opium", r"opiates?", r"cannabis", r"precursors?",
        r"нарко\w*", r"героин\w*", r"опиум\w*", r"опиат\w*", r"каннабис\w*", r"прекурсор\w*",
    ],
    "crime-prevention-and-criminal-justice": [
        r"crime\s+prevention", r"criminal\s+justice", r"prisons?",
        r"предупреждени\w*\s+преступн\w*", r"профилактик\w*\s+преступн\w*",
        r"уголовн\w*\s+правосуди\w*", r"пенитенциарн\w*",
    ],
    "corruption": [r"corrupt\w*", r"(?:анти)?коррупц\w*"],
    "terrorism": [
        r"terroris\w*", r"violent\s+extremism", r"radicali[sz]ation", r"(?:анти)?террор\w*",
        r"экстремизм\w*", r"радикализ\w*",
    ],
}  # fmt: skip
# UNODC's own name says "drugs and crime" in nearly every text, whatever the story is about.
UNODC_NAME = re.compile(
    r"Office\s+on\s+Drugs\s+and\s+Crime|по\s+наркотикам\s+и\s+преступности", re.IGNORECASE
)


@dataclass
class Suggestions:
    countries: list[Country] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)
    thematic_areas: list[ThematicArea] = field(default_factory=list)


def _phrase(name):
    """A name as a pattern: any run of spaces for a space, any dash for a dash."""
    words = (re.escape(word) for word in name.split())
    return r"\s+".join(words).replace(r"\-", "[-‐‑–—]")


def _russian_phrase(name):
    return r"\s+".join(_declined(word) for word in name.split())


def _declined(word):
    lower = word.lower()
    for ending, endings in RUSSIAN_ENDINGS:
        if lower.endswith(ending):
            return re.escape(word[: -len(ending)]) + f"(?:{endings})"
    if lower.endswith(RUSSIAN_INDECLINABLE_ENDINGS):
        return re.escape(word)
    return re.escape(word) + "(?:а|у|ом|е)?"


def _mentions(patterns, text):
    patterns = [pattern for pattern in patterns if pattern]
    if not patterns:
        return False
    whole_words = rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)"
    return re.search(whole_words, text, re.IGNORECASE) is not None


def russian_iso_names():
    """Russian for an ISO 3166 English name, from pycountry's copy of the translations."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"]).gettext


def _country_patterns(country, russian):
    patterns = [_phrase(country.name)]
    record = pycountry.countries.get(alpha_2=country.iso_code)
    iso_names = [
        getattr(record, attribute, "") for attribute in ("name", "official_name", "common_name")
    ]
    patterns += [_phrase(name) for name in iso_names if name]
    patterns += [_russian_phrase(russian(name)) for name in iso_names if name]
    for name in OTHER_COUNTRY_NAMES.get(country.iso_code, []):
        patterns += [_phrase(name), _russian_phrase(name)]
    return patterns


def _programme_mentioned(programme, text):
    title = programme.title.removeprefix("UNODC ")
    if _mentions([_phrase(title)], text):
        return True
    # "The Programme for Central Asia … for the period 2015-2019": the title without its
    # years, with the years stated elsewhere in the text.
    period = f"{programme.start_year}-{programme.end_year}"
    short_title = title.removesuffix(period).strip()
    if short_title == title:
        return False
    return _mentions([_phrase(short_title)], text) and _mentions([_phrase(period)], text)


def suggest_links(text):
    """The countries, offices, programmes and thematic areas in the database the text names."""
    russian = russian_iso_names()
    offices = [
        office
        for office in Office.objects.all()
        if _mentions(
            [
                _phrase(office.name),
                _phrase(office.city) if office.city else "",
                _russian_phrase(RUSSIAN_CITY_NAMES.get(office.city, "")),
            ],
            text,
        )
    ]
    text_without_unodc_name = UNODC_NAME.sub(" ", text)
    return Suggestions(
        countries=[
            country
            for country in Country.objects.all()
            if _mentions(_country_patterns(country, russian), text)
        ],
        offices=offices,
        programmes=[p for p in Programme.objects.all() if _programme_mentioned(p, text)],
        thematic_areas=[
            area
            for area in ThematicArea.objects.all()
            if _mentions(
                [_phrase(area.name), *THEMATIC_KEYWORDS.get(area.slug, [])],
                text_without_unodc_name,
            )
        ],
    )


# Importing ------------------------------------------------------------------------------------

# Slugs are page addresses, in ASCII: a Russian title is spelled in Latin letters.
CYRILLIC_TO_LATIN = str.maketrans(
    dict(
        zip(
            "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
            ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
             "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
            strict=True,
        )
    )
)  # fmt: skip


def _unique_slug(model, title):
    max_length = model._meta.get_field("slug").max_length
    base = slugify(title.lower().translate(CYRILLIC_TO_LATIN))[:max_length].strip("-") or "news"
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base[: max_length - len(str(number)) - 1]}-{number}"
    return slug


def _unique_filename(filename):
    path = Path(filename)
    stem = path.stem[:150]
    name, number = f"{stem}{path.suffix}", 1
    while SourceDocument.objects.filter(filename=name).exists():
        number += 1
        name = f"{stem}-{number}{path.suffix}"
    return name


STRUCTURED_EXTENSIONS = [".html", ".htm", ".docx"]
# Each picture is decoded and re-encoded in the request: a document's pictures are capped.
MAX_IMPORTED_PICTURES = 30


class ImportedDraft(NamedTuple):
    item: NewsItem
    suggestions: Suggestions
    report: list[str]  # what the document had that the draft does not keep, in sentences


def import_news_draft(data, filename, user=None):
    """Keep the document as a SourceDocument and make a draft news item from it; a .docx or
    web page keeps its structure, and a .docx's pictures go to the media library.

    Returns an ImportedDraft. Raises DocumentError, with nothing saved (no row, no stored
    file), for a document that cannot be read or was imported before.
    """
    stored_files = []
    try:
        with transaction.atomic():
            return _import_news_draft(data, filename, user, stored_files)
    except BaseException:
        delete_quietly(stored_files)
        raise


def _import_news_draft(data, filename, user, stored_files):
    text = read_document(data, filename)
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    if existing := SourceDocument.objects.filter(sha256=sha256).first():
        raise DocumentError(
            _(
                "This text was imported before, as “%(title)s” (file %(file)s). Open that document "
                "and its news item instead of importing it again."
            )
            % {"title": existing.title, "file": existing.filename}
        )
    structured = Path(filename).suffix.lower() in STRUCTURED_EXTENSIONS
    if structured:
        news = parse_structured(data, filename)
        title, date, summary, words, report = (
            news.title, news.date, news.summary, news.text, list(news.report)
        )  # fmt: skip
    else:
        news = parse_news(text)
        title, date, summary, words, report = (
            news.title, news.date, news.summary, "\n\n".join([news.title, news.body]), []
        )  # fmt: skip
    suggestions = suggest_links(words)

    document = SourceDocument.objects.create(
        title=title,
        slug=_unique_slug(SourceDocument, title),
        kind=SourceDocument.Kind.NEWS,
        filename=_unique_filename(filename),
        text=text,
        sha256=sha256,
    )
    if structured:
        body = _stored_body(news, filename, user, report, stored_files)
    else:
        body = paragraphs_to_html(news.body)
    item = NewsItem(
        title=title,
        slug=_unique_slug(NewsItem, title),
        date=date,
        summary=summary,
        body=body,
        source=document,
        status=Status.DRAFT,
    )
    if user is not None:
        item._history_user = user
    item._change_reason = f"Imported from {document.filename}"
    item.save()
    item.countries.set(suggestions.countries)
    item.programmes.set(suggestions.programmes)
    item.thematic_areas.set(suggestions.thematic_areas)
    return ImportedDraft(item, suggestions, report)


def _stored_body(news, filename, user, report, stored_files):
    """The body as the rich text stores it, each picture a library image in its place.

    The rich text refuses to store an image without alt text, and an imported picture has
    none yet: it is stored with a stand-in, emptied after. The editor must describe it before
    the draft can be saved again.
    """
    images = {}
    for number, (key, picture) in enumerate(news.pictures.items(), start=1):
        if number > MAX_IMPORTED_PICTURES:
            report.append(
                _("Only the first %(count)d pictures of the document were added.")
                % {"count": MAX_IMPORTED_PICTURES}
            )
            break
        if image := _library_image(picture, filename, number, user, report, stored_files):
            images[key] = image
    root = lxml.html.fragment_fromstring(news.body or "", create_parent="div")
    for img in list(root.iter("img")):
        image = images.get(img.attrib.pop("data-import", ""))
        if image is None:
            img.getparent().drop_tree()
        else:
            # In the order the editor writes them: a re-save is no change.
            img.set("src", image.file.url)
            img.set("alt", NO_ALT_YET)
            img.set("data-file", str(image.pk))
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    try:
        body = to_storage(html, translation.get_language())
    except ValidationError as error:
        raise DocumentError(" ".join(error.messages)) from None
    if images:
        report.insert(
            0,
            ngettext(
                "%(count)d image was added to the media library without alt text: describe it "
                "(in the library, or in the text’s image dialog) before the draft can be saved "
                "again or submitted.",
                "%(count)d images were added to the media library without alt text: describe "
                "them (in the library, or in the text’s image dialog) before the draft can be "
                "saved again or submitted.",
                len(images),
            )
            % {"count": len(images)},
        )
    return body.replace(f'alt="{NO_ALT_YET}"', 'alt=""')


def _library_image(picture, filename, number, user, report, stored_files):
    """A picture of the document as a new library image, checked and stored as an upload
    is; None (and a sentence in the report) if the library refuses it."""
    stem = Path(filename).stem
    upload = SimpleUploadedFile(
        f"{slugify(stem) or 'document'}-{number}{Path(picture.name).suffix}", picture.content
    )
    try:
        validate_image_upload(upload)
    except ValidationError as error:
        report.append(
            _("Picture %(number)d of the document was not added: %(reason)s")
            % {"number": number, "reason": " ".join(error.messages)}
        )
        return None
    try:
        clean_copy = without_metadata(upload)
    except (OSError, ValueError, SyntaxError):  # what Pillow's decoders raise for bad data
        report.append(
            _("Picture %(number)d of the document was not added: %(reason)s")
            % {"number": number, "reason": DAMAGED}
        )
        return None
    image = Image(
        file=clean_copy,
        title=f"{stem.replace('-', ' ').replace('_', ' ')} {number}"[:200],
        uploaded_by=user,
    )
    try:
        store_original(image.file)
    except ImageNotStored:
        raise DocumentError(
            _(
                "The document’s pictures could not be stored: the file storage is unreachable. "
                "Nothing was saved; try again later."
            )
        ) from None
    stored_files.append((image.file.storage, image.file.name))
    image.save()
    renditions_needed(image)
    return image
