"""python manage.py load_seed_catalogues: the shipped seed catalogues, through the importer."""

from django.core.management.base import BaseCommand, CommandError

from proposals.history import user_named
from proposals.services import SeedLoadError, load_seed_catalogues
from proposals.user_errors import user_message


class Command(BaseCommand):
    help = (
        "Opretter de seed-kataloger (MSO og MSB, Budgetforlig 2024), der ikke findes endnu. "
        "Eksisterende kataloger røres ikke, medmindre --reset er angivet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Sæt seed-katalogerne (og deres afdelinger) tilbage til dokumenternes tal og tekster.",
        )
        parser.add_argument("--user", help="Brugernavnet, som ændringerne står under i historikken.")

    def handle(self, *args, reset=False, **options):
        try:
            user = user_named(options.get("user"))
        except LookupError as exc:
            raise CommandError(f"Brugeren «{options['user']}» findes ikke; intet er indlæst.") from exc
        try:
            results = load_seed_catalogues(reset=reset, user=user)
        except SeedLoadError as exc:
            raise CommandError(user_message(exc)) from exc
        for catalogue, outcome in results:
            if outcome is None:
                self.stdout.write(
                    f"{catalogue.slug}: findes allerede; ikke ændret (--reset gendanner dokumentets tal)."
                )
                continue
            state = "ændret" if outcome.changed else "uændret"
            balance = outcome.balance.verdict()
            self.stdout.write(
                f"{catalogue.slug}: {len(outcome.created)} nye, {len(outcome.updated)} ændrede, "
                f"{len(outcome.unchanged)} uændrede forslag ({state}); {balance}"
            )
