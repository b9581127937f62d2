from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from education import services


class Command(BaseCommand):
    help = (
        "Add the three starter leaflets (milia overview, post-extraction hygiene, infection warning signs) as "
        "versions awaiting clinical review. They are not medical advice until your clinician approves them. "
        "Leaflets that already exist are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--author",
            metavar="USERNAME",
            help="Record this leaflet editor as the author (default: the bundled 'starter-content' account).",
        )

    def handle(self, *args, **options):
        author = None
        if options["author"]:
            author = get_user_model().objects.filter(username=options["author"]).first()
            if author is None:
                raise CommandError(f"No user called {options['author']!r}.")
        try:
            loaded = services.starter_leaflets_load(author=author)
        except services.WorkflowError as error:
            raise CommandError(str(error)) from error
        if not loaded:
            self.stdout.write("The starter leaflets are already present; nothing changed.")
            return
        for version in loaded:
            self.stdout.write(f"Added {version.leaflet.slug} v{version.number} ({version.language}): awaiting review.")
        self.stdout.write(
            self.style.WARNING(
                "A clinician must review and approve each leaflet in the admin before patients can see it."
            )
        )
