from django.core.management.base import BaseCommand

from education import services


class Command(BaseCommand):
    help = (
        "Notify each leaflet owner (or a deputy when the owner is inactive) of published versions whose review "
        "is due within 30 days, and again once overdue: on their staff home and by email. Run it daily from "
        "cron; each notification is made once per review date, however often it runs."
    )

    def handle(self, *args, **options):
        made = services.review_due_notify()
        for notification in made:
            self.stdout.write(
                f"{notification.get_kind_display()}: {notification.version} -> {notification.recipient.get_username()}"
            )
        self.stdout.write(f"{len(made)} review notification(s) made.")
