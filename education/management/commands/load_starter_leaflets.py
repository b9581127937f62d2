from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from education import services


class Command(BaseCommand):
    help = (
        "Add the three starter leaflets (milia overview, post-extraction hygiene, infection warning signs) as "
        "versions awaiting clinical review. They are not medical advice until your clinician approves them. "
        "Where a leaflet already exists, newer starter text is offered as a version awaiting review; published "
        "versions and open drafts are never changed."
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
            outcomes = services.starter_leaflets_update(author=author)
        except services.WorkflowError as error:
            raise CommandError(str(error)) from error
        for outcome in outcomes:
            self.stdout.write(self._describe(outcome))
        if any(outcome.outcome in ("added", "offered") for outcome in outcomes):
            self.stdout.write(
                self.style.WARNING(
                    "A clinician must review and approve each leaflet in the admin before patients can see it."
                )
            )
        else:
            self.stdout.write("The starter leaflets are already present; nothing changed.")

    @staticmethod
    def _describe(outcome) -> str:
        name = f"{outcome.slug} ({outcome.language})"
        number = f"v{outcome.version.number}" if outcome.version is not None else ""
        if outcome.outcome == "added":
            return f"Added {outcome.slug} {number} ({outcome.language}): awaiting review."
        if outcome.outcome == "offered":
            return (
                f"Offered new starter text for {name} as {number}: awaiting review. "
                "The published version is unchanged until a clinician approves the new one."
            )
        if outcome.outcome == "already_offered":
            return f"{name}: the new starter text is already awaiting review as {number}."
        if outcome.outcome == "open_draft_kept":
            return (
                f"{name}: {number} is an open draft or in review, so it was not overwritten. "
                "Finish or discard it, then run this command again to be offered the new starter text."
            )
        return f"{name}: already has the current starter text ({number}); nothing changed."
