from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from unodc_site import health, views
from unodc_site.sitemaps import SITEMAPS

handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("news/", include("news.urls")),
    path("publications/", include("publications.urls")),
    path("", include("programmes.urls")),
    path("sources/", include("sources.urls")),
    path("search/", views.search, name="search"),
    path("", include("pages.urls")),  # last: a page's address is whatever no section takes
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
