"""The project's admin site: Django's, plus two-factor login when STAFF_2FA_REQUIRED is on.

Installed as Django's default admin site through `ClinicAdminConfig` (in INSTALLED_APPS instead of
"django.contrib.admin"), so every `admin.site.register` and `@admin.register` keeps working unchanged.
This module is imported while the app registry loads, so it imports nothing that needs models at the top.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ClinicAdminSite(AdminSite):
    """Like django-otp's OTPAdminSite, but switchable: with two-factor login required, only a member of staff
    verified by their authenticator app in this session gets in; without, it is Django's admin site."""

    site_header = _("Patient leaflets: staff")
    site_title = _("Patient leaflets")
    index_title = _("Leaflets, clinics and records")

    @property
    def login_form(self):
        from clinic.otp import TwoFactorLoginForm, two_factor_required

        return TwoFactorLoginForm if two_factor_required() else None

    @property
    def login_template(self):
        from clinic.otp import two_factor_required

        return "registration/two_factor_login.html" if two_factor_required() else None

    def has_permission(self, request):
        from clinic.otp import is_verified, two_factor_required

        if not super().has_permission(request):
            return False
        return is_verified(request.user) or not two_factor_required()


class ClinicAdminConfig(AdminConfig):
    default_site = "clinic.admin_site.ClinicAdminSite"
