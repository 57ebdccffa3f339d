"""The copy of an upload that is stored: upright, in sRGB, with nothing but the picture in it,
and no larger than the site needs.

Photos carry EXIF (camera, date, often the GPS position where they were taken), XMP, comments
and colour profiles. Drawing the pixels into a new file of the same format leaves all of it behind.
A camera's photo (25 MB, 6,000 pixels across) is scaled down until the stored copy fits
MAX_IMAGE_STORED_BYTES: the widest rendition is 1,600 pixels, so nothing a reader sees is lost.
"""

import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageCms, ImageOps

from images.validation import ACCEPTED_FORMATS

# Pillow opens some phone and camera JPEGs as MPO (a JPEG with a second frame, a depth map or a
# preview); browsers show the first frame, which is what is kept.
SAVED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
EXTENSION = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# The stored copy is the source of every rendition, so it keeps a high quality.
SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {}, "WEBP": {"quality": 90}}
SRGB = ImageCms.createProfile("sRGB")


def without_metadata(upload):
    upload.seek(0)
    with Image.open(upload, formats=ACCEPTED_FORMATS) as original:
        image_format = SAVED_FORMAT[original.format]
        picture = ImageOps.exif_transpose(original)
    upload.seek(0)
    picture = in_srgb(picture)
    if picture.has_transparency_data and picture.mode != "RGBA":
        # A palette or grey PNG keeps its transparency in `info`, which is emptied below, and
        # the renditions would lose it too.
        picture = picture.convert("RGBA")
    picture.info = {}  # Pillow writes some of it back: a JPEG comment, a PNG colour profile
    original_size = picture.size
    if max(picture.size) > settings.MAX_IMAGE_STORED_SIDE:
        picture = scaled(picture, settings.MAX_IMAGE_STORED_SIDE)
    content = encoded(picture, image_format)
    while len(content) > settings.MAX_IMAGE_STORED_BYTES and max(picture.size) > 480:
        picture = scaled(picture, int(max(picture.size) * 0.8))
        content = encoded(picture, image_format)
    stored = ContentFile(content, name=safe_name(upload.name, image_format))
    # Read by the form, which tells the editor (None: stored at its own size).
    stored.scaled_from = original_size if picture.size != original_size else None
    stored.stored_size = picture.size
    return stored


def scaled(picture, longest_side):
    copy = picture.copy()
    copy.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    return copy


def encoded(picture, image_format):
    output = io.BytesIO()
    picture.save(output, image_format, **SAVE_OPTIONS[image_format])
    return output.getvalue()


def in_srgb(picture):
    # Dropping the colour profile of, say, a phone's Display P3 photo would dull its colours:
    # convert to sRGB, which browsers assume when there is no profile, then drop it.
    profile = picture.info.get("icc_profile")
    if not profile:
        return picture
    mode = "RGBA" if "A" in picture.getbands() else "RGB"
    try:
        return ImageCms.profileToProfile(picture, io.BytesIO(profile), SRGB, outputMode=mode)
    except ImageCms.PyCMSError:
        return picture  # a mode or profile littleCMS cannot convert: keep the pixels as they are


def safe_name(original_name, image_format):
    stem = slugify(Path(original_name).stem)[:60] or "image"
    return stem + EXTENSION[image_format]
