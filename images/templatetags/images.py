from django import template

from images.specs import renditions

register = template.Library()


@register.inclusion_tag("includes/responsive_image.html")
def responsive_image(item, sizes="100vw", loading="lazy"):
    """The item's image as <picture>: WebP renditions, a fallback, and its caption and credit.

    `sizes` tells the browser how wide the image is shown, so it can pick a rendition before
    the layout is known. Pass loading="eager" for an image at the top of the page: lazy loading
    would delay what is likely the largest thing on it. Until the renditions are made (a
    background task, seconds after an upload) the stored copy itself is shown.
    """
    image = item.image
    if image is None or not image.file:
        return {}
    width, height = image.width or image.file.width, image.height or image.file.height
    context = {
        "src": image.file.url,
        "sizes": sizes,
        "loading": loading,
        # The original's size: the browser reserves the space (its aspect ratio) before loading.
        "width": width,
        "height": height,
        "alt": image.shown_alt,
        "caption": image.caption,
        "credit": image.credit,
    }
    if image.has_renditions:
        fallback = renditions(image.file, width=width, as_webp=False)
        context.update(
            webp_srcset=srcset(renditions(image.file, width=width, as_webp=True)),
            fallback_srcset=srcset(fallback),
            src=fallback[-1][0].url,
        )
    return context


def srcset(files_and_widths):
    return ", ".join(f"{file.url} {width}w" for file, width in files_and_widths)
