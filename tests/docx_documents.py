"""Word documents for the import's tests, made with python-docx as Word would write them."""

import io

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from PIL import Image as PILImage


def png_bytes(size=(60, 40), color="teal"):
    output = io.BytesIO()
    PILImage.new("RGB", size, color).save(output, "PNG")
    return output.getvalue()


def saved(document):
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _text_run(text, tag="w:t"):
    run = OxmlElement("w:r")
    element = OxmlElement(tag)
    element.text = text
    element.set(qn("xml:space"), "preserve")
    run.append(element)
    return run


def add_link(paragraph, url, text):
    """A hyperlink as Word writes one: a w:hyperlink naming an external relationship."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    link.append(_text_run(text))
    paragraph._p.append(link)


def add_tracked_change(paragraph, inserted, deleted):
    """An insertion and a deletion with track changes on."""
    for tag, text, text_tag in [("w:ins", inserted, "w:t"), ("w:del", deleted, "w:delText")]:
        change = OxmlElement(tag)
        change.set(qn("w:id"), "1" if tag == "w:ins" else "2")
        change.set(qn("w:author"), "Reviewer")
        change.set(qn("w:date"), "2021-03-12T10:00:00Z")
        change.append(_text_run(text, text_tag))
        paragraph._p.append(change)


def press_release(site_link="/en/programmes/programme-for-central-asia-2015-2019/"):
    """A UNODC press release with the structure editors paste from Word."""
    document = docx.Document()
    document.add_heading("Border officers of Central Asia trained in Almaty", level=0)
    first = document.add_paragraph("TASHKENT (Uzbekistan), 12 March 2021 – Officers from ")
    first.add_run("five countries").bold = True
    first.add_run(" met in ")
    first.add_run("Almaty").italic = True
    first.add_run(" with ")
    add_link(first, "https://www.unodc.org/", "UNODC")
    first.add_run(" under ")
    add_link(first, site_link, "the Programme for Central Asia")
    first.add_run(".")
    document.add_heading("What the officers agreed", level=1)
    document.add_paragraph("Joint patrols on the border", style="List Bullet")
    document.add_paragraph("Shared training centres", style="List Bullet")
    document.add_paragraph("Sign the plan", style="List Number")
    document.add_paragraph("Report in a year", style="List Number")
    table = document.add_table(rows=2, cols=3)
    for cells, texts in zip(
        (row.cells for row in table.rows),
        [["Country", "Officers", "Posts"], ["Kazakhstan", "40", "3"]],
        strict=True,
    ):
        for cell, text in zip(cells, texts, strict=True):
            cell.text = text
    document.add_picture(io.BytesIO(png_bytes()))
    document.add_paragraph("The training ends on Friday.")
    return saved(document)


def simple(*paragraphs, title="Seizure in Osh"):
    document = docx.Document()
    document.add_heading(title, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    return document
