import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic.models import Clinic
from education import services
from education.models import LeafletVersion, Notification

DEMO_CLINIC = {
    "slug": "riverside-skin-demo",
    "name": "Riverside Skin Clinic (demo)",
    "address": "1 Example Street\nRiverside RV1 0AA",
    "phone": "01632 960 000",
    "email": "clinic@example.org",
    "website": "https://example.org",
    "urgent_care_advice": (
        "If the clinic is closed and you need help today, call your GP or NHS 111. "
        "In an emergency, call 999 or go to A&E."
    ),
    "urgent_care_advice_translations": {
        "fr": (
            "Exemple pour la France, à remplacer par vos consignes. Cabinet fermé : appelez votre médecin "
            "traitant. Urgence : appelez le 15 (SAMU) ou le 112."
        ),
    },
    "primary_colour": "#0b5394",
    "accent_colour": "#8a3b12",
}
STARTER_SLUGS = ["milia-overview", "post-extraction-hygiene", "infection-warning-signs"]
DEMO_USERS = [
    ("editor", "Eddie", "Editor (demo)", "Leaflet editors", False),
    ("clinician", "Dr Claire", "Clinician (demo)", "Clinical approvers", False),
    ("admin", "Ada", "Admin (demo)", None, True),
]


class Command(BaseCommand):
    help = (
        "Load demo data for local use: a fictional clinic, the users editor, clinician and admin, and the three "
        "starter leaflets published. Safe to run again. Refuses to run when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for the three demo users (default: a new random one).")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for local use only: set DEBUG=true to load it.")
        password = options["password"] or secrets.token_urlsafe(12)
        if len(password) < 8:
            raise CommandError("Use a demo password of at least 8 characters.")
        started = timezone.now()
        with transaction.atomic():
            clinic = self._clinic()
            users = self._users(password)
            services.starter_leaflets_load(author=users["editor"])
            services.starter_codes_apply(user=users["editor"])
            published = self._publish(approver=users["clinician"])
            # Setting the demo up is nobody's waiting work: its own submissions and approvals are not news on the
            # demo users' staff home (they stay in the history; only these new notifications are marked read).
            made_now = Notification.objects.filter(created_at__gte=started).values_list("pk", flat=True)
            for user in users.values():
                services.notifications_mark_read(user=user, ids=list(made_now))
        self.stdout.write(f"Demo clinic: {clinic.name}")
        for version in published:
            self.stdout.write(f"Published {version.leaflet.slug} v{version.number} ({version.language}).")
        self.stdout.write(self.style.SUCCESS(f"Demo logins ({settings.SITE_URL.rstrip('/')}/admin/):"))
        for username, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {password}")

    def _clinic(self) -> Clinic:
        clinic, _created = Clinic.objects.get_or_create(slug=DEMO_CLINIC["slug"], defaults=DEMO_CLINIC)
        translations = clinic.urgent_care_advice_translations or {}
        if "NHS 111" in str(translations.get("fr", "")):
            # Older demo data sent French readers to the NHS: give them the French example instead.
            clinic.urgent_care_advice_translations = {**translations, **DEMO_CLINIC["urgent_care_advice_translations"]}
            clinic.save(update_fields=["urgent_care_advice_translations"])
        if not Clinic.objects.filter(is_default=True).exists():
            clinic.is_default = True
            clinic.save(update_fields=["is_default"])
        return clinic

    def _users(self, password: str) -> dict:
        users = {}
        for username, first, last, group, superuser in DEMO_USERS:
            user, _created = get_user_model().objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.org"  # a reserved domain: review reminders show, nobody receives them
            user.is_staff = True
            user.is_superuser = superuser
            user.is_active = True
            user.set_password(password)
            user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            users[username] = get_user_model().objects.get(pk=user.pk)
        return users

    def _publish(self, *, approver) -> list[LeafletVersion]:
        published = []
        waiting = LeafletVersion.objects.filter(
            leaflet__slug__in=STARTER_SLUGS,
            status=LeafletVersion.Status.IN_REVIEW,
        ).order_by("leaflet__slug", "language")
        for version in waiting:
            if services.is_contributor(version=version, user=approver):
                continue
            published.append(
                services.version_approve_and_publish(
                    version=version,
                    user=approver,
                    content_hash=version.content_hash,
                    attested=True,
                    comment="Demo: approved for the fictional demo clinic.",
                )
            )
        return published
