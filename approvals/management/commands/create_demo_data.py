"""python manage.py create_demo_data: demo committees, members, budget parties and a hearing to walk."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.formats import date_format

from approvals.demo import DEMO_CATALOGUE_TITLE, DemoDataRefused, create_demo_data, ensure_demo_allowed
from config.mail import email_destination
from proposals.models import Catalogue


class Command(BaseCommand):
    help = (
        "Opretter demo-udvalg, demo-brugere og demo-forligspartier og gør et MSO-katalog klar til høring. "
        "Kan køres igen."
    )

    def handle(self, *args, **options):
        try:
            ensure_demo_allowed()
        except DemoDataRefused as refused:
            raise CommandError(str(refused)) from refused
        if not Catalogue.objects.exists():
            self.stdout.write(
                self.style.WARNING(
                    "Ingen kataloger endnu: kør først `python manage.py load_seed_catalogues`. Intet oprettet."
                )
            )
            return
        result = create_demo_data()
        out = self.stdout.write
        if result.missing_departments:
            out(
                self.style.WARNING(
                    f"Magistratsafdelinger mangler (springes over): {', '.join(result.missing_departments)}"
                )
            )
        out("")
        out(self.style.MIGRATE_HEADING("DEMO-BRUGERE (kun til afprøvning; fiktive personer og adresser)"))
        width = max(len(u) for u, _p, _d in result.credentials)
        out(f"  {'brugernavn'.ljust(width)}  {'adgangskode':<11}  rolle")
        for username, password, description in result.credentials:
            out(f"  {username.ljust(width)}  {password:<11}  {description}")
        if result.parties:
            out("")
            out(
                self.style.MIGRATE_HEADING(
                    "DEMO-FORLIGSPARTIER for Budgetforlig 2024 (fiktive kontakter, modtager notater)"
                )
            )
            for name, contact, email in result.parties:
                out(f"  {name}: {contact} <{email}>")
        out("")
        process = result.process
        if process is None:
            out(self.style.WARNING(f"Kataloget »{DEMO_CATALOGUE_TITLE}« findes ikke; ingen demo-høring."))
            return
        base = settings.SITE_URL
        slug = process.catalogue.slug
        if result.process_configured:
            deadline = date_format(process.hearing_deadline, "DATE_FORMAT")
            out(self.style.MIGRATE_HEADING("GENNEMGANG"))
            out(f"  Kataloget »{process.catalogue.title}« er klar til høring (status: kladde), frist {deadline},")
            out("  med de tre MSO-LMU'er som hørte udvalg.")
            out(f"  {email_destination()}")
            out(f"  1. Log ind som admin / admin og åbn høringen: {base}{reverse('approvals:catalogue', args=[slug])}")
            out("  2. Log ind som lmu1, lmu2 og lmu3 (demo1234), skriv og indsend hvert LMU's høringssvar.")
            out("     (Eller: som admin start HMU-behandlingen før fristen med en begrundelse.)")
            out(
                f"  3. Log ind som hmu: registrér HMU's holdning og udtalelse, og send til godkendelse: "
                f"{base}{reverse('approvals:hmu_review', args=[slug])}"
            )
            out(f"  4. Log ind som raadmand og godkend: {base}{reverse('approvals:signoff', args=[slug])}")
        else:
            out(
                f"Kataloget »{process.catalogue.title}« er allerede i gang (status: {process.get_state_display()}); "
                "det er ikke ændret."
            )
