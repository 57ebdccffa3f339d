"""What an uploaded publication file must be, judged by its content, not its name: a whole,
unencrypted PDF without scripts, or a Word (.docx) or Excel (.xlsx) file that is what its name
says, no bigger than MAX_PUBLICATION_BYTES, and no zip bomb. Each refusal is a sentence for the
editor."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF_START = b"%PDF-"
ZIP_START = b"PK\x03\x04"
# An OLE compound file: old Word/Excel (.doc, .xls), or Office's password-protected OOXML.
OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# Text and XML compress well (10 to 20 times); far beyond that is a bomb, not a document.
MAX_COMPRESSION_RATIO = 200
# PDF names that run a script: a JavaScript action, or the document's named scripts.
SCRIPT_KEYS = {"/JS", "/JavaScript"}

NOT_ACCEPTED = _(
    "Upload a PDF, a Word document (.docx) or an Excel workbook (.xlsx): other kinds of file "
    "are not accepted."
)
EMPTY = _("This file is empty.")
TOO_BIG = _("This file is %(size)s; the limit is %(limit)s. Make it smaller and try again.")
NOT_A_PDF = _(
    "This file is named .pdf but is not a PDF (it may be a web page or another kind of file). "
    "Export the document as PDF and upload that."
)
PDF_DAMAGED = _(
    "This PDF is damaged or incomplete and cannot be read. Export it again from the original "
    "document and upload the new copy."
)
PDF_ENCRYPTED = _(
    "This PDF is password-protected (encrypted). Save a copy without a password and upload that."
)
PDF_SCRIPT = _(
    "This PDF contains JavaScript, which readers' computers would run. Export it again without "
    "scripts (print to PDF, or use “Save as PDF” of the original) and upload the new copy."
)
OOXML_ENCRYPTED = _(
    "This file is password-protected (encrypted) or in the old Office format (.doc, .xls). "
    "Save it as .docx or .xlsx without a password and upload that."
)
OOXML_DAMAGED = _(
    "This file is named .%(extension)s but is not a Word or Excel file, or it is damaged. Save "
    "it again from Word or Excel and upload the new copy."
)
OOXML_MISMATCH = _(
    "This file is named .%(extension)s but its content is not a %(kind)s. Give it the right "
    "name, or save it again in that format."
)
ZIP_BOMB = _(
    "This file unpacks to far more data than a document holds (a “zip bomb”), and is refused."
)

KINDS = {"docx": _("Word document"), "xlsx": _("Excel workbook")}


def validate_publication_file(upload):
    """Check an uploaded file; return its format ("pdf", "docx" or "xlsx")."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ("pdf", *OOXML_PARTS):
        raise ValidationError(NOT_ACCEPTED, code="not_accepted")
    limit = settings.MAX_PUBLICATION_BYTES
    if upload.size == 0:
        raise ValidationError(EMPTY, code="empty")
    if upload.size > limit:
        raise ValidationError(
            TOO_BIG,
            code="too_big",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    start = upload.read(8)
    upload.seek(0)
    try:
        if extension == "pdf":
            check_pdf(upload, start)
        else:
            check_ooxml(upload, start, extension, limit)
    finally:
        upload.seek(0)
    return extension


def check_pdf(upload, start):
    if not start.startswith(PDF_START):
        raise ValidationError(NOT_A_PDF, code="not_pdf")
    if not ends_like_a_pdf(upload):
        raise ValidationError(PDF_DAMAGED, code="damaged")
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(PDF_ENCRYPTED, code="encrypted")
        if len(reader.pages) == 0:
            raise ValidationError(PDF_DAMAGED, code="damaged")
        if has_script(reader):
            raise ValidationError(PDF_SCRIPT, code="script")
    except ValidationError:
        raise
    except Exception as error:  # pypdf raises many kinds on a malformed file: all are "damaged"
        raise ValidationError(PDF_DAMAGED, code="damaged") from error


def ends_like_a_pdf(upload):
    """A whole PDF ends with %%EOF (give or take trailing bytes); a cut-off one does not, and
    pypdf would rebuild whatever it can of it instead of saying so."""
    upload.seek(max(0, upload.size - 1024))
    tail = upload.read()
    upload.seek(0)
    return b"%%EOF" in tail


def has_script(reader):
    """True if any object of the file names a script: every indirect object is read (those in
    object streams too), so a script is found wherever it hides — the catalogue's Names,
    OpenAction or AA, a page's or an annotation's actions, a form field."""
    numbers = {
        (number, generation) for generation, entries in reader.xref.items() for number in entries
    }
    numbers |= {(number, 0) for number in reader.xref_objStm}
    seen = [reader.trailer]
    for number, generation in numbers:
        seen.append(reader.get_object(IndirectObject(number, generation, reader)))
    return any(names_a_script(obj) for obj in seen)


def names_a_script(obj, depth=0):
    """Looks into direct objects only: each indirect one is read in its own turn."""
    if depth > 50:  # a nesting no real document has
        return True
    if isinstance(obj, DictionaryObject):
        if SCRIPT_KEYS & set(obj.keys()) or obj.get("/S") == "/JavaScript":
            return True
        values = obj.values()
    elif isinstance(obj, ArrayObject):
        values = obj
    else:
        return False
    return any(
        names_a_script(value, depth + 1)
        for value in values
        if not isinstance(value, IndirectObject)
    )


def check_ooxml(upload, start, extension, limit):
    if start.startswith(OLE_START):
        raise ValidationError(OOXML_ENCRYPTED, code="encrypted")
    params = {"extension": extension, "kind": KINDS[extension]}
    if not start.startswith(ZIP_START):
        raise ValidationError(OOXML_DAMAGED, code="damaged", params=params)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            encrypted = any(member.flag_bits & 0x1 for member in members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ValidationError(OOXML_DAMAGED, code="damaged", params=params) from error
    if unpacked > limit or unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        raise ValidationError(ZIP_BOMB, code="zip_bomb")
    if encrypted:
        raise ValidationError(OOXML_ENCRYPTED, code="encrypted")
    if "[Content_Types].xml" not in names:
        raise ValidationError(OOXML_DAMAGED, code="damaged", params=params)
    if OOXML_PARTS[extension] not in names:
        raise ValidationError(OOXML_MISMATCH, code="mismatch", params=params)


def validate_isbn(value):
    """An ISBN-10 or ISBN-13 whose check digit is right (hyphens and spaces allowed)."""
    digits = value.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        numbers = [int(d) for d in digits[:9]] + [10 if digits[9] == "X" else int(digits[9])]
        valid = sum((10 - i) * n for i, n in enumerate(numbers)) % 11 == 0
    elif len(digits) == 13 and digits.isdigit():
        valid = sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(digits)) % 10 == 0
    else:
        valid = False
    if not valid:
        raise ValidationError(
            _("This is not a valid ISBN: check its 10 or 13 digits (the last is a check digit)."),
            code="isbn",
        )
