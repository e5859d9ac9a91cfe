"""Django admin for catalogues and proposals.

Every figure is shown and typed in the catalogue's OWN sign convention, as its document
writes it: lists, the balance report, import/export and the year inlines (admin_forms).
Spreadsheet import runs through proposals.spreadsheets (the importer the command line uses) via
the django-import-export admin (dry run and confirm); export in admin_export."""

from django.contrib import admin
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from . import access
from .admin_create import CatalogueFromFileMixin
from .admin_export import CatalogueExportMixin
from .admin_forms import CatalogueConventionFormSet, convention_form
from .admin_history import FigureHistoryAdmin
from .admin_import import (
    BackgroundImportMixin,
    CatalogueConfirmImportForm,
    CatalogueCSV,
    CatalogueImportForm,
    CatalogueXLSX,
    log_import,
    preview_headers,
    preview_rows,
    report_import,
)
from .admin_scope import DepartmentScopedAdmin, ScopedImportMixin
from .admin_state import CatalogueStateMixin, balance_table
from .admin_versions import OpenedValuesForm, OpenedValuesModelForm, ProposalVersionMixin
from .display import sign_convention_label, unit_label
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
from .services import catalogue_edit_basis
from .spreadsheets.errors import CatalogueFileError
from .spreadsheets.resource import CatalogueResource

MAX_LISTED_YEARS = 10  # keep the list readable
IN_CATALOGUE_CONVENTION = _("i katalogets egen fortegnskonvention, som i dokumentet")


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


@admin.register(Catalogue)
class CatalogueAdmin(
    DepartmentScopedAdmin, CatalogueFromFileMixin, CatalogueExportMixin, CatalogueStateMixin, FigureHistoryAdmin
):
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
    form = type("ProposalYearForm", (OpenedValuesForm, convention_form(ProposalYear, "net_amount", "fte")), {})
    formset = CatalogueConventionFormSet
    extra = 0
    verbose_name_plural = format_lazy(
        "{} ({})", _("Nettoændringer og personaleændringer pr. år"), IN_CATALOGUE_CONVENTION
    )


class BreakdownLineInline(admin.TabularInline):
    model = BreakdownLine
    form = OpenedValuesModelForm
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
    form = OpenedValuesModelForm
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
class ProposalAdmin(
    ScopedImportMixin,
    DepartmentScopedAdmin,
    ProposalVersionMixin,
    CatalogueStateMixin,
    BackgroundImportMixin,
    ImportMixin,
    FigureHistoryAdmin,
):
    department_path = "catalogue__department"
    scoped_choices = {"catalogue": "department", "theme": "catalogue__department"}
    list_display = ("code", "title", "catalogue", "theme", "kind", "saving_type", "is_phase_in")
    list_display_links = ("code", "title")
    change_list_template = "admin/proposals/proposal/change_list_figures.html"
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

    def listed_catalogue(self, request):
        """The one catalogue the list shows figures for: the catalogue filter's, or the only
        catalogue the user administers. None: several; then no figures (two catalogues' figures
        in one column would mix their sign conventions), and each row says its catalogue's."""
        if not hasattr(request, "_listed_catalogue"):
            catalogues = access.instances_user_has_permission_for(
                request.user, "department.administer", Catalogue.objects.all(), "department"
            )
            catalogue_id = request.GET.get("catalogue__id__exact", "")
            found = list(catalogues.filter(pk=catalogue_id) if catalogue_id.isdigit() else catalogues[:2])
            request._listed_catalogue = found[0] if len(found) == 1 else None
        return request._listed_catalogue

    def get_list_display(self, request):
        catalogue = self.listed_catalogue(request)
        if catalogue is None:
            # Several catalogues: what each proposal is and where it belongs; theme and kind are filters.
            return ("code", "title", "catalogue", "sign_convention", "saving_type_code", "is_phase_in")
        # One catalogue: its years' figures, in its own convention (said above the list), fitting
        # a 1366 px screen; its catalogue, kind and theme are in the filters.
        years = catalogue.years[:MAX_LISTED_YEARS]
        return ("code", "title", "saving_type_code", *[_year_column(y) for y in years])

    def changelist_view(self, request, extra_context=None):
        catalogue = self.listed_catalogue(request)
        extra_context = dict(extra_context or {})
        if catalogue is not None:
            extra_context["figures_label"] = gettext("%(catalogue)s · beløb i %(unit)s · %(convention)s") % {
                "catalogue": catalogue.title,
                "unit": unit_label(catalogue.unit),
                "convention": sign_convention_label(catalogue),
            }
        else:
            extra_context["figures_label"] = gettext(
                "Vælg et katalog i filteret for at se forslagenes tal, i katalogets egen fortegnskonvention."
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("fortegn"))
    def sign_convention(self, obj):
        return sign_convention_label(obj.catalogue)

    @admin.display(description=_("type"), ordering="saving_type")
    def saving_type_code(self, obj):
        return obj.saving_type

    def response_post_save_add(self, request, obj):
        return self._back_to_catalogue(request, obj)

    def response_post_save_change(self, request, obj):
        return self._back_to_catalogue(request, obj)

    def _back_to_catalogue(self, request, obj):
        """After a save: the catalogue's own proposals (the list filtered by it), with the
        list's other filters kept when the case officer came from that catalogue's list."""
        if not self.has_view_or_change_permission(request):
            return super().response_post_save_change(request, obj)
        preserved = QueryDict(self.get_preserved_filters(request)).get("_changelist_filters", "")
        filters = QueryDict(preserved, mutable=True)
        if filters.get("catalogue__id__exact") != str(obj.catalogue_id):
            filters = QueryDict(mutable=True)
        filters["catalogue__id__exact"] = str(obj.catalogue_id)
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(f"{reverse('admin:%s_%s_changelist' % info)}?{filters.urlencode()}")

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
            initial["catalogue"] = self.import_catalogue(request, request.GET["catalogue"]).pk
        return initial

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            for name in ("catalogue", "create_themes", "delete_missing", "change_reason"):
                value = import_form.cleaned_data.get(name)
                initial[name] = value.pk if name == "catalogue" and value else value
            if import_form.cleaned_data.get("catalogue") is not None:
                # The catalogue as the preview shows it: its confirmation is refused if it moved since.
                initial["based_on"] = catalogue_edit_basis(import_form.cleaned_data["catalogue"])
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        if form is not None and form.is_bound and form.is_valid():
            return {
                "catalogue": form.cleaned_data.get("catalogue"),
                "create_themes": bool(form.cleaned_data.get("create_themes")),
                "delete_missing": bool(form.cleaned_data.get("delete_missing")),
                "reason": form.cleaned_data.get("change_reason", ""),
                "based_on": form.cleaned_data.get("based_on", ""),
            }
        if form is not None and not form.is_bound and str(form.initial.get("catalogue", "")).isdigit():
            # Opened from a catalogue: list that catalogue's columns (its years).
            return {"catalogue": self.import_catalogue(request, form.initial["catalogue"])}
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
class BreakdownLineAdmin(DepartmentScopedAdmin, ProposalVersionMixin, CatalogueStateMixin, FigureHistoryAdmin):
    department_path = "proposal__catalogue__department"
    scoped_choices = {"proposal": "catalogue__department"}
    list_display = ("text", "proposal", "counts_toward_net", "position")
    list_filter = ("counts_toward_net", "proposal__catalogue")
    search_fields = ("text", "proposal__code", "proposal__title")
    list_select_related = ("proposal", "proposal__catalogue")
    raw_id_fields = ("proposal",)

    class YearInline(admin.TabularInline):
        model = BreakdownLineYear
        form = type("BreakdownLineYearForm", (OpenedValuesForm, convention_form(BreakdownLineYear, "amount")), {})
        formset = CatalogueConventionFormSet
        extra = 0
        verbose_name_plural = format_lazy("{} ({})", _("Linjeår"), IN_CATALOGUE_CONVENTION)

    inlines = [YearInline]
