from django.core.management.base import BaseCommand

from education import services


class Command(BaseCommand):
    help = (
        "Give up the share emails whose worker stopped while sending them (claimed over 30 minutes ago, neither "
        "sent nor given up): each one's sealed address and message are erased. Nothing is sent, since the email "
        "may have gone. Run it hourly from cron; running it again changes nothing more."
    )

    def handle(self, *args, **options):
        given_up = services.share_emails_give_up_stuck()
        self.stdout.write(f"{given_up} stuck share email(s) given up.")
