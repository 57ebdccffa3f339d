from django.conf import settings
from django.urls import translate_url

from unodc_site.links import on_site


def language_links(request):
    """The current page in each of the site's languages, for the switcher and hreflang links."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return {
        "language_links": [
            {"code": code, "name": name, "url": on_site(translate_url(request.path, code)) + query}
            for code, name in settings.LANGUAGES
        ]
    }
