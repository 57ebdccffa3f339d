from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from unodc_site import views

admin.site.site_header = _("UNODC ROCA — site administration")
admin.site.site_title = _("UNODC ROCA admin")
admin.site.index_title = _("Content")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("news/", include("news.urls")),
    path("", include("programmes.urls")),
    path("sources/", include("sources.urls")),
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
