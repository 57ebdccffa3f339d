from django import template
from django.utils.translation import get_language

from pages.menus import menus_in_request

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menus(context):
    """The published links of the main menu and the footer, and the regional office's
    contacts: {% site_menus as menus %}."""
    return menus_in_request(context.get("request"), get_language())
