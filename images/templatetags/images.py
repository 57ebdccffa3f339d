from django import template

from images.specs import renditions

register = template.Library()


@register.inclusion_tag("includes/responsive_image.html")
def responsive_image(item, sizes="100vw", loading="lazy"):
    """The item's image as <picture>: WebP renditions, a fallback, and its caption and credit.

    `sizes` tells the browser how wide the image is shown, so it can pick a rendition before
    the layout is known. Pass loading="eager" for an image at the top of the page: lazy loading
    would delay what is likely the largest thing on it.
    """
    image = item.image
    if not image:
        return {}
    width, height = item.image_width or image.width, item.image_height or image.height
    fallback = renditions(image, width=width, as_webp=False)
    return {
        "webp_srcset": srcset(renditions(image, width=width, as_webp=True)),
        "fallback_srcset": srcset(fallback),
        "src": fallback[-1][0].url,
        "sizes": sizes,
        "loading": loading,
        # The original's size: the browser reserves the space (its aspect ratio) before loading.
        "width": width,
        "height": height,
        "alt": "" if item.image_is_decorative else item.image_alt,
        "caption": item.image_caption,
        "credit": item.image_credit,
    }


def srcset(files_and_widths):
    return ", ".join(f"{file.url} {width}w" for file, width in files_and_widths)
