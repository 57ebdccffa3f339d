"""Library images inside rich text: `<img data-file="7" alt="…">` in what is stored, checked when
saved, and served as the same responsive <picture> as an item's own image (one query for every
image of a text)."""

import lxml.html
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from editorial.changes import kept_each_until_content_changes
from editorial.richtext import DATA_FILE
from images.models import Image
from images.specs import renditions

SIZES = "(min-width: 60rem) 58rem, calc(100vw - 2rem)"


def _images(root):
    elements = list(root.iter("img"))
    keys = {int(key) for el in elements if (key := el.get(DATA_FILE) or "").isdigit()}
    return elements, Image.objects.in_bulk(keys) if keys else {}


def _image_of(element, images):
    key = element.get(DATA_FILE) or ""
    return images.get(int(key)) if key.isdigit() else None


def store(root, language):
    """Each image a library image with alt text (its own, or the library's in the text's
    language), or decorative; otherwise a ValidationError saying which and what to do."""
    elements, images = _images(root)
    problems = []
    for element in elements:
        image = _image_of(element, images)
        if image is None:
            problems.append(
                _(
                    "An image in the text is not from the media library: remove it, then insert "
                    "it with “Browse…” in the image dialog (the library checks every upload)."
                )
            )
            continue
        alt = (element.get("alt") or "").strip()
        if image.is_decorative:
            alt = ""
        elif not alt:
            alt = (getattr(image, f"alt_text_{language}", None) if language else None) or ""
            if not alt:
                problems.append(
                    _(
                        "The image “%(title)s” in the text has no alt text: describe it in the "
                        "image dialog, or mark it decorative in the media library."
                    )
                    % {"title": image.title}
                )
        element.set("alt", alt)
        element.set("src", image.file.url)
        element.attrib.pop("width", None)
        element.attrib.pop("height", None)
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))


def refresh(root):
    """Each image at its current file, for the editor to show."""
    elements, images = _images(root)
    for element in elements:
        if image := _image_of(element, images):
            element.set("src", image.file.url)


def render(root):
    """Each library image as a <picture> of its renditions (the stored copy until they are
    made), the credit after the caption; an image gone from the library leaves nothing. The
    markup of each image is kept until the content changes: no query per text."""
    elements = list(root.iter("img"))
    keys = {key for el in elements if (key := el.get(DATA_FILE) or "").isdigit()}
    shown = (
        kept_each_until_content_changes(f"text-image:{get_language()}", keys, _pictures)
        if keys
        else {}
    )
    for element in elements:
        markup, credit = shown.get(element.get(DATA_FILE) or "") or (None, "")
        parent = element.getparent()
        if markup is None:
            if parent.tag == "figure" and len(parent) == 1:
                parent.drop_tree()
            else:
                element.drop_tree()
            continue
        shown_picture = lxml.html.fragment_fromstring(markup)
        shown_picture.find("img").set("alt", element.get("alt") or "")
        element.addprevious(shown_picture)
        element.drop_tree()
        if parent.tag == "figure":
            parent.set("class", "responsive-image")
            if credit:
                _add_credit(parent, credit)


def _add_credit(figure, credit):
    caption = figure.find("figcaption")
    if caption is None:
        caption = lxml.html.Element("figcaption")
        figure.append(caption)
    span = lxml.html.Element("span", {"class": "credit"})
    span.text = f" {credit}" if caption.text_content() else credit
    caption.append(span)


def _pictures(keys):
    images = Image.objects.in_bulk([int(key) for key in keys])
    return {
        key: (
            (lxml.html.tostring(picture(image, ""), encoding="unicode"), image.credit)
            if (image := images.get(int(key))) and image.file
            else None
        )
        for key in keys
    }


def picture(image, alt):
    width, height = image.width or image.file.width, image.height or image.file.height
    img = lxml.html.Element(
        "img",
        {
            "src": image.file.url,
            "alt": alt,
            "width": str(width),
            "height": str(height),
            "loading": "lazy",
            "decoding": "async",
        },
    )
    element = lxml.html.Element("picture")
    if image.has_renditions:
        webp = renditions(image.file, width=width, as_webp=True)
        fallback = renditions(image.file, width=width, as_webp=False)
        source = lxml.html.Element(
            "source", {"type": "image/webp", "srcset": srcset(webp), "sizes": SIZES}
        )
        element.append(source)
        img.set("src", fallback[-1][0].url)
        img.set("srcset", srcset(fallback))
        img.set("sizes", SIZES)
    element.append(img)
    return element


def srcset(files_and_widths):
    return ", ".join(f"{file.url} {width}w" for file, width in files_and_widths)
