from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "unodc_site"
    verbose_name = "UNODC ROCA site"

    def ready(self):
        from api.throttling import window_count
        from unodc_site import page_cache

        # An API answer served from the page cache still counts against the rate limit.
        page_cache.count_requests(page_cache.API_PATH, window_count)
