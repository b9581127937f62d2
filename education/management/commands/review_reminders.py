from django.core.management.base import BaseCommand, CommandError

from education import jobs, services

MAX_DAYS = 3650


class Command(BaseCommand):
    help = (
        "Email each leaflet owner the leaflets whose published version is due for clinical review within "
        "--days days (default 90) or overdue. Safe to run from cron as often as you like: a leaflet is "
        "reminded at most once a day. Leaflets without an owner, or whose owner has no email, are reported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=90, help="Remind about reviews due within this many days (default 90)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would be sent; send and record nothing.")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Leave the sending to the background worker (retried there if the mail server fails).",
        )

    def handle(self, *args, **options):
        days, dry_run = options["days"], options["dry_run"]
        if not 0 <= days <= MAX_DAYS:
            raise CommandError(f"--days must be a whole number from 0 to {MAX_DAYS}, not {days}.")
        if options["queue"]:
            if dry_run:
                raise CommandError("--queue and --dry-run cannot be used together.")
            jobs.enqueue("education.services.reminders.review_reminders_job", days=days)
            self.stdout.write("Review reminders queued for the background worker.")
            return
        report = services.review_reminders_send(days=days, dry_run=dry_run)
        write = self.stdout.write
        write(f"Review reminders on {report.today}: published versions due for review by {report.due_by} or overdue.")
        verb = "Would email" if dry_run else "Emailed"
        for owner, items in report.sent:
            write(f"{verb} {owner.get_username()} <{owner.email}> about {len(items)} leaflet(s):")
            for leaflet, versions in items:
                for version in versions:
                    overdue = " OVERDUE" if version.effective_review_due < report.today else ""
                    write(
                        f"  - {leaflet.name} v{version.number} ({version.language}): due {version.effective_review_due}{overdue}"
                    )
        for leaflet in report.already_reminded:
            write(f"Already reminded today, skipped: {leaflet.name}.")
        for leaflet, reason in report.not_sent:
            write(self.style.WARNING(f"Not sent: {leaflet.name}: {reason}. Set an owner with an email address."))
        leaflets = sum(len(items) for _owner, items in report.sent)
        write(
            f"{len(report.sent)} email(s) {'to send' if dry_run else 'sent'} about {leaflets} leaflet(s); "
            f"{len(report.already_reminded)} already reminded today; {len(report.not_sent)} not sent."
        )
        if dry_run:
            write("Dry run: nothing was sent or recorded.")
        if report.failed:
            for owner, error in report.failed:
                self.stderr.write(f"Could not email {owner.get_username()} <{owner.email}>: {error}")
            raise CommandError(
                f"{len(report.failed)} reminder email(s) could not be sent; nothing was recorded for them, so the "
                "next run tries again. Check the email settings (EMAIL_BACKEND, EMAIL_HOST...)."
            )
