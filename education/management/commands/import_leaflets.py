from django.core.management.base import BaseCommand, CommandError

from education import transfer


class Command(BaseCommand):
    help = (
        "Load a file written by export_leaflets into an EMPTY database (after `migrate`), keeping ids and "
        "timestamps. Reads format 2 and the older format 1. All or nothing: any problem in the file (a value, or "
        "a history that does not add up) is reported and nothing is imported. People not yet in this database "
        "are created inactive with no usable password."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The JSON file written by export_leaflets.")

    def handle(self, *args, **options):
        try:
            data = transfer.load_file(options["file"])
            report = transfer.import_data(data)
        except transfer.TransferError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {transfer.summary(data)}."))
        if report.users_matched:
            self.stdout.write(f"Matched existing users: {', '.join(report.users_matched)}.")
        if report.users_created:
            self.stdout.write(
                f"Created {len(report.users_created)} users, inactive and without a usable password: "
                f"{', '.join(report.users_created)}. An administrator activates those who still work here and "
                "sets a password (or they use a password reset)."
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
