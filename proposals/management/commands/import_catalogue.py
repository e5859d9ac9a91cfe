"""python manage.py import_catalogue <slug|id> <file> [--dry-run] [--format csv|xlsx]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from proposals.access import TRUSTED
from proposals.history import user_named
from proposals.models import Catalogue
from proposals.selectors import get_catalogue
from proposals.services import format_from_filename, import_catalogue_rows
from proposals.spreadsheets.errors import CatalogueFileError


class Command(BaseCommand):
    help = "Importerer en CSV- eller XLSX-fil med forslag til et katalog (alt eller intet)."

    def add_arguments(self, parser):
        parser.add_argument("catalogue", help="Katalogets kort navn (slug) eller id.")
        parser.add_argument("file", help="Filen der skal importeres (.csv eller .xlsx).")
        parser.add_argument("--dry-run", action="store_true", help="Vis hvad der ville ske, uden at gemme.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Filformat; ellers efter filtypen.")
        parser.add_argument("--create-themes", action="store_true", help="Opret temaer, som kataloget ikke har.")
        parser.add_argument(
            "--delete-missing", action="store_true", help="Slet forslag i kataloget, som ikke står i filen."
        )
        parser.add_argument("--user", help="Brugernavnet, som ændringerne står under i historikken.")

    def handle(self, *args, **options):
        try:
            user = user_named(options["user"])
        except LookupError as exc:
            raise CommandError(f"Brugeren «{options['user']}» findes ikke; intet er importeret.") from exc
        try:
            catalogue = get_catalogue(options["catalogue"], TRUSTED)  # the command line is trusted
        except Catalogue.DoesNotExist as exc:
            raise CommandError(f"Kataloget «{options['catalogue']}» findes ikke.") from exc
        path = Path(options["file"])
        try:
            file_format = options["format"] or format_from_filename(path.name)
        except CatalogueFileError as exc:
            raise CommandError(str(exc)) from exc
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Filen «{path}» kan ikke læses: {exc.strerror}.") from exc
        outcome = import_catalogue_rows(
            catalogue,
            data,
            file_format,
            dry_run=options["dry_run"],
            user=user,
            file_name=path.name,
            create_themes=options["create_themes"],
            delete_missing=options["delete_missing"],
        )
        self.stdout.write(f"{catalogue.title} ({catalogue.slug})")
        for line in outcome.summary_lines():
            self.stdout.write(line)
        if not outcome.ok:
            raise CommandError(f"{len(outcome.errors)} fejl; intet er gemt.")
