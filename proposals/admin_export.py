"""The catalogue admin's spreadsheet export: the links on its change page, the export view
(XLSX or CSV, the format the import reads) and the list's "export as XLSX" action."""

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .downloads import private
from .models import Catalogue
from .services import export_catalogue_rows
from .spreadsheets.errors import CatalogueFileError
from .user_errors import user_message


class CatalogueExportMixin:
    @admin.display(description=_("import og eksport"))
    def spreadsheet_links(self, obj):
        if obj is None or obj.pk is None:
            return ""
        return format_html(
            "<a href='{}'>{}</a> · <a href='{}'>{}</a> · <a href='{}'>{}</a>",
            reverse("admin:proposals_catalogue_export", args=[obj.pk, "xlsx"]),
            gettext("Eksportér som XLSX"),
            reverse("admin:proposals_catalogue_export", args=[obj.pk, "csv"]),
            gettext("Eksportér som CSV"),
            reverse("admin:proposals_proposal_import") + f"?catalogue={obj.pk}",
            gettext("Importér regneark"),
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/eksport/<str:file_format>/",
                self.admin_site.admin_view(self.export_view),
                name="proposals_catalogue_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, object_id, file_format):
        catalogue = get_object_or_404(Catalogue, pk=object_id)
        if not self.has_view_permission(request, catalogue):
            raise Http404
        try:
            data = export_catalogue_rows(catalogue, file_format)
        except CatalogueFileError as exc:
            raise Http404(user_message(exc)) from exc
        return spreadsheet_response(catalogue, data, file_format)

    @admin.action(description=_("Eksportér det valgte katalog som XLSX"))
    def export_xlsx(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Vælg præcis ét katalog at eksportere."), messages.ERROR)
            return None
        catalogue = queryset.get()
        return spreadsheet_response(catalogue, export_catalogue_rows(catalogue, "xlsx"), "xlsx")


def spreadsheet_response(catalogue, data, file_format):
    content_type = (
        "text/csv; charset=utf-8"
        if file_format == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{catalogue.slug}.{file_format}"'
    return private(response)
