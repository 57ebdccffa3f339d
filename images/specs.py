"""The renditions of a library image, made by django-imagekit (images/tasks.py makes them).

Three widths, each twice: once as WebP, once as a fallback for browsers without WebP (PNG for
a PNG, which keeps transparency; JPEG otherwise); never wider than the original. Two crops of
a fixed shape, cut around the image's focal point: the library's thumbnail and the picture
that social networks show with a shared link.
"""

from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from pilkit.processors import ResizeToFill, ResizeToFit

WIDTHS = [480, 960, 1600]
QUALITY = 80
THUMBNAIL = (160, 160)
SOCIAL = (1200, 630)  # what Facebook, LinkedIn and X show best


class Rendition(ImageSpec):
    width = None  # set for each width below
    as_webp = False
    # Serving only builds URLs from file names: no check of the storage or of a per-process
    # cache, which matters with several app servers and the media in S3. The image's
    # renditions_of says whether they have been made.
    cachefile_strategy = "imagekit.cachefiles.strategies.Optimistic"

    @property
    def processors(self):
        return [ResizeToFit(width=self.width, upscale=False)]

    @property
    def format(self):
        if self.as_webp:
            return "WEBP"
        # From the name, not the content: the name of the rendition is computed from it on
        # every page, and the stored original's extension always matches its content.
        return "PNG" if self.source.name.lower().endswith(".png") else "JPEG"

    @property
    def options(self):
        return {"PNG": {"optimize": True}}.get(self.format, {"quality": QUALITY})


def around_focal_point(image, width, height):
    """The anchor that cuts a width × height crop (in the image's proportions scaled to
    cover it) as nearly centred on the focal point as the edges allow."""
    if not (image.width and image.height):
        return (0.5, 0.5)
    scale = max(width / image.width, height / image.height)
    anchor = []
    for size, crop, focal in (
        (image.width * scale, width, image.focal_x),
        (image.height * scale, height, image.focal_y),
    ):
        spare = size - crop
        if spare <= 0:
            anchor.append(0.5)
            continue
        start = min(max(size * focal / 100 - crop / 2, 0), spare)
        anchor.append(start / spare)
    return tuple(anchor)


class Crop(Rendition):
    size = None

    @property
    def processors(self):
        # The anchor is part of the rendition's name (imagekit hashes the processors): a new
        # focal point makes new files, and pages never show a crop of the old one.
        anchor = around_focal_point(self.source.instance, *self.size)
        return [ResizeToFill(*self.size, anchor=anchor, upscale=True)]


class Thumbnail(Crop):
    size = THUMBNAIL


class Social(Crop):
    size = SOCIAL

    @property
    def format(self):
        return "JPEG"  # what every network reads; a PNG social card is also far larger


def rendition_id(width, as_webp):
    return f"images:{'webp' if as_webp else 'fallback'}-{width}"


SPECS = {
    (width, as_webp): type(
        f"Rendition{width}{'WebP' if as_webp else ''}",
        (Rendition,),
        {"width": width, "as_webp": as_webp},
    )
    for width in WIDTHS
    for as_webp in (True, False)
}
for (width, as_webp), spec in SPECS.items():
    register.generator(rendition_id(width, as_webp), spec)
register.generator("images:thumbnail", Thumbnail)
register.generator("images:social", Social)


def all_specs():
    return [*SPECS.values(), Thumbnail, Social]


def renditions(file, *, width, as_webp):
    """(file, width in pixels) for each rendition of the image file, narrowest first.

    A narrower original gets fewer: its own width closes the list.
    """
    result = []
    for rendition_width in WIDTHS:
        spec = SPECS[rendition_width, as_webp](source=file)
        result.append((ImageCacheFile(spec), min(rendition_width, width)))
        if rendition_width >= width:
            break
    return result


def thumbnail(file):
    return ImageCacheFile(Thumbnail(source=file))


def social(file):
    return ImageCacheFile(Social(source=file))
