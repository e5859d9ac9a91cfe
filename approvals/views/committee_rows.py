"""Rows of the committee pages (response form, HMU review, sign-off) prepared for rendering.

These pages show up to thousands of proposals with many LMUs each; a template include or a
widget render per cell was most of their time, and so was ``format_html`` per cell at 30
LMUs. The tables of each proposal (figures: the markup of the former ``_figures.html``,
caption and scoped headers; the LMUs' stances; counts; sign-off rows) are therefore written
here as plain strings, every text escaped (``esc``), and the pages loop over plain rows."""

from html import escape as html_escape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from proposals.numbers import format_amount, number_format

from .. import selectors
from ..models import Stance


def esc(text):
    """``conditional_escape`` as a plain string, without its lazy wrapper (called per cell)."""
    return text if isinstance(text, SafeData) else html_escape(str(text))


def figure_tables(figure_rows, catalogue):
    """{proposal id: HTML of its figures table} for ``views.common.figure_rows``. Built as
    plain strings: the numbers are our own formatting (digits, ".", ",", "-"), every text is
    escaped, so this is safe; ``format_html`` per cell was a fifth of the response page."""
    unit = escape(catalogue.unit)
    show = catalogue.to_display
    numbers = number_format()  # the active language's, once per table (not per cell)
    net_label, fte_label = escape(_("Nettoændring")), escape(_("Årsværk"))
    tables = {}
    head_cache = {}
    for row in figure_rows:
        years = tuple(f["year"] for f in row.figures)
        if years not in head_cache:
            head_cache[years] = "".join(f'<th scope="col" class="num">{int(y)}</th>' for y in years)
        net = "".join(f'<td class="num">{numbers.amount(show(f["amount"]))}</td>' for f in row.figures)
        fte = ""
        if row.has_fte:
            cells = "".join(f'<td class="num">{numbers.decimal(show(f["fte"]))}</td>' for f in row.figures)
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
    a stance given on an earlier version flagged), for a ``selectors.hearing_overview``. Built
    as plain strings, every text escaped (``format_html`` per cell was most of HMU's page at 30
    LMUs); a committee's name and a stance's label and markup are escaped once per page."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    empty = '<tr><td colspan="3">{}</td></tr>'.format(esc(_("Ingen LMU'er er hørt.")))
    missing = f'<td><span class="app-missing">{esc(not_answered)}</span></td><td class="app-comment"></td></tr>'
    flag = f'<br><span class="app-stale-flag">{esc(stale_flag)}</span>'
    names = {c.pk: f'<tr><th scope="row">{esc(c.name)}</th>' for c in overview.committees}
    shown = {}  # (stance, label, stale) -> its cell
    caption = _("LMU'ernes holdninger til forslag %(code)s")
    # No stance is asked on the phase-in pool row: no LMU is "not answered" there.
    not_asked = '<tr><td colspan="3">{}</td></tr>'.format(esc(_("Indfasningspuljen: der skal ikke gives en holdning.")))
    tables = {}
    for row in overview.rows:
        cells = []
        for committee, st in row.cells if row.asked else ():
            name = names.get(committee.pk) or f'<tr><th scope="row">{esc(committee.name)}</th>'
            if st is None:
                cells.append(name + missing)
                continue
            key = (st.stance, st.label, st.stale is not None)
            if key not in shown:
                stance = f'<span class="app-stance-{esc(st.stance)}">{esc(st.label)}</span>'
                shown[key] = f"<td>{stance}{flag if key[2] else ''}</td>"
            cells.append(f'{name}{shown[key]}<td class="app-comment">{esc(st.comment)}</td></tr>')
        tables[row.proposal.pk] = mark_safe(  # every text above is escaped
            '<table class="table table--compact"><caption class="sr-only">'
            f"{esc(caption % {'code': row.proposal.code})}</caption>"
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(cells) or (empty if row.asked else not_asked)}</tbody></table>"
        )
    return tables


COUNT_KEYS = ("proposal", *(value for value, _label in Stance.choices), "none")


def count_table(overview, sort, *, page=None, page_of=None):
    """The stances per proposal (how many LMUs gave each stance, how many none) sorted by
    ``sort`` (a column key, "-" first for descending; catalogue order otherwise):
    (headers [(label, link query, aria-sort)], body HTML). ``page``: (start, end) of the
    sorted rows shown; ``page_of``: {proposal id: the page of proposals it is on, None for the
    page shown} for links to another page (``?side=N#forslag-<id>``)."""
    rows = []
    for row in overview.rows:
        counts, none = selectors.stance_counts(overview, row)
        rows.append((row, [n for _v, _l, n in counts] + [none]))
    key = sort.lstrip("-")
    if key in COUNT_KEYS and key != "proposal":
        index = COUNT_KEYS.index(key) - 1
        # The pool row's "no stance" (None: not asked) sorts as nothing missing.
        rows.sort(key=lambda item: item[1][index] or 0, reverse=sort.startswith("-"))
    elif sort == "-proposal":
        rows.reverse()
    labels = [_("Forslag"), *(str(label) for _v, label in Stance.choices), _("Ingen holdning")]
    headers = []
    for column, label in zip(COUNT_KEYS, labels, strict=True):
        current = "ascending" if sort == column else "descending" if sort == f"-{column}" else ""
        headers.append((label, f"-{column}" if sort == column else column, current))
    if page is not None:
        rows = rows[page[0] : page[1]]

    def link(pk):
        # Another page of proposals is another request; one on this page is an anchor.
        other = page_of.get(pk) if page_of else None
        return f"?side={other}#forslag-{pk}" if other else f"#forslag-{pk}"

    body = "".join(
        f'<tr><th scope="row"><a href="{link(row.proposal.pk)}">{esc(row.proposal.code)} '
        f"{esc(row.proposal.title)}</a></th>"
        + "".join(f'<td class="num">{"—" if n is None else n}</td>' for n in counts)
        + "</tr>"
        for row, counts in rows
    )
    return headers, mark_safe(body)  # every text escaped


def urls_by_id(viewname, args, ids):
    """{id: the URL of ``viewname`` with ``args`` and the id last}, with one ``reverse`` for the lot."""
    marker = 987654321
    head, tail = reverse(viewname, args=[*args, marker]).split(str(marker))
    return {pk: f"{head}{pk}{tail}" for pk in ids}


def proposal_urls(catalogue, proposals):
    """{proposal id: its page's URL}."""
    return urls_by_id("proposals:proposal_detail", [catalogue.slug], [p.pk for p in proposals])


def response_rows(catalogue, responses):
    """The responses list's cells: (URL of the response, LMU, status, submitted, by whom, last
    changed), dates in Danish local time."""

    def when(value):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else "—"

    urls = urls_by_id("approvals:response", [catalogue.slug], [r.committee_id for r in responses])
    return [
        (
            urls[r.committee_id],
            r.committee.name,
            r.get_status_display(),
            when(r.submitted_at),
            (r.submitted_by.get_full_name() or r.submitted_by.username) if r.submitted_by else "—",
            when(r.updated_at),
        )
        for r in responses
    ]


def signoff_rows(catalogue, figure_rows, hearing, urls, *, stale_flag, stale_link):
    """(economy rows, stance rows) of the sign-off page as HTML: each proposal's yearly net
    figures; HMU's position (flagged when given on an earlier version) and the LMUs' counts.
    Plain strings, every text escaped (``format_html`` per cell was a third of the page)."""
    show = catalogue.to_display
    economy = "".join(
        f'<tr><th scope="row"><a href="{esc(urls[row.proposal.pk])}">{esc(row.proposal.code)} '
        f"{esc(row.proposal.title)}</a></th>"
        + "".join(f'<td class="num">{esc(format_amount(show(f["amount"])))}</td>' for f in row.figures)
        + "</tr>"
        for row in figure_rows
    )
    link_html = f'<br><a href="#aendret-{{}}" class="app-stale-flag">{esc(stale_link)}</a>'
    flag_html = f' <span class="app-stale-flag">({esc(stale_flag)})</span>'
    lines = []
    for row in hearing.rows:
        pos = row.hmu_position
        flagged = bool(row.stale_cells) or bool(pos and pos.stale)
        link = link_html.format(row.proposal.pk) if flagged else ""
        if pos:
            comment = f'<br><span class="app-comment">{esc(pos.comment)}</span>' if pos.comment else ""
            shown = (
                f'<span class="app-stance-{esc(pos.stance)}">{esc(pos.label)}</span>'
                f"{flag_html if pos.stale else ''}{comment}"
            )
        else:
            shown = "—"
        counts = "".join(f'<td class="num">{n}</td>' for _v, _l, n in row.counts)
        lines.append(
            f'<tr><th scope="row">{esc(row.proposal.code)} {esc(row.proposal.title)}{link}</th>'
            f"<td>{shown}</td>{counts}</tr>"
        )
    return mark_safe(economy), mark_safe("".join(lines))  # every text escaped


def hmu_fieldsets(items, *, editable, texts):
    """The HTML of each proposal on HMU's page, as two strings per item (the page puts the boxes
    of what changed since a stance was given between them): ``head`` (heading, link, figures,
    the LMUs' counts and the fetch-on-open of their responses) and ``fields`` (HMU's stance and
    comment, or HMU's position read-only, or the pool row's note). ``items``: the view's dicts;
    ``texts``: the page's translated texts by key. Plain strings, every text escaped (a template
    loop of some twenty tags per proposal was most of the page). ``head`` opens the proposal's
    fieldset (section, read-only) and ``fields`` closes it."""
    t = {key: esc(text) for key, text in texts.items()}
    error_prefix = f'<span class="sr-only">{t["error_prefix"]} </span>'
    pool = f'<p class="form-hint">{t["pool"]}</p>'
    for item in items:
        row, pk = item["row"], item["row"].proposal.pk
        code, title = esc(row.proposal.code), esc(row.proposal.title)
        heading = (
            f'<fieldset class="app-proposal" id="forslag-{pk}"><legend class="h3">{code} {title}</legend>'
            if editable
            else f'<section class="app-proposal" id="forslag-{pk}" aria-labelledby="legend-{pk}">'
            f'<h3 id="legend-{pk}">{code} {title}</h3>'
        )
        head = [heading, f'<p><a href="{esc(item["url"])}">{esc(item["read"])}</a></p>', item["figures_html"]]
        if row.asked:
            counts = " · ".join(f"{esc(label)}: {n}" for _v, label, n in item["counts"])
            url = esc(item["responses_url"])
            head.append(
                f'<p class="form-hint">{counts} · {t["none"]}: {item["none"]}</p>'
                f'<details class="app-responses" data-fragment="{url}?fragment=1">'
                f"<summary>{esc(texts['responses'] % {'code': row.proposal.code})}</summary>"
                f'<div class="app-responses-body"><p><a href="{url}">'
                f"{esc(texts['read_responses'] % {'code': row.proposal.code})}</a></p></div></details>"
            )
        item["head"] = mark_safe("".join(head))  # every text escaped
        f, position = item["field"], row.hmu_position
        if f:
            parts = []
            if position and position.stale:
                name = f["confirm_name"]
                parts.append(
                    '<div class="form-group"><div class="form-group-checkbox">'
                    f'<input type="checkbox" class="form-checkbox" name="{name}" id="id_{name}" value="1">'
                    f'<label for="id_{name}">{t["keep"]}</label></div></div>'
                )
            for kind, label, control in (
                ("stance", t["stance_label"], '<select name="{n}" id="id_{n}" class="form-select"{a}>{v}</select>'),
                (
                    "comment",
                    t["comment_label"],
                    '<textarea name="{n}" id="id_{n}" class="form-input" rows="2" cols="40"{a}>\n{v}</textarea>',
                ),
            ):
                name, errors = f[f"{kind}_name"], f[f"{kind}_errors"]
                value = f["options"] if kind == "stance" else esc(f["comment"])
                error, aria = "", ""
                if errors:
                    error = (
                        f'<span class="form-error-message" id="id_{name}-error">{error_prefix}'
                        f"{' '.join(esc(e) for e in errors)}</span>"
                    )
                    aria = f' aria-describedby="id_{name}-error" aria-invalid="true"'
                parts.append(
                    f'<div class="form-group{" form-error" if errors else ""}">'
                    f'<label class="form-label" for="id_{name}">{label}</label>{error}'
                    + control.format(n=name, a=aria, v=value)
                    + "</div>"
                )
            fields = "".join(parts)
        elif not row.asked:
            fields = pool
        elif position:
            flag = f' <span class="app-stale-flag">{t["stale_flag"]}</span>' if position.stale else ""
            comment = f'<p class="app-comment">{esc(position.comment)}</p>' if position.comment else ""
            fields = (
                f'<p><strong>{t["hmu_stance"]}:</strong> <span class="app-stance-{esc(position.stance)}">'
                f"{esc(position.label)}</span>{flag}</p>{comment}"
            )
        else:
            fields = ""
        item["fields"] = mark_safe(
            fields + ("</fieldset>" if editable else "</section>")
        )  # every text escaped; the options are stance_options' markup
    return items
