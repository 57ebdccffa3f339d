"""What search engines, feed readers and link previews read in a page's <head>.

The canonical address, the Open Graph image, and schema.org data as JSON-LD (`json_ld` writes it
into the page safely).
"""

import json
from urllib.parse import urlencode

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from images.specs import SOCIAL, social
from news.feeds import filter_query
from programmes.models import Office
from unodc_site.links import on_site

register = template.Library()

# As Django's json_script writes them: the same JSON, but no text inside can end the <script>
# element ("</script>") or open an HTML comment in it.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
OPEN_GRAPH_LOCALES = {"en": "en_GB", "ru": "ru_RU"}
UNODC = {
    "@type": "Organization",
    "name": "United Nations Office on Drugs and Crime",
    "url": "https://www.unodc.org/",
}

# {% filter_query filter %}: the news list's links to the feed narrowed as the list is.
register.simple_tag(filter_query)


@register.filter
def json_ld(data):
    """data as a <script type="application/ld+json"> element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )


@register.filter
def open_graph_locale(language_code):
    return OPEN_GRAPH_LOCALES.get(language_code, language_code)


@register.simple_tag(takes_context=True)
def canonical_url(context, news_filter=None):
    """The page's absolute address without its query string (tracking parameters and the like).

    On the news list, the filters in use and the page number stay: each is a page of its own.
    """
    request = context.get("request")
    if request is None:  # the 500 page is rendered without one
        return ""
    query = ""
    if news_filter is not None:
        query = filter_query(news_filter)
        if page := request.GET.get("page"):
            query += ("&" if query else "?") + urlencode({"page": page})
    return request.build_absolute_uri(on_site(request.path) + query)


def largest_image(request, item):
    """The item's picture for link previews: its social crop (1200 × 630, around the focal
    point, JPEG since not every preview reads WebP) once made, else the stored copy; or None."""
    image = item.image
    if image is None or not image.file:
        return None
    if image.has_renditions:
        url, (width, height) = social(image.file).url, SOCIAL
    else:
        url, width, height = image.file.url, image.width, image.height
    return {
        "url": request.build_absolute_uri(url),
        "width": width,
        "height": height,
        "alt": image.shown_alt,
    }


@register.inclusion_tag("includes/social_image.html", takes_context=True)
def social_image(context, item):
    """Open Graph image tags and the Twitter card: a large picture if the item has one."""
    return {"image": largest_image(context["request"], item)}


def regional_office(request):
    return {
        "@type": "Organization",
        "name": "UNODC Regional Office for Central Asia",
        "url": request.build_absolute_uri(reverse("home")),
        "parentOrganization": UNODC,
    }


@register.simple_tag(takes_context=True)
def news_article_data(context, item):
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title,
        "description": item.summary,
        "dateModified": item.updated_for_readers,
        "author": regional_office(request),
        "publisher": regional_office(request),
        "inLanguage": get_language(),
        "mainEntityOfPage": request.build_absolute_uri(item.get_absolute_url()),
    }
    if item.date:
        data["datePublished"] = item.date
    if image := largest_image(request, item):
        data["image"] = image["url"]
    if item.source:
        data["isBasedOn"] = request.build_absolute_uri(item.source.get_absolute_url())
    return data


@register.simple_tag(takes_context=True)
def office_data(context, office):
    request = context["request"]
    address = {"@type": "PostalAddress", "addressCountry": office.country.iso_code}
    if office.city:
        address["addressLocality"] = office.city
    if office.street_address:
        address["streetAddress"] = ", ".join(office.street_address.split("\n")).replace("\r", "")
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": office.name,
        "url": request.build_absolute_uri(office.get_absolute_url()),
        "address": address,
        # The programme offices belong to the Regional Office, which belongs to UNODC.
        "parentOrganization": UNODC
        if office.kind == Office.Kind.REGIONAL
        else regional_office(request),
    }
    if office.year_established:
        data["foundingDate"] = str(office.year_established)
    if office.phone:
        data["telephone"] = office.phone
    if office.email:
        data["email"] = office.email
    return data
