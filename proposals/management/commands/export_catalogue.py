"""python manage.py export_catalogue <slug|id> <file|-> [--format csv|xlsx]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proposals.access import TRUSTED
from proposals.models import Catalogue
from proposals.selectors import get_catalogue
from proposals.services import export_catalogue_rows, format_from_filename
from proposals.spreadsheets.errors import CatalogueFileError
from proposals.user_errors import user_message


class Command(BaseCommand):
    help = "Eksporterer et katalogs forslag som CSV eller XLSX i importformatet."

    def add_arguments(self, parser):
        parser.add_argument("catalogue", help="Katalogets kort navn (slug) eller id.")
        parser.add_argument("file", help="Filen der skrives (.csv eller .xlsx), eller - for standard-output.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Filformat; ellers efter filtypen (- giver CSV).")

    def handle(self, *args, **options):
        try:
            catalogue = get_catalogue(options["catalogue"], TRUSTED)  # the command line is trusted
        except Catalogue.DoesNotExist as exc:
            raise CommandError(f"Kataloget «{options['catalogue']}» findes ikke.") from exc
        target = options["file"]
        try:
            file_format = options["format"] or ("csv" if target == "-" else format_from_filename(target))
        except CatalogueFileError as exc:
            raise CommandError(user_message(exc)) from exc
        data = export_catalogue_rows(catalogue, file_format)
        if target == "-":
            if file_format == "csv":
                self.stdout.write(data.decode("utf-8-sig"), ending="")
            else:
                sys.stdout.buffer.write(data)
            return
        Path(target).write_bytes(data)
        self.stderr.write(f"{catalogue.title}: {len(data)} bytes skrevet til {target}")
