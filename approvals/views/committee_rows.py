"""Rows of the committee pages (response form, HMU review, sign-off) prepared for rendering.

These pages show up to thousands of proposals with many LMUs each; a template include or a
widget render per cell was most of their time. The small figures table of each
proposal is therefore written here once per proposal with ``format_html`` (the markup of
the former ``_figures.html``: caption, scoped headers), and the pages loop over plain rows."""

from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from proposals.numbers import format_amount, format_decimal

from ..models import Stance


def figure_tables(figure_rows, catalogue):
    """{proposal id: HTML of its figures table} for ``views.common.figure_rows``. Built as
    plain strings: the numbers are our own formatting (digits, ".", ",", "-"), every text is
    escaped, so this is safe; ``format_html`` per cell was a fifth of the response page."""
    unit = escape(catalogue.unit)
    show = catalogue.to_display
    net_label, fte_label = escape(_("Nettoændring")), escape(_("Årsværk"))
    tables = {}
    head_cache = {}
    for row in figure_rows:
        years = tuple(f["year"] for f in row.figures)
        if years not in head_cache:
            head_cache[years] = "".join(f'<th scope="col" class="num">{int(y)}</th>' for y in years)
        net = "".join(f'<td class="num">{format_amount(show(f["amount"]))}</td>' for f in row.figures)
        fte = ""
        if row.has_fte:
            cells = "".join(f'<td class="num">{format_decimal(show(f["fte"]))}</td>' for f in row.figures)
            fte = f'<tr><th scope="row">{fte_label}</th>{cells}</tr>'
        caption = escape(_("Beløb for forslag %(code)s") % {"code": row.proposal.code})
        tables[row.proposal.pk] = mark_safe(  # every text above is escaped
            '<table class="table table--compact app-figures">'
            f'<caption class="sr-only">{caption}</caption>'
            f'<thead><tr><th scope="col">{unit}</th>{head_cache[years]}</tr></thead>'
            f'<tbody><tr><th scope="row">{net_label}</th>{net}</tr>{fte}</tbody></table>'
        )
    return tables


def read_links(catalogue, proposals):
    """{proposal id: (URL of its page, "Læs forslag <code>")}: one ``reverse`` and no template
    translation per row."""
    urls = proposal_urls(catalogue, proposals)
    return {p.pk: (urls[p.pk], _("Læs forslag %(code)s") % {"code": p.code}) for p in proposals}


def stale_groups(row):
    """[(committee names, (document, section))]: a hearing row's LMU stances given on an earlier
    version of the proposal, one entry per version they were given on (what changed since)."""
    groups = {}
    for cell in row.stale_cells:
        names, _change = groups.setdefault(cell.stance.fingerprint, ([], cell.stance.stale))
        names.append(cell.committee.name)
    return [(", ".join(names), change) for names, change in groups.values()]


def lmu_stance_tables(overview, *, not_answered, stale_flag, heads):
    """{proposal id: HTML of the table of the LMUs' stances on it} (committee, stance, comment;
    a stance given on an earlier version flagged), for a ``selectors.hearing_overview``."""
    lmu, stance, comment = heads
    empty = format_html('<tr><td colspan="3">{}</td></tr>', _("Ingen LMU'er er hørt."))
    missing = format_html('<span class="app-missing">{}</span>', not_answered)
    flag = format_html('<br><span class="app-stale-flag">{}</span>', stale_flag)
    tables = {}
    for row in overview.rows:
        cells = []
        for cell in row.cells:
            st = cell.stance
            shown = (
                format_html('<span class="app-stance-{}">{}</span>{}', st.stance, st.label, flag if st.stale else "")
                if st
                else missing
            )
            cells.append((cell.committee.name, shown, st.comment if st else ""))
        body = format_html_join("", '<tr><th scope="row">{}</th><td>{}</td><td class="app-comment">{}</td></tr>', cells)
        tables[row.proposal.pk] = format_html(
            '<table class="table table--compact"><caption class="sr-only">{}</caption>'
            '<thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("LMU'ernes holdninger til forslag %(code)s") % {"code": row.proposal.code},
            lmu,
            stance,
            comment,
            body or empty,
        )
    return tables


COUNT_KEYS = ("proposal", *(value for value, _label in Stance.choices), "none")


def count_table(overview, sort):
    """The stances per proposal (how many LMUs gave each stance, how many none) sorted by
    ``sort`` (a column key, "-" first for descending; catalogue order otherwise):
    (headers [(label, link query, aria-sort)], body HTML)."""
    heard = len(overview.committees)
    rows = [(row, [n for _v, _l, n in row.counts] + [heard - row.answered]) for row in overview.rows]
    key = sort.lstrip("-")
    if key in COUNT_KEYS and key != "proposal":
        index = COUNT_KEYS.index(key) - 1
        rows.sort(key=lambda item: item[1][index], reverse=sort.startswith("-"))
    elif sort == "-proposal":
        rows.reverse()
    labels = [_("Forslag"), *(str(label) for _v, label in Stance.choices), _("Ingen holdning")]
    headers = []
    for column, label in zip(COUNT_KEYS, labels, strict=True):
        current = "ascending" if sort == column else "descending" if sort == f"-{column}" else ""
        headers.append((label, f"-{column}" if sort == column else column, current))
    body = format_html_join(
        "",
        '<tr><th scope="row"><a href="#forslag-{}">{} {}</a></th>{}</tr>',
        (
            (
                row.proposal.pk,
                row.proposal.code,
                row.proposal.title,
                format_html_join("", '<td class="num">{}</td>', ((n,) for n in counts)),
            )
            for row, counts in rows
        ),
    )
    return headers, body


def proposal_urls(catalogue, proposals):
    """{proposal id: its page's URL}, with one ``reverse`` for the lot."""
    marker = 987654321
    head, tail = reverse("proposals:proposal_detail", args=[catalogue.slug, marker]).split(str(marker))
    return {p.pk: f"{head}{p.pk}{tail}" for p in proposals}


def signoff_rows(catalogue, figure_rows, hearing, urls, *, stale_flag, stale_link):
    """(economy rows, stance rows) of the sign-off page as HTML: each proposal's yearly net
    figures; HMU's position (flagged when given on an earlier version) and the LMUs' counts."""
    show = catalogue.to_display
    economy = format_html_join(
        "",
        '<tr><th scope="row"><a href="{}">{} {}</a></th>{}</tr>',
        (
            (
                urls[row.proposal.pk],
                row.proposal.code,
                row.proposal.title,
                format_html_join(
                    "", '<td class="num">{}</td>', ((format_amount(show(f["amount"])),) for f in row.figures)
                ),
            )
            for row in figure_rows
        ),
    )
    lines = []
    for row in hearing.rows:
        pos = row.hmu_position
        flagged = bool(row.stale_cells) or bool(pos and pos.stale)
        link = (
            format_html('<br><a href="#aendret-{}" class="app-stale-flag">{}</a>', row.proposal.pk, stale_link)
            if flagged
            else ""
        )
        if pos:
            shown = format_html(
                '<span class="app-stance-{}">{}</span>{}{}',
                pos.stance,
                pos.label,
                format_html(' <span class="app-stale-flag">({})</span>', stale_flag) if pos.stale else "",
                format_html('<br><span class="app-comment">{}</span>', pos.comment) if pos.comment else "",
            )
        else:
            shown = "—"
        counts = format_html_join("", '<td class="num">{}</td>', ((n,) for _v, _l, n in row.counts))
        lines.append((row.proposal.code, row.proposal.title, link, shown, counts))
    stances = format_html_join("", '<tr><th scope="row">{} {}{}</th><td>{}</td>{}</tr>', lines)
    return economy, stances
