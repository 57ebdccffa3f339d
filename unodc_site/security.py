"""Signing in to the admin: two factors when ADMIN_REQUIRE_2FA, and the client address for axes.

The admin site asks for a TOTP code from an authenticator app as well as the password
(django-otp's OTPAdminSite) when settings.ADMIN_REQUIRE_2FA is true, read on each request.
A staff member without an app signs in once with a one-time code from an administrator
(`manage.py addstatictoken`) and sets the app up on the "Two-factor authentication" page.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.csp import csp_override
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.throttling import BaseThrottle

from editorial.calendar import schedule_calendar
from unodc_site.link_picker import link_picker


def client_ip_address(request):
    """The client's address as the API's rate limit finds it (REST_FRAMEWORK["NUM_PROXIES"])."""
    return BaseThrottle().get_ident(request)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: the site's page, in the reader's language."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    # django-otp has no Russian catalogue: the messages a TOTP user can meet are the site's own.
    otp_error_messages = OTPAdminAuthenticationForm.otp_error_messages | {
        "token_required": gettext_lazy("Enter the code from your authenticator app."),
        "invalid_token": gettext_lazy("That code is not right. Check it and try again."),
        "n_failed_attempts": ngettext_lazy(
            "After %(failure_count)d wrong code, wait a few seconds before trying again.",
            "After %(failure_count)d wrong codes, wait a few seconds before trying again.",
            "failure_count",
        ),
        "verification_not_allowed": gettext_lazy("Codes cannot be checked just now: try again."),
        "device_required": gettext_lazy("Choose the device the code comes from."),
    }
    otp_device = forms.CharField(label=gettext_lazy("Device"), required=False, widget=forms.Select)
    otp_token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_otp(self, user):
        if user is not None and not self.cleaned_data.get("otp_device"):
            devices = usable_devices(user)
            if not devices:
                raise ValidationError(
                    _(
                        "This account has no authenticator app yet. Ask an administrator for "
                        "a one-time code, sign in with it and set up the app."
                    ),
                    code="no_device",
                )
            if len(devices) == 1:  # the usual case: nothing to choose
                self.cleaned_data["otp_device"] = devices[0].persistent_id
        super().clean_otp(user)


class ConfirmDeviceForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code shown by the app"),
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TwoFactorAdminSite(OTPAdminSite):
    """Django's admin; with ADMIN_REQUIRE_2FA, only for staff verified by a second factor."""

    site_header = gettext_lazy("UNODC ROCA — site administration")
    site_title = gettext_lazy("UNODC ROCA admin")
    index_title = gettext_lazy("Content")

    @property
    def login_form(self):
        return TwoFactorLoginForm if settings.ADMIN_REQUIRE_2FA else AdminAuthenticationForm

    @property
    def login_template(self):
        return "admin/two_factor_login.html" if settings.ADMIN_REQUIRE_2FA else None

    def has_permission(self, request):
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)
        return admin.AdminSite.has_permission(self, request)

    def admin_view(self, view, cacheable=False):
        return csp_override(settings.ADMIN_CSP)(super().admin_view(view, cacheable))

    def get_urls(self):
        return [
            path("two-factor/", self.admin_view(self.two_factor), name="two_factor"),
            path("calendar/", self.admin_view(self.schedule_calendar), name="schedule_calendar"),
            path("link-picker/", self.admin_view(self.link_picker), name="link_picker"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        # Signed in with an administrator's one-time code: set up the app before anything else.
        if settings.ADMIN_REQUIRE_2FA and not has_authenticator_app(request.user):
            return redirect("admin:two_factor")
        return super().index(request, extra_context)

    def link_picker(self, request):
        return link_picker(request, self)

    def schedule_calendar(self, request):
        return schedule_calendar(request, self)

    def two_factor(self, request):
        """Set up an authenticator app: scan the QR code, then confirm with one code from it."""
        if has_authenticator_app(request.user):
            device, form = None, None
        else:
            device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
            if device is None:
                device = TOTPDevice.objects.create(
                    user=request.user, name=_("Authenticator app"), confirmed=False
                )
            form = ConfirmDeviceForm(request.POST or None)
            if form.is_valid():
                allowed, _reason = device.verify_is_allowed()  # wrong codes make it wait
                if allowed and device.verify_token(form.cleaned_data["token"]):
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    otp_login(request, device)
                    messages.success(request, _("Your authenticator app is set up."))
                    return redirect("admin:index")
                form.add_error(
                    "token",
                    _("That code is not right. Enter the code shown now.")
                    if allowed
                    else _("Too many wrong codes: wait a few seconds, then enter the code again."),
                )
        context = {
            **self.each_context(request),
            "title": _("Two-factor authentication"),
            "device": device,
            "form": form,
            "qr_code": qr_code_svg(device.config_url) if device else "",
            "secret": secret_for_typing(device) if device else "",
            "require_2fa": settings.ADMIN_REQUIRE_2FA,
        }
        return TemplateResponse(request, "admin/two_factor.html", context)


def usable_devices(user):
    """The user's confirmed devices, less one-time codes that are all used up."""
    return [
        device
        for device in devices_for_user(user)
        if not isinstance(device, StaticDevice) or device.token_set.exists()
    ]


def has_authenticator_app(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def qr_code_svg(data):
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage)
    return mark_safe(image.to_string(encoding="unicode"))  # qrcode's own markup, no user text


def secret_for_typing(device):
    """The key in base32, in groups of four, for apps that cannot scan."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def username_for_lockout(request, credentials=None):
    """The user name django-axes records, cut to its column's 255 characters: a longer one
    typed into the login form is a failed login like any other, not a 500 on PostgreSQL
    (jazzband/django-axes#1381)."""
    source = credentials if credentials else request.POST
    return str(source.get("username") or "")[:255]
