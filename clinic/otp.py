"""Two-factor login for staff with an authenticator app (TOTP, django-otp).

Required when the STAFF_2FA_REQUIRED setting is on (the default with DEBUG off), read at call time so tests
and deployments can switch it. The admin asks for the app's 6-digit code on its login page
(`TwoFactorLoginForm`), and treats a member of staff who signed in without it as not signed in; the staff
pages under /staff/ follow the same rule (`education.middleware.StaffTwoFactorMiddleware`).
"""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm

TOTP_DEVICE_NAME = "Authenticator app"


def two_factor_required() -> bool:
    return bool(getattr(settings, "STAFF_2FA_REQUIRED", False))


def is_verified(user) -> bool:
    """True when the signed-in user proved the second factor in this session (django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """The admin login form plus the authenticator app's code.

    django-otp asks the user to pick a device once the password is known to be right; almost every member
    of staff has exactly one, so it is picked for them and the login is one step.
    """

    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
    )
    no_device_message = _(
        "Two-factor login is required, and this account has no authenticator app yet. "
        "Ask your administrator to enrol one (manage.py enrol_totp)."
    )

    one_message = _(
        "Please enter the correct username, password and code from your authenticator app. "
        "Note that both fields may be case-sensitive."
    )

    def clean(self):
        # The password check of Django's admin form (staff only, active only), then the code. A wrong password
        # and a wrong or missing code get the same message, so the page never confirms a guessed password.
        try:
            self.cleaned_data = AdminAuthenticationForm.clean(self)
            user = self.get_user()
            if user is not None:
                if not self.cleaned_data.get("otp_device"):
                    devices = list(devices_for_user(user, confirmed=True))
                    if not devices:
                        raise forms.ValidationError(self.no_device_message, code="no_device")
                    if len(devices) == 1:
                        self.cleaned_data["otp_device"] = devices[0].persistent_id
                self.clean_otp(user)
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "no_device":
                raise  # only after a right password, and a guesser gains nothing from it: nobody can log in
            raise forms.ValidationError(self.one_message, code="invalid_login") from None
        return self.cleaned_data
