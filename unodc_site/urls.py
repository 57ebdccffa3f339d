from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from editorial.admin import check_query_strings_everywhere
from unodc_site import health, views
from unodc_site.security import TwoFactorAdminSite
from unodc_site.sitemaps import SITEMAPS

# As django-otp's documentation suggests: the default site, with its registrations, asks for a
# second factor (when settings.ADMIN_REQUIRE_2FA).
admin.site.__class__ = TwoFactorAdminSite
admin.site.site_header = _("UNODC ROCA — site administration")
admin.site.site_title = _("UNODC ROCA admin")
admin.site.index_title = _("Content")
check_query_strings_everywhere(admin.site)

handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
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
    path("about/", views.about, name="about"),
    path("news/", include("news.urls")),
    path("", include("programmes.urls")),
    path("sources/", include("sources.urls")),
    path("search/", views.search, name="search"),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
