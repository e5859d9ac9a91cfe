"""django-tables2 tables for the catalogue pages and their XLSX/CSV exports.

Amounts are shown in each catalogue's own sign convention. In an XLSX export they are
numbers (ints, FTE Decimal); in a CSV export Danish text ("1.100", "2,8") like the
CLI report, written with ";" between cells (see ``CatalogueExport``)."""

from html import escape

import django_tables2 as tables
from django.http import HttpResponse
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tables2.export import TableExport

from .display import DIFFERENCE, proposal_records, summary_rows
from .models import Catalogue
from .numbers import format_amount, format_decimal, number_format
from .spreadsheets.safety import csv_text, xlsx_bytes, xlsx_rows_bytes

DKFDS_TABLE_TEMPLATE = "proposals/tables/dkfds_table.html"


class CatalogueExport(TableExport):
    """TableExport with ";" as the CSV separator (Danish decimals use ",", and Danish
    spreadsheet programs expect ";") and a UTF-8 byte order mark, without which Excel
    reads "æøå" wrongly.

    Neither format can carry a formula (``proposals.spreadsheets.safety``): a CSV text that
    starts with = + - @ tab or CR gets a leading apostrophe, and the XLSX is written by the
    same writer as the catalogue export, every text a text cell."""

    def export(self):
        if self.format == self.CSV:
            return "\ufeff" + csv_text(self.dataset)
        if self.format == self.XLSX:
            return xlsx_bytes(self.dataset, title=self.dataset.title)
        return super().export()


def xlsx_response(table, *, title, filename):
    """The table's XLSX export (``CatalogueExport``'s cells and file): its ``as_values`` rows
    streamed into the write-only workbook, without the tablib dataset ``TableExport`` copies
    every cell into first (a third of a large overview export's time)."""
    rows = iter(table.as_values())
    response = HttpResponse(content_type=CatalogueExport.FORMATS[TableExport.XLSX])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(xlsx_rows_bytes(next(rows), rows, title=title))
    return response


class AmountColumn(tables.Column):
    """A whole amount already in the catalogue's convention (the record holds display
    values). Missing years show as empty."""

    def __init__(self, *args, kind="amount", **kwargs):
        self.kind = kind
        kwargs.setdefault("default", "")
        kwargs.setdefault("attrs", {"th": {"class": "num"}, "td": {"class": "num"}, "tf": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def _format(self, value):
        return format_decimal(value) if self.kind == "fte" else format_amount(value)

    def render(self, value):
        return self._format(value)

    def value(self, value, table):
        if getattr(table, "export_format", None) == TableExport.XLSX:
            return value
        return self._format(value)


class CatalogueTable(tables.Table):
    """The catalogue list. Rows are catalogues annotated by
    ``selectors.catalogue_list_with_totals``; ``balance_by_pk`` (catalogue pk -> report)
    is filled by the view for the page's rows only."""

    title = tables.Column(verbose_name=_("Katalog"), linkify=lambda record: record.get_absolute_url())
    department = tables.Column(verbose_name=_("Magistratsafdeling"), order_by=("department__code",))
    kind = tables.Column(verbose_name=_("Type"))
    years = tables.Column(verbose_name=_("År"), accessor="first_year", order_by=("first_year", "last_year"))
    price_level = tables.Column(verbose_name=_("Prisniveau"))
    proposal_count = tables.Column(verbose_name=_("Forslag"), attrs={"th": {"class": "num"}, "td": {"class": "num"}})
    first_year_total = tables.Column(
        verbose_name=_("Total første år (1.000 kr.)"),
        accessor="first_year_total_display",
        attrs={"th": {"class": "num"}, "td": {"class": "num"}},
    )
    balanced = tables.Column(verbose_name=_("Balancerer"), accessor="pk", orderable=False)

    class Meta:
        model = Catalogue
        fields = ()
        sequence = (
            "title",
            "department",
            "kind",
            "years",
            "price_level",
            "proposal_count",
            "first_year_total",
            "balanced",
        )
        template_name = DKFDS_TABLE_TEMPLATE
        attrs = {"class": "table table--zebra table--compact"}
        empty_text = _("Ingen kataloger matcher søgningen.")
        per_page = 25

    def __init__(self, *args, **kwargs):
        self.balance_by_pk = {}
        super().__init__(*args, **kwargs)

    def render_department(self, value):
        return format_html('<abbr title="{}">{}</abbr>', value.name, value.code)

    def render_years(self, record):
        return f"{record.first_year}–{record.last_year}"

    def render_first_year_total(self, value, record):
        return format_html('{} <span class="sr-only">({})</span>', format_amount(value), record.first_year)

    def render_balanced(self, value):
        report = self.balance_by_pk.get(value)
        if report is None:
            return ""
        if report.balanced:
            return format_html('<span class="app-diff-ok">{}</span>', gettext("Ja"))
        if report.status == report.NO_TARGET:
            return format_html('<span title="{}">{}</span>', report.verdict(), gettext("Intet måltal"))
        return format_html(
            '<span class="app-diff-bad">{}</span> <span class="sr-only">{}</span>',
            gettext("Nej"),
            ngettext("%(n)s afvigelse", "%(n)s afvigelser", len(report.differences)) % {"n": len(report.differences)},
        )


class OverviewTable(tables.Table):
    """A catalogue's economic overview as in the documents: proposals as rows, one
    column per year, then the total, target, difference and staffing rows (in the
    footer, so sorting never moves them). Built from a ``state.CatalogueFigures``; the year
    columns are added per catalogue. Set ``export_format`` before exporting."""

    code = tables.Column(verbose_name=_("Nr."), order_by=("position",))
    title = tables.Column(verbose_name=_("Forslag"), linkify=lambda record: record["url"])
    theme = tables.Column(verbose_name=_("Tema"), default="")
    saving_type = tables.Column(verbose_name=_("Type"), default="")

    class Meta:
        template_name = "proposals/tables/overview_table.html"
        attrs = {"class": "table table--compact app-overview"}
        empty_text = _("Kataloget har ingen forslag endnu.")
        orderable = True

    def __init__(self, overview, *args, **kwargs):
        self.overview = overview
        self.catalogue = overview.catalogue
        self.export_format = None
        self.has_themes = any(row.proposal.theme_id for row in overview.rows)
        data = proposal_records(overview, details=False)
        for record in data:
            for year in overview.years:
                record[f"y{year}"] = record["net"][year]
                record[f"s{year}"] = record["sort"][year]
        year_columns = [
            (f"y{year}", AmountColumn(verbose_name=str(year), order_by=(f"s{year}",))) for year in overview.years
        ]
        # The kind column only where the document gives kinds (most state none).
        kind_columns = [("kind", tables.Column(verbose_name=_("Art")))] if any(r["kind"] for r in data) else []
        names = [name for name, _c in year_columns + kind_columns]
        kwargs.setdefault(
            "sequence",
            ("code", "title", "theme", *names[: len(year_columns)], "saving_type", *names[len(year_columns) :]),
        )
        super().__init__(data, *args, extra_columns=year_columns + kind_columns, **kwargs)
        self.summary = summary_rows(overview)

    @property
    def grouped(self):
        """Theme group rows are shown in the document's order only."""
        return self.has_themes and not self.order_by

    def body_html(self):
        """The body rows in the table's current order, as one piece of HTML.

        The same markup and cells as django-tables2's own rendering, written in one pass:
        its per-cell introspection, and then a template loop over the cells, were most of a
        large page's time. Amounts are digits, separators and a sign (``format_amount``); every
        text is escaped."""
        columns = [(column.name, column.attrs["td"].as_html()) for column in self.columns]
        years = {name for name, _attrs in columns if self._year_of(name)}
        amount = number_format().amount  # the page's language, asked once for every cell
        colspan = len(columns)
        grouped = self.grouped
        out = []
        for record in self.data:
            if grouped and record["group_title"]:
                out.append(
                    f'<tr class="app-theme"><th scope="colgroup" colspan="{colspan}">'
                    f"{escape(record['group_title'])}</th></tr>"
                )
            cells = []
            for name, attrs in columns:
                if name == "title":
                    cells.append(
                        f'<th scope="row" {attrs}><a href="{escape(record["url"])}">{escape(record["title"])}</a></th>'
                    )
                elif name in years:
                    cells.append(f"<td {attrs}>{amount(record[name])}</td>")
                else:
                    value = record[name]
                    cells.append(f"<td {attrs}>{escape(str(value)) if value is not None else ''}</td>")
            out.append(('<tr class="app-phase-in">' if record["is_phase_in"] else "<tr>") + "".join(cells) + "</tr>")
        return mark_safe("\n".join(out))  # noqa: S308 (built above from escaped texts)

    def _year_of(self, name):
        return int(name[1:]) if name.startswith("y") and name[1:].isdigit() else None

    def footer(self):
        """The summary rows laid out over the visible columns, for the template:
        [{"label", "css", "label_colspan", "cells": [{"text", "css"}], "trailing"}]."""
        names = [column.name for column in self.columns]
        year_positions = [i for i, name in enumerate(names) if self._year_of(name)]
        first = year_positions[0] if year_positions else len(names)
        out = []
        for row in self.summary:
            cells = []
            for name in names[first : (year_positions[-1] + 1 if year_positions else first)]:
                year = self._year_of(name)
                if year is None:
                    cells.append({"text": "", "css": ""})
                    continue
                css = "num"
                value = row.values.get(year)
                off = row.kind == DIFFERENCE and bool(value)
                if row.kind == DIFFERENCE and value is not None:
                    css += " app-diff-bad" if off else " app-diff-ok"
                cells.append({"text": row.text(year), "css": css, "off": off})
            out.append(
                {
                    "key": row.key,
                    "label": row.label,
                    "label_colspan": first,
                    "cells": cells,
                    "trailing": len(names) - (year_positions[-1] + 1 if year_positions else first),
                }
            )
        return out

    def _export_body(self, columns):
        """The body rows as django-tables2's ``as_values`` gives them (an empty cell None, an
        amount as ``AmountColumn.value`` makes it, lazy texts as text), in the table's order,
        without its per-cell introspection, which made a large export take seconds."""
        as_number = self.export_format == TableExport.XLSX
        plan = [
            (c.accessor, c.column.empty_values, c.column if isinstance(c.column, AmountColumn) else None)
            for c in columns
        ]
        for record in self.data:
            values = []
            for accessor, empty_values, amount in plan:
                value = record.get(accessor)
                if value in empty_values:
                    value = None
                elif amount is not None and not as_number:
                    value = amount._format(value)
                values.append(force_str(value, strings_only=True))
            yield values

    def as_values(self, exclude_columns=None):
        """The body rows, then the summary rows, so exports carry the totals too."""
        exclude_columns = exclude_columns or ()
        columns = [c for c in self.columns.iterall() if not (c.column.exclude_from_export or c.name in exclude_columns)]
        names = [c.name for c in columns]
        yield [force_str(c.header, strings_only=True) for c in columns]
        yield from self._export_body(columns)
        label_at = names.index("title") if "title" in names else 0
        for row in self.summary:
            values = []
            for i, name in enumerate(names):
                year = self._year_of(name)
                if i == label_at:
                    values.append(row.label)
                elif year is None:
                    values.append("")
                elif self.export_format == TableExport.XLSX:
                    values.append(row.values.get(year))
                else:
                    values.append(row.text(year))
            yield values
