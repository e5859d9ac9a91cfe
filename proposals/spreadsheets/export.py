"""A catalogue in the import format, as a tablib.Dataset: one row per proposal, each followed
by its lines, in the catalogue's own sign convention. Importing it into a catalogue with the
same header and themes gives an identical catalogue."""

from decimal import Decimal

import tablib

from ..numbers import danish_amount, danish_decimal
from ..selectors import catalogue_overview
from .columns import (
    FLAG_COLUMNS,
    KIND_LINE,
    KIND_OF_WHICH,
    KIND_PROPOSAL,
    PROPOSAL_KIND_WORDS,
    TAIL_COLUMNS,
    TEXT_COLUMNS,
    columns_for,
)


def _yes_no(value):
    if value is None:
        return ""
    return "ja" if value else "nej"


def export_dataset(catalogue, *, numeric=False):
    """The catalogue as a tablib.Dataset in the import format.

    ``numeric`` writes amounts and FTE as numbers (for XLSX cells) instead of Danish text
    (Danish in any language: the file is read back by the Danish parser)."""
    overview = catalogue_overview(catalogue, with_goals=False)  # a file has no follow-up goals
    years = overview.years

    def amount(value):
        if value is None:
            return None if numeric else ""
        shown = catalogue.to_display(value)
        return shown if numeric else danish_amount(shown)

    def fte(value):
        if value is None:
            return None if numeric else ""
        shown = catalogue.to_display(Decimal(value)).normalize()
        return shown if numeric else danish_decimal(shown)

    dataset = tablib.Dataset(headers=columns_for(catalogue))
    dataset.title = catalogue.slug[:31]
    blank_tail = [""] * (len(TEXT_COLUMNS) + len(FLAG_COLUMNS) + 1 + len(TAIL_COLUMNS))
    for row in overview.rows:
        p = row.proposal
        dataset.append(
            [
                KIND_PROPOSAL,
                p.code,
                p.theme.title if p.theme else "",
                p.title,
                p.saving_type,
                "ja" if p.is_phase_in else "nej",
                *[amount(row.net.get(y)) for y in years],
                *[fte(row.fte.get(y)) for y in years],
                *[getattr(p, a) for _c, a in TEXT_COLUMNS],
                *[_yes_no(getattr(p, a)) for _c, a in FLAG_COLUMNS],
                PROPOSAL_KIND_WORDS.get(p.kind, ""),
                *[getattr(p, a) for _c, a in TAIL_COLUMNS],
            ]
        )
        for line in row.lines:
            dataset.append(
                [
                    KIND_LINE if line.counts_toward_net else KIND_OF_WHICH,
                    p.code,
                    "",
                    line.text,
                    "",
                    "",
                    *[amount(line.amounts.get(y)) for y in years],
                    *[None if numeric else "" for _y in years],
                    *blank_tail,
                ]
            )
    return dataset
