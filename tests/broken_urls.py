from django.urls import path

from unodc_site.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a fault on our side")


urlpatterns = [path("boom/", fail), *site_urlpatterns]
