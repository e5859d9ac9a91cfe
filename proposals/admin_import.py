"""What the admin's spreadsheet import shows and says, in Danish, from the import's own outcome
(proposals.spreadsheets.outcome.ImportOutcome): the preview table, where every breakdown line and "heraf"
line stands under its proposal, the message after a confirmed import, which counts proposals and
lines as the file has them, and the entries in the admin's history."""

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm

from .models import Catalogue
from .numbers import format_amount, format_decimal
from .spreadsheets.columns import fte_column, net_column
from .spreadsheets.reading import load_dataset


@dataclass
class Cell:
    value: str
    before: str | None = None  # the stored value an import would replace


@dataclass
class PreviewRow:
    kind: str  # "proposal" | "line" | "of_which"
    status: str  # "new" | "update" | "unchanged" (the proposal's; a line has its proposal's)
    status_label: str
    code: str
    theme: str
    title: Cell
    saving_type: Cell
    figures: list = field(default_factory=list)  # Cell per year: net (or line amount), then FTE

    @property
    def cells(self):
        return [self.title, self.saving_type, *self.figures]


def preview_headers(catalogue):
    years = catalogue.years
    return [
        _("Status"),
        _("Kode"),
        _("Tema"),
        _("Titel / linje"),
        _("Type"),
        *[net_column(y) for y in years],
        *[fte_column(y) for y in years],
    ]


def preview_rows(outcome):
    """The file's proposals in file order, each followed by its lines, in the catalogue's own
    convention; a changed proposal's title, type and figures show what they replace."""
    catalogue = outcome.catalogue
    years = catalogue.years
    show = catalogue.to_display
    status = {code: "new" for code in outcome.created}
    status.update({code: "update" for code in outcome.updated})
    labels = {"new": _("Ny"), "update": _("Ændret"), "unchanged": _("Uændret")}
    stored = {
        p.code: p
        for p in catalogue.proposals.filter(code__in=outcome.updated).select_related("theme").prefetch_related("years")
    }
    rows = []
    for parsed in outcome.proposals:
        state = status.get(parsed.code, "unchanged")
        old = stored.get(parsed.code)
        old_years = {py.year: py for py in old.years.all()} if old is not None else {}

        def cell(new, before, _old=old):
            return Cell(new, before if _old is not None and before != new else None)

        net = [
            cell(
                format_amount(show(parsed.net.get(y))),
                format_amount(show(getattr(old_years.get(y), "net_amount", None))),
            )
            for y in years
        ]
        fte = [
            cell(format_decimal(show(parsed.fte.get(y))), format_decimal(show(getattr(old_years.get(y), "fte", None))))
            for y in years
        ]
        saving_type = parsed.values.get("saving_type", "")
        rows.append(
            PreviewRow(
                kind="proposal",
                status=state,
                status_label=labels[state],
                code=parsed.code,
                theme=parsed.theme_title,
                title=cell(parsed.values.get("title", ""), getattr(old, "title", "")),
                saving_type=cell(saving_type, getattr(old, "saving_type", "")),
                figures=[*net, *fte],
            )
        )
        for line in parsed.lines:
            rows.append(
                PreviewRow(
                    kind="line" if line.counts_toward_net else "of_which",
                    status=state,
                    status_label=_("Linje") if line.counts_toward_net else _("Heraf"),
                    code=parsed.code,
                    theme="",
                    title=Cell(line.text),
                    saving_type=Cell(""),
                    figures=[Cell(format_amount(show(line.amounts.get(y)))) for y in years] + [Cell("")] * len(years),
                )
            )
    return rows


def report_import(request, outcome):
    """The messages after a confirmed import: what was saved, counted as the file has it."""
    if outcome is None or not outcome.committed:
        return
    saved = len(outcome.created) + len(outcome.updated)
    text = _("Importeret i «%(catalogue)s»: %(proposals)s (%(created)s, %(updated)s), %(lines)s.") % {
        "catalogue": outcome.catalogue,
        "proposals": ngettext("%(n)s forslag", "%(n)s forslag", saved) % {"n": saved},
        "created": ngettext("%(n)s nyt", "%(n)s nye", len(outcome.created)) % {"n": len(outcome.created)},
        "updated": ngettext("%(n)s ændret", "%(n)s ændrede", len(outcome.updated)) % {"n": len(outcome.updated)},
        "lines": ngettext("%(n)s linje", "%(n)s linjer", outcome.lines_written) % {"n": outcome.lines_written},
    }
    extra = []
    if outcome.unchanged:
        n = len(outcome.unchanged)
        extra.append(ngettext("%(n)s forslag var uændret.", "%(n)s forslag var uændrede.", n) % {"n": n})
    if outcome.deleted:
        extra.append(_("Slettet, fordi de ikke stod i filen: %(codes)s.") % {"codes": ", ".join(outcome.deleted)})
    if outcome.new_themes:
        extra.append(_("Nye temaer: %(themes)s") % {"themes": ", ".join(outcome.new_themes)} + ".")
    messages.success(request, " ".join([text, *extra]))
    if outcome.balance is not None and not outcome.balance.consistent:
        messages.warning(request, " ".join([outcome.balance.verdict(), *outcome.balance.messages()]))


def log_import(request, result):
    """The admin history of each new or changed proposal says it came from a spreadsheet."""
    entries = {
        "new": (ADDITION, _("Oprettet ved import af regneark.")),
        "update": (CHANGE, _("Ændret ved import af regneark.")),
    }
    for import_type, (flag, message) in entries.items():
        instances = [row.instance for row in result.valid_rows() if row.import_type == import_type and row.instance]
        if instances:
            LogEntry.objects.log_actions(
                request.user.pk, instances, flag, change_message=message, single_object=len(instances) == 1
            )


# --------------------------------------------------------------------------- upload formats and forms


class CatalogueCSV(base_formats.CSV):
    """CSV read as bytes by our loader: UTF-8 with or without BOM, Excel's Windows-1252, ; or ,."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return load_dataset(in_stream, "csv")


class CatalogueXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        return load_dataset(in_stream, "xlsx")


class CatalogueImportForm(ImportForm):
    import_file = forms.FileField(label=gettext_lazy("Regneark"))
    catalogue = forms.ModelChoiceField(
        queryset=Catalogue.objects.select_related("department"), label=gettext_lazy("Katalog"), required=True
    )
    create_themes = forms.BooleanField(
        label=gettext_lazy("Opret nye temaer"),
        required=False,
        help_text=gettext_lazy(
            "Ellers er et tema, som kataloget ikke har, en fejl (et katalog uden temaer får dem altid)."
        ),
    )
    delete_missing = forms.BooleanField(
        label=gettext_lazy("Slet forslag, som ikke står i filen"),
        required=False,
        help_text=gettext_lazy("Ellers bevares de og nævnes i forhåndsvisningen."),
    )
    field_order = ["catalogue", "import_file", "format", "create_themes", "delete_missing"]


class CatalogueConfirmImportForm(ConfirmImportForm):
    catalogue = forms.ModelChoiceField(queryset=Catalogue.objects.all(), widget=forms.HiddenInput())
    create_themes = forms.BooleanField(required=False, widget=forms.HiddenInput())
    delete_missing = forms.BooleanField(required=False, widget=forms.HiddenInput())
