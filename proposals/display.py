"""A catalogue's overview in its OWN sign convention, as plain data shared by the
overview page, its XLSX/CSV exports and the ``catalogue_report`` command, so all three
show the same figures. No queries here: everything comes from a ``state.CatalogueFigures``,
which also does the sums and the sign flip."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from .numbers import format_amount, format_decimal
from .selectors import proposals_by_theme

AMOUNT, DIFFERENCE, FTE = "amount", "difference", "fte"


@dataclass
class SummaryRow:
    key: str  # total, target, difference, fte, stated_fte
    label: str
    values: dict  # year -> display value (int / Decimal) or None
    kind: str  # AMOUNT, DIFFERENCE or FTE

    def text(self, year):
        value = self.values.get(year)
        if self.kind == FTE:
            return format_decimal(value)
        return format_amount(value, signed=self.kind == DIFFERENCE)


def unit_label(unit):
    """A catalogue's unit in the page's language: the documents' own "1.000 kr." is said the way
    the page says it ("DKK 1,000" in English, as the figures under it read "17,700"); any other
    unit is the catalogue's own words."""
    return gettext("1.000 kr.") if (unit or "").strip() == "1.000 kr." else unit


def header_facts(catalogue):
    """[(label, text)] for the facts above the overview; empty facts are left out."""
    facts = [
        (gettext("Magistratsafdeling"), str(catalogue.department)),
        (gettext("Budgetforlig"), str(catalogue.agreement) if catalogue.agreement_id else ""),
        (gettext("Type"), catalogue.get_kind_display()),
        (gettext("År"), f"{catalogue.first_year}–{catalogue.last_year}"),
        (gettext("Prisniveau"), catalogue.price_level),
        (gettext("Enhed"), unit_label(catalogue.unit)),
        (gettext("Sektor"), catalogue.sector),
        (gettext("Fortegn"), sign_convention_words(catalogue)),
    ]
    if catalogue.updated_at:
        facts.append((gettext("Senest ændret"), date_format(timezone.localtime(catalogue.updated_at), "DATE_FORMAT")))
    return [(label, value) for label, value in facts if value]


def sign_convention_label(catalogue):
    """The convention in a few words, where figures of catalogues stand near each other (the admin's lists)."""
    if catalogue.savings_positive:
        return gettext("Besparelse vises positivt")
    return gettext("Besparelse vises negativt (med minus)")


def sign_convention_words(catalogue):
    if catalogue.savings_positive:
        return gettext("Besparelser er angivet med positivt fortegn, udgifter og investeringer med negativt.")
    return gettext("Besparelser er angivet med negativt (-) fortegn, udgifter og investeringer med positivt.")


def proposal_url_maker(catalogue):
    """pk -> the proposal page's URL, reversed once per catalogue rather than once per row
    (a reverse() per row was a tenth of a large overview page)."""
    sample = reverse("proposals:proposal_detail", args=[catalogue.slug, 0])
    prefix, tail = sample.rsplit("/0/", 1)
    return lambda pk: f"{prefix}/{pk}/{tail}"


def proposal_records(state, *, details=True):
    """One dict per proposal in document order (grouped by theme), amounts in the
    catalogue's convention. ``net`` holds None for a year without a row; ``sort`` the
    value that year counts as (0), so sorting matches the balance check. Without
    ``details`` (the overview table, which shows neither) no staffing and no lines."""
    catalogue, show, shown = state.catalogue, state.show, state.shown
    url_of = proposal_url_maker(catalogue)
    records = []
    for theme, rows in proposals_by_theme(state):
        for i, row in enumerate(rows):
            p = row.proposal
            records.append(
                {
                    "position": len(records),
                    "pk": p.pk,
                    "code": p.code,
                    "title": p.title,
                    "theme": theme.title if theme else "",
                    "group_title": (theme.title if theme else gettext("Uden tema")) if i == 0 else None,
                    "saving_type": p.saving_type,
                    "kind": p.get_kind_display() if p.kind else "",
                    "kind_code": p.kind,
                    "is_phase_in": p.is_phase_in,
                    "url": url_of(p.pk),
                    "net": shown(row.net),
                    "sort": {y: show(row.net_for(y)) for y in state.years},
                    "reduces_service": p.reduces_service,
                    "from_innovation_proposal": p.from_innovation_proposal,
                }
            )
            if details:
                records[-1]["fte"] = shown(row.fte)
                records[-1]["lines"] = [
                    {"text": line.text, "counts_toward_net": line.counts_toward_net, "amounts": shown(line.amounts)}
                    for line in row.lines
                ]
    return records


def summary_rows(state):
    """The rows under the proposals: total, target and difference (when there are
    targets), the staffing change summed over the proposals, and the stated staffing total."""
    shown = state.shown
    rows = [SummaryRow("total", gettext("Nettoændringer i driftsudgifter i alt"), shown(state.totals), AMOUNT)]
    if state.target_set:
        rows.append(SummaryRow("target", gettext("Måltal"), shown(state.targets), AMOUNT))
        rows.append(SummaryRow("difference", gettext("Difference"), shown(state.differences), DIFFERENCE))
    # A year where no proposal states FTE has no sum (MSO states only the catalogue total).
    summed = shown(state.fte_sums)
    stated = shown(state.stated_fte)
    has_stated = any(v is not None for v in stated.values())
    if any(v is not None for v in summed.values()) or not has_stated:
        rows.append(SummaryRow("fte", gettext("Personaleændringer (årsværk)"), summed, FTE))
    if has_stated:
        rows.append(SummaryRow("stated_fte", gettext("Personaleændringer i alt, oplyst (årsværk)"), stated, FTE))
    return rows
