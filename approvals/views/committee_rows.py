"""Rows of the committee pages (response form, HMU review, sign-off) prepared for rendering.

These pages show up to thousands of proposals with many LMUs each; a template include or a
widget render per cell was most of their time (issue 12). The small figures table of each
proposal is therefore written here once per proposal with ``format_html`` (the markup of
the former ``_figures.html``: caption, scoped headers), and the pages loop over plain rows."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from proposals.numbers import format_amount, format_decimal


def figure_tables(figure_rows, catalogue):
    """{proposal id: HTML of its figures table} for ``views.common.figure_rows``."""
    unit = catalogue.unit
    show = catalogue.to_display
    net_label, fte_label = _("Nettoændring"), _("Årsværk")
    tables = {}
    for row in figure_rows:
        head = format_html_join("", '<th scope="col" class="num">{}</th>', ((f["year"],) for f in row.figures))
        net = format_html_join(
            "", '<td class="num">{}</td>', ((format_amount(show(f["amount"])),) for f in row.figures)
        )
        fte = ""
        if row.has_fte:
            cells = format_html_join(
                "", '<td class="num">{}</td>', ((format_decimal(show(f["fte"])),) for f in row.figures)
            )
            fte = format_html('<tr><th scope="row">{}</th>{}</tr>', fte_label, cells)
        tables[row.proposal.pk] = format_html(
            '<table class="table table--compact app-figures"><caption class="sr-only">{}</caption>'
            '<thead><tr><th scope="col">{}</th>{}</tr></thead>'
            '<tbody><tr><th scope="row">{}</th>{}</tr>{}</tbody></table>',
            _("Beløb for forslag %(code)s") % {"code": row.proposal.code},
            unit,
            head,
            net_label,
            net,
            fte,
        )
    return tables


def stale_groups(row):
    """[(committee names, (document, section))]: a hearing row's LMU stances given on an earlier
    version of the proposal, one entry per version they were given on (what changed since)."""
    groups = {}
    for cell in row.stale_cells:
        names, _change = groups.setdefault(cell.stance.fingerprint, ([], cell.stance.stale))
        names.append(cell.committee.name)
    return [(", ".join(names), change) for names, change in groups.values()]
