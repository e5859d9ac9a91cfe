"""The catalogue admin's "Opret katalog fra fil": a new catalogue, header and proposals, from one
spreadsheet. The header facts come from the file's header block (``spreadsheets.header_block``)
and the form's fields, which may complete the block but not contradict it; the file is
previewed and, once confirmed, imported by the background import's task and page
(``import_jobs``, ``admin_import.BackgroundImportMixin``), through the command line's own
service (``services.create_catalogue_from_dataset``), all or nothing. The department must be
one the user administers (checked by the task, on the facts as the file gives them)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, import_jobs
from .admin_import import check_upload_size
from .models import Catalogue, Department
from .services import format_from_filename
from .spreadsheets.errors import CatalogueFileError
from .spreadsheets.reading import scan_file
from .tasks import enqueue_import


class CatalogueFromFileForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("Regneark"),
        help_text=gettext_lazy(
            "CSV eller XLSX med katalogets oplysninger over kolonneoverskrifterne (se vejledningen)."
        ),
    )
    slug = forms.SlugField(label=gettext_lazy("Kort navn"), max_length=80)
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, label=gettext_lazy("Magistratsafdeling")
    )
    title = forms.CharField(label=gettext_lazy("Titel"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Katalogtype"), choices=[("", "–"), *Catalogue.Kind.choices], required=False
    )
    years = forms.CharField(
        label=gettext_lazy("År"), max_length=20, required=False, help_text=gettext_lazy("Fx 2025-2031.")
    )
    sign_convention = forms.ChoiceField(
        label=gettext_lazy("Fortegn"), choices=[("", "–"), *Catalogue.SignConvention.choices], required=False
    )
    price_level = forms.CharField(label=gettext_lazy("Prisniveau"), max_length=20, required=False)
    unit = forms.CharField(label=gettext_lazy("Enhed"), max_length=20, required=False)
    sector = forms.CharField(label=gettext_lazy("Sektor"), max_length=200, required=False)

    OPTION_FIELDS = ("title", "kind", "years", "sign_convention", "price_level", "unit", "sector")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = access.instances_user_has_permission_for(
            user, "department.administer", Department.objects.all()
        )
        self.fields["department"].help_text = _("Udfyld felterne, som filen ikke selv angiver; de må ikke modsige den.")

    def clean_import_file(self):
        upload = check_upload_size(self.cleaned_data["import_file"])
        try:
            self.file_format = format_from_filename(upload.name)
        except CatalogueFileError as exc:
            raise forms.ValidationError(exc.messages) from None
        return upload

    def options(self):
        """The facts typed in the form, as the service takes them (text)."""
        data = self.cleaned_data
        options = {"slug": data["slug"]}
        if data.get("department"):
            options["department"] = data["department"].code
        options.update({name: data[name] for name in self.OPTION_FIELDS if data.get(name)})
        return options


class CatalogueFromFileMixin:
    create_from_file_template_name = "admin/proposals/catalogue/create_from_file.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        view = self.admin_site.admin_view(self.create_from_file_view)
        return [path("opret-fra-fil/", view, name="%s_%s_create_from_file" % info), *super().get_urls()]

    def create_from_file_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = CatalogueFromFileForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            data = b"".join(upload.chunks())
            try:
                rows = scan_file(data, form.file_format)
            except CatalogueFileError as exc:
                form.add_error("import_file", exc.messages)
            else:
                job = import_jobs.start(
                    data,
                    catalogue=None,
                    user=request.user,
                    file_format=form.file_format,
                    file_name=upload.name,
                    rows_total=rows,
                    create_options=form.options(),
                )
                enqueue_import(job)
                return redirect(reverse("admin:proposals_proposal_import_job", args=[job.token]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Opret katalog fra fil"),
            "form": form,
        }
        return TemplateResponse(request, self.create_from_file_template_name, context)
