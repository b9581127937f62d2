"""`manage.py enrol_totp USERNAME`: give a member of staff an authenticator app for two-factor login."""

import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.otp import TOTP_DEVICE_NAME


class Command(BaseCommand):
    help = (
        "Create a TOTP device (authenticator app) for a member of staff and print its otpauth:// address and a "
        "QR code to scan. Refuses unknown users. A user who already has one keeps it unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="Remove the user's existing authenticator apps first."
        )
        parser.add_argument("--no-qr", action="store_true", help="Print only the otpauth:// address.")

    def handle(self, *args, username, replace, no_qr, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as error:
            raise CommandError(f"No user with the username {username!r}. Nothing was created.") from error
        with transaction.atomic():
            existing = TOTPDevice.objects.select_for_update().filter(user=user)
            if existing.exists() and not replace:
                raise CommandError(
                    f"{username} already has an authenticator app. Use --replace to remove it and enrol a new one."
                )
            removed, _detail = existing.delete()
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
        url = device.config_url
        if not (user.is_active and user.is_staff):
            self.stderr.write(f"Note: {username} is not an active member of staff and cannot use the admin yet.")
        if removed:
            self.stdout.write(f"Removed {username}'s previous authenticator app.")
        self.stdout.write(f"Authenticator app enrolled for {username}. Scan this QR code with the app,")
        self.stdout.write("or type in the address below. Both contain the secret key: do not save or send them.\n")
        if not no_qr:
            qr = io.StringIO()
            segno.make(url, error="m").terminal(out=qr, compact=True)
            self.stdout.write(qr.getvalue())
        self.stdout.write(url)
