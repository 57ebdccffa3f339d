# Other apps' configurations by their modules: Django takes a configuration class imported
# here as a candidate for this app's own.
import axes.apps
import django.contrib.admin.apps
import django_otp.plugins.otp_static.apps
import django_otp.plugins.otp_totp.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    default = True  # the other configurations below are for other apps
    name = "unodc_site"
    verbose_name = "UNODC ROCA site"

    def ready(self):
        from api.throttling import window_count
        from unodc_site import page_cache

        # An API answer served from the page cache still counts against the rate limit.
        page_cache.count_requests(page_cache.API_PATH, window_count)


class SiteAdminConfig(django.contrib.admin.apps.AdminConfig):
    default = False
    default_site = "unodc_site.security.TwoFactorAdminSite"


# Other apps under the names editors know them by in the admin.
class LoginLockoutsConfig(axes.apps.AppConfig):
    default = False
    verbose_name = _("Login lockouts")


class AuthenticatorAppsConfig(django_otp.plugins.otp_totp.apps.DefaultConfig):
    default = False
    verbose_name = _("Two-factor devices: authenticator apps")


class OneTimeCodesConfig(django_otp.plugins.otp_static.apps.DefaultConfig):
    default = False
    verbose_name = _("Two-factor devices: one-time codes")
