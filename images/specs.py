"""The renditions of an item's image, made by django-imagekit: three widths, each twice.

Once as WebP, and once as a fallback for browsers without WebP: PNG for a PNG (it keeps
transparency), JPEG otherwise. A rendition is never wider than the original.
"""

from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.specs.sourcegroups import ImageFieldSourceGroup
from pilkit.processors import ResizeToFit

from images.models import HasImage

WIDTHS = [480, 960, 1600]
QUALITY = 80


class Rendition(ImageSpec):
    width = None  # set for each width below
    as_webp = False
    # Made once, when the item is saved with a new image (source group below), so they exist
    # before any page links to them. Serving then only builds URLs from file names: no check
    # of the storage or of a per-process cache, which matters with several app servers and the
    # media in S3. Images stored another way (a fixture, a copied bucket) get theirs from
    # `manage.py generateimages`.
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

# Every model with HasImage (news items, programmes) is a source.
images_of_items = ImageFieldSourceGroup(HasImage, "image")
for (width, as_webp), spec in SPECS.items():
    register.generator(rendition_id(width, as_webp), spec)
    register.source_group(rendition_id(width, as_webp), images_of_items)


def renditions(image, *, width, as_webp):
    """(file, width in pixels) for each rendition of the image, narrowest first.

    A narrower original gets fewer: its own width closes the list.
    """
    result = []
    for rendition_width in WIDTHS:
        spec = SPECS[rendition_width, as_webp](source=image)
        result.append((ImageCacheFile(spec), min(rendition_width, width)))
        if rendition_width >= width:
            break
    return result
