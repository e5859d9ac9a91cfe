"""What the admin's spreadsheet import shows and says, in Danish, from the import's own outcome
(proposals.spreadsheets.outcome.ImportOutcome): the preview table, where every breakdown line and "heraf"
line stands under its proposal, the message after a confirmed import, which counts proposals and
lines as the file has them, and the entries in the admin's history."""

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import RowResult

from .import_jobs import imports_in_background, log_saved, note_rows, queue_import
from .models import Catalogue, ImportJob
from .numbers import format_amount, format_decimal
from .spreadsheets.columns import fte_column, net_column
from .spreadsheets.reading import load_dataset
from .tasks import enqueue_import


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
    saved = [
        (row.instance, row.import_type == RowResult.IMPORT_TYPE_NEW)
        for row in result.valid_rows()
        if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE) and row.instance
    ]
    log_saved(request.user.pk, saved)


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


# --------------------------------------------------------------------------- large files in the background


class BackgroundImportMixin:
    """A confirmed import of more than ``settings.IMPORT_IN_BACKGROUND_ROWS`` rows runs in a
    Celery task (``proposals.import_jobs``); the admin shows its progress on a page that
    reloads itself (a meta refresh: no script, which the CSP would refuse) until it is done."""

    import_job_template_name = "admin/proposals/proposal/import_job.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view(self.import_job_view)
        return [path("import/<str:token>/", view, name="%s_%s_import_job" % info), *super().get_urls()]

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result, confirm_form = context.get("result"), context.get("confirm_form")
        if result is not None and confirm_form is not None:
            note_rows(confirm_form.initial.get("import_file_name"), result.total_rows)
        return response

    def process_import(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_confirm_form(request)
            if form.is_valid() and imports_in_background(form.cleaned_data["import_file_name"]):
                input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
                token = form.cleaned_data["import_file_name"]
                upload = self.get_tmp_storage_class()(
                    name=token, read_mode=input_format.get_read_mode(), **self.get_tmp_storage_class_kwargs()
                )
                job = queue_import(
                    token,
                    upload.read(),
                    catalogue=form.cleaned_data["catalogue"],
                    user=request.user,
                    file_format=input_format.get_extension(),
                    file_name=form.cleaned_data.get("original_file_name"),
                    create_themes=bool(form.cleaned_data.get("create_themes")),
                    delete_missing=bool(form.cleaned_data.get("delete_missing")),
                )
                upload.remove()
                enqueue_import(job)
                info = self.model._meta.app_label, self.model._meta.model_name
                return redirect(reverse("admin:%s_%s_import_job" % info, args=[job.token]))
        return super().process_import(request, **kwargs)

    def import_job_view(self, request, token):
        job = (
            ImportJob.objects.select_related("catalogue", "user")
            .filter(token=token)
            .exclude(state=ImportJob.State.UPLOADED)
            .first()
        )
        if job is None or not (
            self.has_import_permission(request) and (job.user_id == request.user.pk or request.user.is_superuser)
        ):
            raise Http404
        running = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import af %(file)s") % {"file": job.file_name},
            "job": job,
            "running": running,
            "refresh_seconds": 2,
            "percent": round(100 * job.rows_done / job.rows_total) if job.rows_total else 0,
        }
        return TemplateResponse(request, self.import_job_template_name, context)
