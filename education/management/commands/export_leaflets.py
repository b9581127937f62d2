from django.core.management.base import BaseCommand, CommandError

from education import transfer


class Command(BaseCommand):
    help = (
        "Write every clinic, leaflet, version (all statuses, with signs, contributors and any withdrawal), audit "
        "event, change to a leaflet's details, share link (hashes only), handout record and review reminder to one "
        "JSON file (format 2). Users are named by username; no password hashes. The same data always gives the "
        "same bytes. Load it with import_leaflets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="File to write (replaced atomically, readable by its owner only). Default: standard output.",
        )

    def handle(self, *args, **options):
        path = options["output"]
        try:
            if not path or path == "-":
                self.stdout.write(transfer.export_text(), ending="")
                return
            transfer.write_export(path)
            data = transfer.load_file(path)
        except transfer.TransferError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}: {transfer.summary(data)}."))
