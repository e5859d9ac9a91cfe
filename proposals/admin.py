"""Django admin for catalogues and proposals.

Every figure is shown and typed in the catalogue's OWN sign convention, as its document
writes it: lists, the balance report, import/export and the year inlines (admin_forms).
Spreadsheet import runs through proposals.spreadsheets (the importer the command line uses) via
the django-import-export admin (dry run and confirm), export through proposals.services."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Max, Min, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm

from .admin_forms import CatalogueConventionFormSet, catalogue_of, convention_form
from .admin_history import FigureHistoryAdmin
from .admin_import import log_import, preview_headers, preview_rows, report_import
from .admin_scope import DepartmentScopedAdmin, ScopedImportMixin
from .balance import check_balance
from .history import recording
from .hooks import catalogue_admin_notices, changes_are_told
from .models import (
    BreakdownLine,
    BreakdownLineYear,
    BudgetAgreement,
    BudgetParty,
    Catalogue,
    CatalogueYear,
    Department,
    FollowUpGoal,
    Proposal,
    ProposalYear,
    Theme,
)
from .numbers import format_amount, format_decimal
from .selectors import catalogue_overview
from .services import export_catalogue_rows
from .spreadsheets.errors import CatalogueFileError
from .spreadsheets.reading import load_dataset
from .spreadsheets.resource import CatalogueResource

IN_CATALOGUE_CONVENTION = _("i katalogets egen fortegnskonvention, som i dokumentet")


# --------------------------------------------------------------------------- import formats and forms


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
    import_file = forms.FileField(label=_("Regneark"))
    catalogue = forms.ModelChoiceField(
        queryset=Catalogue.objects.select_related("department"), label=_("Katalog"), required=True
    )
    create_themes = forms.BooleanField(
        label=_("Opret nye temaer"),
        required=False,
        help_text=_("Ellers er et tema, som kataloget ikke har, en fejl (et katalog uden temaer får dem altid)."),
    )
    delete_missing = forms.BooleanField(
        label=_("Slet forslag, som ikke står i filen"),
        required=False,
        help_text=_("Ellers bevares de og nævnes i forhåndsvisningen."),
    )
    field_order = ["catalogue", "import_file", "format", "create_themes", "delete_missing"]


class CatalogueConfirmImportForm(ConfirmImportForm):
    catalogue = forms.ModelChoiceField(queryset=Catalogue.objects.all(), widget=forms.HiddenInput())
    create_themes = forms.BooleanField(required=False, widget=forms.HiddenInput())
    delete_missing = forms.BooleanField(required=False, widget=forms.HiddenInput())


# --------------------------------------------------------------------------- where the catalogue stands


CHANGE_REASON = "change_reason"


class CatalogueStateMixin:
    """Admin pages of a catalogue and its rows: above the form, where the catalogue stands
    in its workflow (from approvals, through proposals.hooks); after a save, the balance
    when it no longer balances. Where a saved change will be told (a signed-off catalogue's
    memo), the form asks for the reason, which is kept in the change's history."""

    def _asks_reason(self, obj):
        catalogue = catalogue_of(obj) if obj is not None else None
        return catalogue is not None and changes_are_told(catalogue)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._asks_reason(obj):
            reason = forms.CharField(
                label=_("Begrundelse for ændringen"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                help_text=_("Står i notatet til forligspartierne ved siden af ændringen."),
            )
            kwargs["form"] = type(self.form.__name__, (self.form,), {CHANGE_REASON: reason})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        shown = {name for _title, options in fieldsets for name in options.get("fields", ())}
        if self._asks_reason(obj) and CHANGE_REASON not in shown:
            fieldsets.insert(0, (_("Ændring efter godkendelse"), {"fields": (CHANGE_REASON,)}))
        return fieldsets

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        reason = request.POST.get(CHANGE_REASON, "").strip() if request.method == "POST" else ""
        with recording(user=request.user, reason=reason, stated=bool(reason)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        catalogue = catalogue_of(obj) if obj is not None else None
        notices = catalogue_admin_notices(catalogue) if catalogue is not None else []
        extra_context = {**(extra_context or {}), "catalogue_notices": notices}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._report_balance(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._report_balance(request, obj)
        return response

    def _report_balance(self, request, obj):
        catalogue = catalogue_of(obj)
        if catalogue is None:
            return
        report = check_balance(catalogue_overview(catalogue))
        if not report.consistent:
            self.message_user(request, " ".join([report.verdict(), *report.messages()]), messages.WARNING)


# --------------------------------------------------------------------------- departments and agreements


@admin.register(Department)
class DepartmentAdmin(DepartmentScopedAdmin, admin.ModelAdmin):
    department_path = ""
    list_display = ("code", "name", "municipality", "office", "case_officer")
    search_fields = ("code", "name", "office", "case_officer")


class BudgetPartyInline(admin.TabularInline):
    model = BudgetParty
    extra = 1


@admin.register(BudgetAgreement)
class BudgetAgreementAdmin(admin.ModelAdmin):
    list_display = ("name", "agreed_on", "party_count")
    search_fields = ("name",)
    inlines = [BudgetPartyInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_party_count=Count("parties"))

    @admin.display(description=_("forligspartier"), ordering="_party_count")
    def party_count(self, obj):
        return obj._party_count


# --------------------------------------------------------------------------- catalogues


class CatalogueYearInline(admin.TabularInline):
    model = CatalogueYear
    form = convention_form(CatalogueYear, "target", "stated_fte_total")
    formset = CatalogueConventionFormSet
    extra = 0
    verbose_name_plural = format_lazy("{} ({})", _("Måltal og personaleændringer pr. år"), IN_CATALOGUE_CONVENTION)


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ("position", "code", "title")


def balance_table(catalogue):
    """HTML of the balance report: totals, targets and exact differences per year, in the
    catalogue's own sign convention, and the messages of the balance check."""
    state = catalogue_overview(catalogue)
    report = check_balance(state)
    shown = state.shown
    totals, targets, differences = shown(state.totals), shown(state.targets), shown(state.differences)
    fte_totals, stated_fte = shown(state.fte_totals), shown(state.stated_fte)
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                year,
                format_amount(totals[year]),
                format_amount(targets[year]),
                format_amount(differences[year], signed=True),
                format_decimal(fte_totals[year]),
                format_decimal(stated_fte[year]),
            )
            for year in state.years
        ),
    )
    verdict = format_html(
        "<p><strong>{}</strong></p><ul>{}</ul>",
        report.verdict(),
        format_html_join("", "<li>{}</li>", ((m,) for m in report.messages())),
    )
    convention = catalogue.get_sign_convention_display()
    return format_html(
        "<div class='balance-report'>{verdict}"
        "<table><caption>{caption}</caption><thead><tr><th scope='col'>{year}</th><th scope='col'>{total}</th>"
        "<th scope='col'>{target}</th><th scope='col'>{diff}</th><th scope='col'>{fte}</th>"
        "<th scope='col'>{stated}</th></tr></thead><tbody>{rows}</tbody></table></div>",
        verdict=verdict,
        caption=gettext("Beløb i %(unit)s, katalogets egen fortegnskonvention: %(convention)s")
        % {"unit": catalogue.unit, "convention": convention},
        year=gettext("År"),
        total=gettext("Forslag i alt"),
        target=gettext("Måltal"),
        diff=gettext("Forskel"),
        fte=gettext("Årsværk i alt"),
        stated=gettext("Oplyst årsværk"),
        rows=rows,
    )


@admin.register(Catalogue)
class CatalogueAdmin(DepartmentScopedAdmin, CatalogueStateMixin, FigureHistoryAdmin):
    scoped_choices = {"department": ""}
    list_display = ("title", "department", "kind", "year_range", "sign_convention", "proposal_count", "agreement")
    list_filter = ("department", "kind", "sign_convention", "agreement")
    search_fields = ("title", "slug", "department__name", "department__code")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("balance_report", "spreadsheet_links", "created_at", "updated_at")
    inlines = [CatalogueYearInline, ThemeInline]
    actions = ["export_xlsx"]
    fieldsets = (
        (None, {"fields": ("department", "agreement", "title", "slug", "kind")}),
        (
            _("Hovedoplysninger"),
            {"fields": ("first_year", "last_year", "price_level", "unit", "sector", "sign_convention")},
        ),
        (_("Balance"), {"fields": ("balance_report",)}),
        (_("Regneark"), {"fields": ("spreadsheet_links",)}),
        (_("Tekster"), {"fields": ("background", "footnotes"), "classes": ("collapse",)}),
        (_("Historik"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("department", "agreement").annotate(_count=Count("proposals"))
        )

    @admin.display(description=_("år"), ordering="first_year")
    def year_range(self, obj):
        return f"{obj.first_year}–{obj.last_year}"

    @admin.display(description=_("forslag"), ordering="_count")
    def proposal_count(self, obj):
        return obj._count

    @admin.display(description=_("balancetjek"))
    def balance_report(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Gem kataloget først.")
        return balance_table(obj)

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
            raise Http404(str(exc)) from exc
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
    return response


@admin.register(Theme)
class ThemeAdmin(DepartmentScopedAdmin, admin.ModelAdmin):
    department_path = "catalogue__department"
    scoped_choices = {"catalogue": "department"}
    list_display = ("title", "code", "catalogue", "position")
    list_filter = ("catalogue",)
    search_fields = ("title", "code")
    list_select_related = ("catalogue",)


# --------------------------------------------------------------------------- proposals


class ProposalYearInline(admin.TabularInline):
    model = ProposalYear
    form = convention_form(ProposalYear, "net_amount", "fte")
    formset = CatalogueConventionFormSet
    extra = 0
    verbose_name_plural = format_lazy(
        "{} ({})", _("Nettoændringer og personaleændringer pr. år"), IN_CATALOGUE_CONVENTION
    )


class BreakdownLineInline(admin.TabularInline):
    model = BreakdownLine
    extra = 0
    fields = ("position", "text", "counts_toward_net", "amounts")
    readonly_fields = ("amounts",)
    show_change_link = True
    verbose_name_plural = _("Specifikationslinjer (årsbeløb redigeres via linjens egen side)")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("years").select_related("proposal__catalogue")

    @admin.display(description=_("beløb (katalogets konvention)"))
    def amounts(self, obj):
        if obj.pk is None:
            return ""
        catalogue = obj.proposal.catalogue
        return " · ".join(f"{y.year}: {format_amount(catalogue.to_display(y.amount))}" for y in obj.years.all())


class FollowUpGoalInline(admin.StackedInline):
    model = FollowUpGoal
    extra = 0


def _year_column(year):
    def column(obj):
        py = next((y for y in obj.years.all() if y.year == year), None)  # prefetched
        if py is None:
            return ""
        return format_amount(obj.catalogue.to_display(py.net_amount))

    column.short_description = str(year)
    column.__name__ = f"net_{year}"
    return column


@admin.register(Proposal)
class ProposalAdmin(ScopedImportMixin, DepartmentScopedAdmin, CatalogueStateMixin, ImportMixin, FigureHistoryAdmin):
    department_path = "catalogue__department"
    scoped_choices = {"catalogue": "department", "theme": "catalogue__department"}
    list_display = ("code", "title", "catalogue", "theme", "kind", "saving_type", "is_phase_in")
    list_display_links = ("code", "title")
    list_filter = ("catalogue", "kind", "theme", "saving_type", "is_phase_in")
    search_fields = ("code", "title", "description")
    list_select_related = ("catalogue", "theme")
    readonly_fields = ("figures",)
    inlines = [ProposalYearInline, BreakdownLineInline, FollowUpGoalInline]
    fieldsets = (
        (None, {"fields": ("catalogue", "theme", "code", "position", "title", "kind", "saving_type", "is_phase_in")}),
        (_("Tal i katalogets egen fortegnskonvention"), {"fields": ("figures",)}),
        (
            _("Beskrivelse"),
            {
                "fields": (
                    "description",
                    "sector",
                    "area_budget",
                    "saving_percent",
                    "unit_price_change",
                    "reduces_service",
                    "from_innovation_proposal",
                    "affected_units",
                    "risk_assessment",
                    "footnote",
                )
            },
        ),
    )

    # Import (django-import-export admin: upload, dry-run preview, confirm).
    resource_classes = [CatalogueResource]
    formats = [CatalogueCSV, CatalogueXLSX]
    import_form_class = CatalogueImportForm
    confirm_form_class = CatalogueConfirmImportForm
    import_template_name = "admin/proposals/proposal/import.html"

    def get_queryset(self, request):
        # Yearly figures in one prefetch, pivoted per row by the year columns.
        return super().get_queryset(request).prefetch_related(Prefetch("years", queryset=ProposalYear.objects.all()))

    def get_list_display(self, request):
        catalogue_id = request.GET.get("catalogue__id__exact")
        years = (
            Catalogue.objects.filter(pk=catalogue_id) if catalogue_id and catalogue_id.isdigit() else Catalogue.objects
        )
        bounds = years.aggregate(first=Min("first_year"), last=Max("last_year"))
        if bounds["first"] is None:
            return self.list_display
        last = min(bounds["last"], bounds["first"] + 9)  # keep the list readable
        return (*self.list_display, *[_year_column(y) for y in range(bounds["first"], last + 1)])

    @admin.display(description=_("nettoændringer og årsværk"))
    def figures(self, obj):
        if obj is None or obj.pk is None:
            return ""
        catalogue = obj.catalogue
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (
                    py.year,
                    format_amount(catalogue.to_display(py.net_amount)),
                    format_decimal(catalogue.to_display(py.fte)),
                )
                for py in obj.years.all()
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>{}</th><th scope='col'>{}</th><th scope='col'>{}</th></tr></thead>"
            "<tbody>{}</tbody></table><p>{}</p>",
            gettext("År"),
            gettext("Netto (%(unit)s)") % {"unit": catalogue.unit},
            gettext("Årsværk"),
            rows,
            catalogue.get_sign_convention_display(),
        )

    def get_import_form_initial(self, request):
        initial = super().get_import_form_initial(request)
        if request.GET.get("catalogue", "").isdigit():
            initial["catalogue"] = int(request.GET["catalogue"])
        return initial

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            for name in ("catalogue", "create_themes", "delete_missing"):
                value = import_form.cleaned_data.get(name)
                initial[name] = value.pk if name == "catalogue" and value else value
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        if form is not None and form.is_bound and form.is_valid():
            return {
                "catalogue": form.cleaned_data.get("catalogue"),
                "create_themes": bool(form.cleaned_data.get("create_themes")),
                "delete_missing": bool(form.cleaned_data.get("delete_missing")),
            }
        if form is not None and not form.is_bound and str(form.initial.get("catalogue", "")).isdigit():
            # Opened from a catalogue: list that catalogue's columns (its years).
            return {"catalogue": Catalogue.objects.filter(pk=form.initial["catalogue"]).first()}
        return {}

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, CatalogueFileError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file", gettext("Filen kan ikke læses i det valgte format. Vælg det format, filen har.")
            )

    def import_action(self, request, **kwargs):
        # The preview: every proposal of the file with its lines under it (admin_import).
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        outcome = getattr(context.get("result"), "outcome", None)
        if outcome is not None and outcome.ok:
            context["preview_headers"] = preview_headers(outcome.catalogue)
            context["preview_rows"] = preview_rows(outcome)
        return response

    def generate_log_entries(self, result, request):
        if not self.get_skip_admin_log():
            log_import(request, result)

    def add_success_message(self, result, request):
        report_import(request, getattr(result, "outcome", None))


@admin.register(BreakdownLine)
class BreakdownLineAdmin(DepartmentScopedAdmin, CatalogueStateMixin, FigureHistoryAdmin):
    department_path = "proposal__catalogue__department"
    scoped_choices = {"proposal": "catalogue__department"}
    list_display = ("text", "proposal", "counts_toward_net", "position")
    list_filter = ("counts_toward_net", "proposal__catalogue")
    search_fields = ("text", "proposal__code", "proposal__title")
    list_select_related = ("proposal", "proposal__catalogue")
    raw_id_fields = ("proposal",)

    class YearInline(admin.TabularInline):
        model = BreakdownLineYear
        form = convention_form(BreakdownLineYear, "amount")
        formset = CatalogueConventionFormSet
        extra = 0
        verbose_name_plural = format_lazy("{} ({})", _("Linjeår"), IN_CATALOGUE_CONVENTION)

    inlines = [YearInline]
