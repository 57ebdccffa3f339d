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
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
import lxml.html
import pycountry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from editorial.models import Status
from editorial.richtext import paragraphs_to_html
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


def _docx_text(data):
    damaged = DocumentError(
        _(
            "This .docx file is damaged or is not a Word document. Open it in Word, save it again "
            "as .docx and upload it again."
        )
    )
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


@transaction.atomic
def import_news_draft(data, filename, user=None):
    """Keep the document as a SourceDocument and make a draft news item from it.

    Returns the item and the Suggestions its links were set from. Raises DocumentError, with
    nothing saved, for a document that cannot be read or was imported before.
    """
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
    news = parse_news(text)
    suggestions = suggest_links("\n\n".join([news.title, news.body]))

    document = SourceDocument.objects.create(
        title=news.title,
        slug=_unique_slug(SourceDocument, news.title),
        kind=SourceDocument.Kind.NEWS,
        filename=_unique_filename(filename),
        text=text,
        sha256=sha256,
    )
    item = NewsItem(
        title=news.title,
        slug=_unique_slug(NewsItem, news.title),
        date=news.date,
        summary=news.summary,
        body=paragraphs_to_html(news.body),
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
    return item, suggestions
