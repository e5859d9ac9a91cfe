"""What the admin's spreadsheet import shows and says, in Danish, from the import's own outcome
(proposals.spreadsheets.outcome.ImportOutcome): the preview table, where every breakdown line and "heraf"
line stands under its proposal, the message after a confirmed import, which counts proposals and
lines as the file has them, and the entries in the admin's history."""

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
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

from . import access, import_jobs
from .import_jobs import log_saved
from .models import Catalogue, ImportJob
from .numbers import format_amount, format_decimal
from .spreadsheets.columns import fte_column, net_column
from .spreadsheets.errors import CatalogueFileError
from .spreadsheets.limits import upload_too_large_message
from .spreadsheets.reading import load_dataset, scan_file
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
    if outcome is not None and not outcome.dry_run and outcome.errors:
        # Refused at the confirmation (the catalogue changed since the preview): say why.
        messages.error(request, " ".join(outcome.summary_lines()))
        return
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
    change_reason = forms.CharField(
        label=gettext_lazy("Begrundelse for ændringerne"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=gettext_lazy(
            "Kræves, når kataloget er godkendt: står i historikken og i notatet til forligspartierne ved siden af "
            "ændringerne."
        ),
    )
    field_order = ["catalogue", "import_file", "format", "create_themes", "delete_missing", "change_reason"]

    def clean_import_file(self):
        return check_upload_size(self.cleaned_data["import_file"])


def check_upload_size(upload):
    """An uploaded file over ``settings.IMPORT_MAX_UPLOAD_BYTES`` (``uploads.UploadLimitHandler``
    kept only its size) is refused on its field, with the limit and the file's size."""
    if upload is not None and (getattr(upload, "too_large", False) or upload.size > settings.IMPORT_MAX_UPLOAD_BYTES):
        raise forms.ValidationError(upload_too_large_message(upload.size, settings.IMPORT_MAX_UPLOAD_BYTES))
    return upload


class CatalogueConfirmImportForm(ConfirmImportForm):
    catalogue = forms.ModelChoiceField(queryset=Catalogue.objects.all(), widget=forms.HiddenInput())
    create_themes = forms.BooleanField(required=False, widget=forms.HiddenInput())
    delete_missing = forms.BooleanField(required=False, widget=forms.HiddenInput())
    change_reason = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput())
    based_on = forms.CharField(required=False, widget=forms.HiddenInput())  # what the preview was made on


# --------------------------------------------------------------------------- large files in the background


class BackgroundImportMixin:
    """A file of more than ``settings.IMPORT_IN_BACKGROUND_ROWS`` rows, counted before it is
    parsed (``reading.scan_file``), is previewed and imported by a Celery task
    (``proposals.import_jobs``), never inside a web request: the upload leads to a page that
    shows the preview's progress, then its lines and the confirmation, then the import's progress
    and what it did. The page reloads itself (a meta refresh: no script, which the CSP would
    refuse) while a task runs. Smaller files are previewed and imported in the request."""

    import_job_template_name = "admin/proposals/proposal/import_job.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view(self.import_job_view)
        return [path("import/<str:token>/", view, name="%s_%s_import_job" % info), *super().get_urls()]

    def import_action(self, request, **kwargs):
        background = self.import_in_background(request)
        if background is not None:
            return background
        return super().import_action(request, **kwargs)

    def import_in_background(self, request):
        """The redirect to a background job's page when the upload is a large file; else None
        (the upload is previewed in the request, refusals included)."""
        if request.method != "POST" or not self.has_import_permission(request):
            return None
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        upload = form.cleaned_data["import_file"]
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        data = b"".join(upload.chunks())
        try:
            rows = scan_file(data, input_format.get_extension())
        except CatalogueFileError:
            return None  # the preview refuses it, with the same message
        if rows <= settings.IMPORT_IN_BACKGROUND_ROWS:
            return None
        job = import_jobs.start(
            data,
            catalogue=form.cleaned_data["catalogue"],
            user=request.user,
            file_format=input_format.get_extension(),
            file_name=upload.name,
            rows_total=rows,
            create_themes=bool(form.cleaned_data.get("create_themes")),
            delete_missing=bool(form.cleaned_data.get("delete_missing")),
            reason=form.cleaned_data.get("change_reason", ""),
        )
        enqueue_import(job)
        return redirect(self.import_job_url(job))

    def import_job_url(self, job):
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse("admin:%s_%s_import_job" % info, args=[job.token])

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
        if request.method == "POST" and "confirm" in request.POST:
            if job.catalogue_id is not None and not access.user_has_permission(
                request.user, "catalogue.administer", job.catalogue
            ):
                raise Http404
            if import_jobs.confirm(job.pk) is not None:
                enqueue_import(job)
            return redirect(self.import_job_url(job))
        running = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import af %(file)s") % {"file": job.file_name},
            "job": job,
            "running": running,
            "previewed": job.state == ImportJob.State.PREVIEWED,
            "refresh_seconds": 2,
            "percent": round(100 * job.rows_done / job.rows_total) if job.rows_total else 0,
        }
        return TemplateResponse(request, self.import_job_template_name, context)
