"""Print a catalogue's economic overview and balance check.

    manage.py catalogue_report <slug or id> [--format text|csv|json]
    manage.py catalogue_report --list

Figures are in the catalogue's own sign convention: Danish number format in text and
CSV (";"-separated, quoted where a cell needs it and formula-safe: the page's CSV export's own
writer, ``proposals.spreadsheets.safety.csv_text``), plain numbers in JSON. Exit status 1
when the catalogue does not balance, 2 for an unknown catalogue, 0 otherwise."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from proposals.access import TRUSTED
from proposals.balance import check_balance
from proposals.display import header_facts, proposal_records, summary_rows
from proposals.models import Catalogue
from proposals.numbers import format_amount
from proposals.selectors import catalogue_list, catalogue_overview, get_catalogue
from proposals.spreadsheets.safety import csv_rows_text
from proposals.tables import OverviewTable

TITLE_WIDTH = 50
JSON_KEYS = {
    "total": "totals",
    "target": "targets",
    "difference": "differences",
    "fte": "fte_totals",
    "stated_fte": "stated_fte_totals",
}


def _json_number(value):
    # FTE are Decimals; JSON has only one number type. Amounts stay ints.
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _json_lines(lines, years, *, counting):
    return [
        {"text": line["text"], "amounts": {str(y): line["amounts"][y] for y in years}}
        for line in lines
        if line["counts_toward_net"] == counting
    ]


class Command(BaseCommand):
    help = "Viser et katalogs økonomioversigt og balancetjek. Afslutter med status 1, hvis kataloget ikke balancerer."

    def add_arguments(self, parser):
        parser.add_argument("catalogue", nargs="?", help="Katalogets korte navn (slug) eller id.")
        parser.add_argument("--format", choices=["text", "csv", "json"], default="text", help="Uddataformat.")
        parser.add_argument("--list", action="store_true", help="Vis alle katalogers korte navn og titel.")

    def handle(self, *args, **options):
        if options["list"]:
            for catalogue in catalogue_list(TRUSTED):  # the command line is trusted
                self.stdout.write(f"{catalogue.slug}\t{catalogue.title}")
            return
        if not options["catalogue"]:
            raise CommandError(_("Angiv et katalog (kort navn eller id), eller brug --list."), returncode=2)
        try:
            catalogue = get_catalogue(options["catalogue"], TRUSTED)
        except Catalogue.DoesNotExist:
            raise CommandError(
                _("Kataloget «%(name)s» findes ikke. Brug --list for at se alle kataloger.")
                % {"name": options["catalogue"]},
                returncode=2,
            ) from None
        overview = catalogue_overview(catalogue)
        report = check_balance(overview)
        writer = getattr(self, f"write_{options['format']}", None)
        if writer is None:  # call_command() with keyword options skips argparse's choices
            raise CommandError(_("Ukendt format «%(format)s»; brug text, csv eller json.") % options, returncode=2)
        writer(overview, report)
        if not report.consistent:
            n = len(report.differences)
            message = ngettext(
                "Kataloget balancerer ikke (%(n)s afvigelse).", "Kataloget balancerer ikke (%(n)s afvigelser).", n
            )
            raise CommandError(message % {"n": n}, returncode=1)

    def write_text(self, overview, report):
        catalogue = overview.catalogue
        out = self.stdout
        out.write(f"{catalogue.title} ({catalogue.slug})")
        for label, value in header_facts(catalogue):
            out.write(f"{label}: {value}")
        out.write("")
        out.write(
            _("Økonomiske konsekvenser og personaleændringer %(first)s-%(last)s (%(pl)s i %(unit)s)")
            % {
                "first": catalogue.first_year,
                "last": catalogue.last_year,
                "pl": catalogue.price_level,
                "unit": catalogue.unit,
            }
        )
        records = proposal_records(overview)
        summary = summary_rows(overview)
        code_width = max([len(_("Nr."))] + [len(r["code"]) for r in records])
        label_width = max([TITLE_WIDTH] + [len(row.label) - code_width - 2 for row in summary])
        texts = [[row.text(y) for y in overview.years] for row in summary]
        texts += [[format_amount(r["net"][y]) for y in overview.years] for r in records]
        width = max([6] + [len(t) for row in texts for t in row])

        def line(code, title, values, kind=""):
            cells = "  ".join(v.rjust(width) for v in values)
            return f"{code.ljust(code_width)}  {title.ljust(label_width)}  {cells}  {kind}".rstrip()

        out.write(line(_("Nr."), _("Forslag"), [str(y) for y in overview.years], _("Type")))
        has_themes = any(r["theme"] for r in records)
        for record in records:
            if has_themes and record["group_title"]:
                out.write(f"-- {record['group_title']}")
            title = record["title"]
            if len(title) > label_width:
                title = title[: label_width - 1] + "…"
            values = [format_amount(record["net"][y]) for y in overview.years]
            out.write(line(record["code"], title, values, record["saving_type"]))
        for row in summary:
            label = row.label.ljust(code_width + 2 + label_width)
            out.write(f"{label}  " + "  ".join(row.text(y).rjust(width) for y in overview.years))
        out.write("")
        out.write(report.verdict())
        for message in report.messages():
            out.write(f"- {message}")

    def write_csv(self, overview, report):
        table = OverviewTable(overview)
        table.export_format = "csv"
        # The writer of every CSV export: quoted where a cell needs it, no formulas.
        self.stdout.write(csv_rows_text(table.as_values()), ending="")
        # Messages go to stderr so that stdout stays a clean table.
        for message in report.messages():
            self.stderr.write(message)

    def write_json(self, overview, report):
        catalogue = overview.catalogue
        years = overview.years
        data = {
            "catalogue": {
                "id": catalogue.pk,
                "slug": catalogue.slug,
                "title": catalogue.title,
                "department": catalogue.department.code,
                "department_name": catalogue.department.name,
                "kind": catalogue.kind,
                "first_year": catalogue.first_year,
                "last_year": catalogue.last_year,
                "price_level": catalogue.price_level,
                "unit": catalogue.unit,
                "sector": catalogue.sector,
            },
            "sign_convention": catalogue.sign_convention,
            "years": years,
            "proposals": [
                {
                    "code": r["code"],
                    "title": r["title"],
                    "theme": r["theme"],
                    "type": r["saving_type"],
                    "kind": r["kind_code"],
                    "phase_in": r["is_phase_in"],
                    "net": {str(y): r["net"][y] for y in years},
                    "fte": {str(y): _json_number(r["fte"][y]) for y in years},
                    "reduces_service": r["reduces_service"],
                    "from_innovation_proposal": r["from_innovation_proposal"],
                    # Lines that add up to the net, and "of which" lines that only explain it.
                    "lines": _json_lines(r["lines"], years, counting=True),
                    "of_which": _json_lines(r["lines"], years, counting=False),
                }
                for r in proposal_records(overview)
            ],
        }
        data.update({key: None for key in JSON_KEYS.values()})
        for row in summary_rows(overview):
            data[JSON_KEYS[row.key]] = {str(y): _json_number(row.values.get(y)) for y in years}
        data["balanced"] = report.balanced
        data["balance_status"] = report.status  # balanced, unbalanced or no_target
        data["target_set"] = report.target_set
        data["messages"] = report.messages()
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
