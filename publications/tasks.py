"""Reading an uploaded publication file in the background (Django's tasks framework): its
pages and text (pypdf, python-docx, or the workbook's XML) and, for a PDF, a cover picture of
its first page (pypdfium2). Pages show the file meanwhile, without those."""

import io
import logging
import re
import secrets
import zipfile
from xml.etree import ElementTree

import docx
import pypdfium2
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from pypdf import PdfReader

from editorial import changes
from publications.models import LANGUAGES, FileFormat, Publication, PublicationFile
from publications.storage import private_storage

logger = logging.getLogger(__name__)
COVER_WIDTH = 600
# What the search keeps of a file: PostgreSQL's text-search vector holds at most 1 MB, and the
# first 200,000 characters (some 60 pages of a report) say what a report is about.
MAX_TEXT_CHARACTERS = 200_000
SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@task
def read_publication_file(name):
    details = PublicationFile.objects.filter(name=name).first()
    if details is None or details.read_at is not None:
        return
    try:
        with private_storage().open(name) as stored:
            content = stored.read()
        pages, text, cover = read_content(details.format, content)
    except Exception:  # a file that passed the upload's checks and still fails: keep it, say so
        logger.exception("Could not read the publication file %s", name)
        return
    details.pages, details.text, details.read_at = pages, clean_text(text), timezone.now()
    if cover is not None:
        details.cover.save(f"covers/{secrets.token_urlsafe(16)}.jpg", cover, save=False)
        details.cover_height = cover.height
    details.save()
    # The live publications naming this file now search its text (a draft's takes it when it
    # goes live: Publication.save()).
    for code in LANGUAGES:
        Publication.objects.filter(**{f"file_{code}": name}).update(
            **{f"file_text_{code}": details.text}
        )
    changes.invalidate(schedule_changed=False)


def read_content(file_format, content):
    """(pages or None, text, cover as a ContentFile or None) of a file's bytes."""
    if file_format == FileFormat.PDF:
        reader = PdfReader(io.BytesIO(content))
        text = []
        length = 0
        for page in reader.pages:
            if length > MAX_TEXT_CHARACTERS:
                break
            page_text = page.extract_text() or ""
            text.append(page_text)
            length += len(page_text)
        return len(reader.pages), "\n".join(text), pdf_cover(content)
    if file_format == FileFormat.DOCX:
        document = docx.Document(io.BytesIO(content))
        paragraphs = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                paragraphs.append(" ".join(cell.text for cell in row.cells))
        return None, "\n".join(paragraphs), None
    return None, workbook_text(content), None


def pdf_cover(content):
    document = pypdfium2.PdfDocument(content)
    try:
        page = document[0]
        bitmap = page.render(scale=COVER_WIDTH / page.get_width())
        picture = bitmap.to_pil().convert("RGB")
        output = io.BytesIO()
        picture.save(output, "JPEG", quality=80, optimize=True)
        made = ContentFile(output.getvalue())
        made.height = picture.height
        return made
    finally:
        document.close()


def workbook_text(content):
    """The shared strings and inline strings of an .xlsx (the cells' words), no library."""
    words = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.namelist():
            if member == "xl/sharedStrings.xml" or re.fullmatch(
                r"xl/worksheets/[^/]+\.xml", member
            ):
                tree = ElementTree.fromstring(archive.read(member))
                words.extend(node.text for node in tree.iter(f"{SPREADSHEET_NS}t") if node.text)
    return "\n".join(words)


def clean_text(text):
    # PostgreSQL text cannot hold NUL; long runs of spaces say nothing.
    text = re.sub(r"[ \t]+", " ", text.replace("\x00", ""))
    return text[:MAX_TEXT_CHARACTERS].strip()


def file_stored(name):
    """Call when a new file has been stored and its PublicationFile saved."""
    transaction.on_commit(lambda: read_publication_file.enqueue(name))
