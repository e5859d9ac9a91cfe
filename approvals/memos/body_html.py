"""A memo's proposal sections as HTML, written in Python once per section.

A memo of a large catalogue tells of hundreds of proposals; the template loop with two
includes per section (``_figures.html``, ``_text_change.html``) was most of the time of a
memo's first view and of its PDF. These functions write the same markup, byte for byte
(tests/memos/test_memo_body_html.py renders both), as plain strings: every text is escaped,
the figures are ``document.py``'s own formatting. The templates stay for the catalogue's
own rows, the totals and the committee pages' stale stances."""

from html import escape as html_escape

from django.utils.formats import localize
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _


def esc(value):
    """What a template's ``{{ value }}`` writes (autoescape on; a number localized as there)."""
    if isinstance(value, SafeData):
        return str(value)
    return html_escape(value if isinstance(value, str) else str(localize(value)))


def _breaks(value):
    """``{{ value|linebreaksbr }}``."""
    text = normalize_newlines(str(value))
    return (text if isinstance(value, SafeData) else html_escape(text)).replace("\n", "<br>")


def figures_html(table):
    """``_figures.html`` with no caption."""
    head = "".join(f'<th scope="col" class="num">{esc(year)}</th>' for year in table.years)
    rows = "".join(
        "\n    <tr"
        + (' class="' + esc(css) + '"' if css else "")
        + '><th scope="row">'
        + esc(label)
        + "</th>"
        + "".join(f'<td class="num">{esc(cell)}</td>' for cell in cells)
        + "</tr>\n    "
        for label, cells, css in table.rows
    )
    return (
        '<table class="table memo-figures">\n  \n  <thead>\n'
        f'    <tr><th scope="col" class="memo-label">{esc(_("1.000 kr."))}</th>{head}</tr>\n'
        f"  </thead>\n  <tbody>\n    {rows}\n  </tbody>\n</table>\n"
    )


def text_change_html(change):
    """``_text_change.html``."""
    out = [f'<div class="memo-text-change">\n  <p class="memo-text-label"><strong>{esc(change.label)}</strong></p>\n  ']
    if change.words:
        ops = {"del": "<del>{}</del>", "ins": "<ins>{}</ins>"}
        out.append("\n  ")
        for paragraph in change.words:
            words = "".join(ops.get(op, "{}").format(esc(words)) + " " for op, words in paragraph)
            out.append(f'<p class="memo-words">{words}</p>')
        legend = esc(_("Slettet tekst er overstreget, ny tekst er understreget."))
        out.append(f'\n  <p class="memo-legend">{legend}</p>\n  ')
    else:
        out.append(
            '\n  <table class="table memo-before-after">\n    <tbody>\n'
            f'      <tr><th scope="row" class="memo-label">{esc(_("Før"))}</th><td>{_breaks(change.before)}</td></tr>\n'
            f'      <tr class="app-after"><th scope="row">{esc(_("Efter"))}</th><td>{_breaks(change.after)}</td></tr>\n'
            "    </tbody>\n  </table>\n  "
        )
    out.append("\n</div>\n")
    return "".join(out)


def _line_table(line_rows):
    head = (
        f'<th scope="col" class="memo-label">{esc(_("Specifikationslinje"))}</th>'
        f'<th scope="col" class="num">{esc(_("År"))}</th><th scope="col" class="num">{esc(_("Før"))}</th>'
        f'<th scope="col" class="num">{esc(_("Efter"))}</th>'
    )
    body = "".join(
        f'<tr><td>{esc(line)}</td><td class="num">{esc(year)}</td>'
        f'<td class="num">{esc(before)}</td><td class="num">{esc(after)}</td></tr>'
        for line, year, before, after in line_rows
    )
    return (
        f'\n    <table class="table memo-lines">\n      <thead><tr>{head}</tr></thead>\n'
        f"      <tbody>{body}</tbody>\n    </table>\n    "
    )


def proposal_sections_html(doc):
    """The ``{% for section in doc.proposals %}`` loop of ``_body.html``."""
    reason_label = esc(_("Begrundelse:"))
    out = []
    for section in doc.proposals:
        notes = "".join('<p class="memo-note">' + _breaks(note) + "</p>" for note in section.notes)
        if section.line_differences:
            notes += (
                # Translations as {% translate %} writes them (trusted, not escaped).
                f'<p class="memo-warning"><strong>{_("Bemærk:")}</strong> '
                f"{_('Specifikationslinjerne summerer ikke til forslagets nettoændring.')} "
                f"{esc(' '.join(section.line_differences))}</p>"
            )
        heading = _("Forslag %(code)s: %(title)s") % {"code": esc(section.code), "title": esc(section.title)}
        reasons = (
            f'<p class="memo-reason"><strong>{reason_label}</strong> {esc(" ").join(map(esc, section.reasons))}</p>'
            if section.reasons
            else ""
        )
        out.append(
            f'\n  <section class="memo-section memo-{esc(section.status)}">\n'
            f'    <h3>{heading} <span class="memo-status">({esc(section.status_label)})</span></h3>\n'
            f"    {reasons}\n"
            f"    {figures_html(section.figures) if section.figures else ''}\n"
            f"    {_line_table(section.line_rows) if section.line_rows else ''}\n"
            f"    {''.join(text_change_html(change) for change in section.texts)}\n"
            f"    {notes}\n"
            "  </section>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)
