"""python manage.py import_catalogue <slug|id> <file> [--dry-run] [--format csv|xlsx] [--reason TEXT]

A signed-off catalogue's changes are told to the budget parties in a memo: its import needs
``--reason``, which the memo shows next to the changes.

    python manage.py import_catalogue <new-slug> <file> --create [--department MSB] [--title ...]
        [--years 2025-2031] [--convention savings_negative] [--target 2025=-1.000 ...] ...

With ``--create`` a new catalogue is made from the file: its header facts from the file's header
block (README, "A catalogue from a file") and the options, which may complete the block but not
contradict it; then the file's proposals, all or nothing."""

import errno
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from proposals.access import TRUSTED
from proposals.history import user_named
from proposals.models import Catalogue
from proposals.selectors import get_catalogue
from proposals.services import create_catalogue_from_file, format_from_filename, import_catalogue_rows
from proposals.spreadsheets.errors import CatalogueFileError
from proposals.user_errors import user_message

# --create's options: option -> the header fact it gives.
FACT_OPTIONS = {
    "department": "department",
    "title": "title",
    "kind": "kind",
    "years": "years",
    "convention": "sign_convention",
    "price_level": "price_level",
    "unit": "unit",
    "sector": "sector",
}
YEAR_OPTIONS = {"target": "targets", "stated_fte": "stated_fte"}


def file_error(path, exc):
    """Why a file could not be read, in Danish (the operating system's own text is English)."""
    reasons = {
        errno.ENOENT: _("den findes ikke"),
        errno.EACCES: _("der er ikke adgang til den"),
        errno.EISDIR: _("det er en mappe"),
    }
    reason = reasons.get(getattr(exc, "errno", None), _("den kan ikke læses"))
    return _("Filen «%(path)s» kan ikke læses: %(reason)s.") % {"path": path, "reason": reason}


def year_values(values, option):
    """["2025=-1.000", ...] -> {2025: "-1.000"}; CommandError for a malformed one."""
    result = {}
    for value in values or []:
        year, sep, figure = value.partition("=")
        if not sep or not year.strip().isdigit():
            raise CommandError(
                _("--%(option)s skal skrives som ÅR=TAL, fx 2025=-1.000 (fik «%(value)s»).")
                % {"option": option.replace("_", "-"), "value": value}
            )
        result[int(year)] = figure.strip()
    return result


class Command(BaseCommand):
    help = "Importerer en CSV- eller XLSX-fil med forslag til et katalog (alt eller intet)."

    def add_arguments(self, parser):
        parser.add_argument("catalogue", help="Katalogets kort navn (slug) eller id; med --create det nye katalogs.")
        parser.add_argument("file", help="Filen der skal importeres (.csv eller .xlsx).")
        parser.add_argument("--dry-run", action="store_true", help="Vis hvad der ville ske, uden at gemme.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Filformat; ellers efter filtypen.")
        parser.add_argument("--create-themes", action="store_true", help="Opret temaer, som kataloget ikke har.")
        parser.add_argument(
            "--delete-missing", action="store_true", help="Slet forslag i kataloget, som ikke står i filen."
        )
        parser.add_argument("--user", help="Brugernavnet, som ændringerne står under i historikken.")
        parser.add_argument(
            "--reason",
            default="",
            help="Begrundelse for ændringen: står i historikken og i notatet til forligspartierne. "
            "Kræves, når kataloget er godkendt.",
        )
        create = parser.add_argument_group("nyt katalog (--create)")
        create.add_argument(
            "--create",
            action="store_true",
            help="Opret kataloget ud fra filens katalogoplysninger og valgene nedenfor.",
        )
        create.add_argument("--department", help="Magistratsafdelingens kode, fx MSB.")
        create.add_argument("--title", help="Katalogets titel.")
        create.add_argument("--kind", help="Katalogtype, fx Omprioriteringskatalog.")
        create.add_argument("--years", help="Katalogets år, fx 2025-2031.")
        create.add_argument(
            "--convention", help="Fortegn: «Besparelser positive» eller «Besparelser negative» (savings_positive …)."
        )
        create.add_argument("--price-level", help="Prisniveau, fx 2025-PL.")
        create.add_argument("--unit", help="Enhed, fx «1.000 kr.».")
        create.add_argument("--sector", help="Sektor.")
        create.add_argument(
            "--target", action="append", metavar="ÅR=TAL", help="Måltal for et år i katalogets fortegn (gentages)."
        )
        create.add_argument(
            "--stated-fte", action="append", metavar="ÅR=TAL", help="Oplyste personaleændringer for et år (gentages)."
        )

    def handle(self, *args, **options):
        try:
            user = user_named(options["user"])
        except LookupError as exc:
            raise CommandError(f"Brugeren «{options['user']}» findes ikke; intet er importeret.") from exc
        given = [name for name in (*FACT_OPTIONS, *YEAR_OPTIONS) if options.get(name)]
        if given and not options["create"]:
            raise CommandError(
                _("%(options)s bruges kun med --create.")
                % {"options": ", ".join("--" + name.replace("_", "-") for name in given)}
            )
        path = Path(options["file"])
        try:
            file_format = options["format"] or format_from_filename(path.name)
        except CatalogueFileError as exc:
            raise CommandError(user_message(exc)) from exc
        catalogue = None
        if not options["create"]:
            try:
                catalogue = get_catalogue(options["catalogue"], TRUSTED)  # the command line is trusted
            except Catalogue.DoesNotExist as exc:
                raise CommandError(
                    _("Kataloget «%(name)s» findes ikke. Brug --create for at oprette det fra filen.")
                    % {"name": options["catalogue"]}
                ) from exc
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(file_error(path, exc)) from exc
        if options["create"]:
            facts = {fact: options[name] for name, fact in FACT_OPTIONS.items() if options.get(name)}
            for name, fact in YEAR_OPTIONS.items():
                if options.get(name):
                    facts[fact] = year_values(options[name], name)
            catalogue, outcome = create_catalogue_from_file(
                options["catalogue"],
                data,
                file_format,
                options=facts,
                dry_run=options["dry_run"],
                user=user,
                file_name=path.name,
            )
        else:
            outcome = import_catalogue_rows(
                catalogue,
                data,
                file_format,
                dry_run=options["dry_run"],
                user=user,
                file_name=path.name,
                create_themes=options["create_themes"],
                delete_missing=options["delete_missing"],
                reason=options["reason"],
            )
            self.stdout.write(f"{catalogue.title} ({catalogue.slug})")
        for line in outcome.summary_lines():
            self.stdout.write(line)
        if not outcome.ok:
            raise CommandError(f"{len(outcome.errors)} fejl; intet er gemt.")
