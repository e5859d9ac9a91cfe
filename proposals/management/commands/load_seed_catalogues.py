"""python manage.py load_seed_catalogues: the shipped seed catalogues, through the importer."""

from django.core.management.base import BaseCommand, CommandError

from proposals.services import SeedLoadError, load_seed_catalogues


class Command(BaseCommand):
    help = "Opretter eller opdaterer seed-katalogerne (MSO og MSB, Budgetforlig 2024). Kan køres igen."

    def handle(self, *args, **options):
        try:
            results = load_seed_catalogues()
        except SeedLoadError as exc:
            raise CommandError(str(exc)) from exc
        for catalogue, outcome in results:
            state = "ændret" if outcome.changed else "uændret"
            balance = "balancerer" if outcome.balance.balanced else "balancerer IKKE"
            self.stdout.write(
                f"{catalogue.slug}: {len(outcome.created)} nye, {len(outcome.updated)} ændrede, "
                f"{len(outcome.unchanged)} uændrede forslag ({state}); {balance}."
            )
