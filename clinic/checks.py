"""System checks for production (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that never deliver mail: the console one prints each message (a patient's address, the staff
# member's note and the live share link) to the server log.
NOT_A_MAIL_SERVER = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_real_email_backend(app_configs, **kwargs):
    if settings.DEBUG or settings.EMAIL_BACKEND not in NOT_A_MAIL_SERVER:
        return []
    return [
        Error(
            "With DEBUG off a real mail server is required: set EMAIL_URL (see docs/deploy.md).",
            hint="Without it, share emails would be printed to the server log with the patient's address.",
            id="clinic.E001",
        )
    ]
