"""Real PDF, Word and Excel files made in the tests (and bench/publications.py), good and bad."""

import io
import zipfile

from pypdf import PdfReader, PdfWriter


def make_pdf(pages=1, text="Opium poppy survey", image=None):
    """A PDF of `pages` pages, each with a line of text (Helvetica) and, if `image` (JPEG bytes,
    or a function of the page number giving them) is given, that picture under it."""
    objects = []  # bytes of each object, numbered from 1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    tree = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for number in range(1, pages + 1):
        line = f"{text} page {number}".replace("\\", "").replace("(", "").replace(")", "")
        drawing = f"BT /F1 18 Tf 72 720 Td ({line}) Tj ET".encode()
        resources = f"/Font << /F1 {font} 0 R >>".encode()
        if image is not None:
            picture = image(number) if callable(image) else image
            width, height = jpeg_size(picture)
            xobject = add(
                b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
                % (width, height, len(picture))
                + picture
                + b"\nendstream"
            )
            resources += b" /XObject << /Im1 %d 0 R >>" % xobject
            drawing += b"\nq 468 0 0 468 72 200 cm /Im1 Do Q"
        content = add(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << %s >> "
                b"/Contents %d 0 R >>" % (tree, resources, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    output = io.BytesIO()
    output.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(
        b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, xref)
    )
    return output.getvalue()


def jpeg_size(data):
    """(width, height) of a baseline or progressive JPEG, from its SOF marker."""
    position = 2
    while position < len(data):
        marker, length = data[position + 1], int.from_bytes(data[position + 2 : position + 4])
        if marker in (0xC0, 0xC1, 0xC2):
            height = int.from_bytes(data[position + 5 : position + 7])
            width = int.from_bytes(data[position + 7 : position + 9])
            return width, height
        position += 2 + length
    raise ValueError("not a JPEG")


def rewritten(pdf, change):
    """The PDF copied by pypdf's writer after change(writer): add_js, encrypt, …"""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def ooxml(parts):
    """A zip of {name: bytes}, deflated, as Word and Excel write them."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return output.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def make_docx(text="Border management training report"):
    """A real Word document (python-docx's own template), with one paragraph."""
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def make_xlsx(words=("Seizures", "Heroin")):
    namespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = "".join(f"<si><t>{word}</t></si>" for word in words)
    return ooxml(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": f'<workbook xmlns="{namespace}"/>'.encode(),
            "xl/sharedStrings.xml": f'<sst xmlns="{namespace}">{strings}</sst>'.encode(),
            "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{namespace}"/>'.encode(),
        }
    )
