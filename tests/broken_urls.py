from django.urls import path

from unodc_site.urls import handler404, handler500  # noqa: F401 - the site's error pages
from unodc_site.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a fault on our side")


urlpatterns = [path("boom/", fail), path("api/boom/", fail), *site_urlpatterns]
