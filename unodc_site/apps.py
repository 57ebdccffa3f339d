from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class SiteConfig(AppConfig):
    name = "unodc_site"
    verbose_name = "UNODC ROCA site"

    def ready(self):
        from unodc_site.page_cache import content_changed

        # Any change to public content, whoever makes it, makes every cached page stale.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"page-cache-{signal}")
