from django.conf import settings
from django.urls import translate_url


def language_links(request):
    """The current page in each of the site's languages, for the switcher and hreflang links."""
    return {
        "language_links": [
            {"code": code, "name": name, "url": translate_url(request.get_full_path(), code)}
            for code, name in settings.LANGUAGES
        ]
    }
