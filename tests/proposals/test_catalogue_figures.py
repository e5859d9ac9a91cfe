"""CatalogueFigures: one picture of a catalogue's figures, the same from the database and from
its snapshot, with the sums and the sign flip every reader uses."""

from decimal import Decimal

import pytest

from proposals.balance import check_balance
from proposals.figures import (
    SAVINGS_NEGATIVE_CONVENTION,
    SAVINGS_POSITIVE_CONVENTION,
    CatalogueFigures,
    Convention,
    ProposalRow,
)
from proposals.models import BreakdownLine, BreakdownLineYear, Catalogue, CatalogueYear, ProposalYear
from proposals.selectors import catalogue_overview
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def figures(state):
    """Everything a reader takes from a state, without the model objects."""
    return {
        "years": state.years,
        "convention": state.convention,
        "targets": state.targets,
        "stated_fte": state.stated_fte,
        "totals": state.totals,
        "differences": state.differences,
        "fte_totals": state.fte_totals,
        "fte_sums": state.fte_sums,
        "on_target": state.on_target,
        "target_set": state.target_set,
        "rows": [
            (
                row.code,
                row.title,
                row.saving_type,
                row.net,
                row.fte,
                row.has_fte,
                row.line_sums(state.years),
                [(line.text, line.counts_toward_net, line.amounts) for line in row.lines],
            )
            for row in state.rows
        ],
    }


def test_convention_flips_amounts_and_fte_and_is_its_own_inverse():
    positive = Convention.named(Catalogue.SignConvention.SAVINGS_POSITIVE)
    assert positive is SAVINGS_POSITIVE_CONVENTION
    assert Convention.named(Catalogue.SignConvention.SAVINGS_NEGATIVE) is SAVINGS_NEGATIVE_CONVENTION
    assert Convention.named(None) is SAVINGS_NEGATIVE_CONVENTION  # an old snapshot without the key
    assert (positive.show(-1100), positive.show(Decimal("-2.8")), positive.show(None)) == (1100, Decimal("2.8"), None)
    assert positive.read(positive.show(-1960)) == -1960
    assert SAVINGS_NEGATIVE_CONVENTION.show(-1960) == -1960


def test_catalogue_converts_through_its_convention():
    catalogue = make_catalogue(proposals=1, sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE)
    assert catalogue.convention is SAVINGS_POSITIVE_CONVENTION
    assert (catalogue.to_display(-17700), catalogue.from_display(17700)) == (17700, -17700)


@pytest.mark.parametrize("sign_convention", Catalogue.SignConvention.values)
def test_state_from_snapshot_equals_state_from_database(sign_convention):
    catalogue = make_catalogue(proposals=3, lines=True, fte="1.25", sign_convention=sign_convention)
    ProposalYear.objects.filter(proposal__catalogue=catalogue, proposal__code="2", year=2025).delete()
    ProposalYear.objects.filter(proposal__catalogue=catalogue, proposal__code="3", year=2026).update(fte=None)
    BreakdownLineYear.objects.filter(line__proposal__catalogue=catalogue, year=2027).update(amount=-900)
    CatalogueYear.objects.filter(catalogue=catalogue, year=2024).update(target=None, stated_fte_total=None)
    from_database = catalogue_overview(catalogue)
    from_snapshot = CatalogueFigures.from_snapshot(catalogue_snapshot(catalogue))
    assert figures(from_snapshot) == figures(from_database)
    assert from_snapshot.catalogue is None and from_snapshot.rows[0].proposal is None
    assert check_balance(from_snapshot).messages() == check_balance(from_database).messages()


def test_sums_and_differences():
    catalogue = make_catalogue(proposals=2, amount=-1000, fte="1.5", lines=True)
    ProposalYear.objects.filter(proposal__catalogue=catalogue, proposal__code="1", year=2025).update(net_amount=-1250)
    state = catalogue_overview(catalogue)
    assert state.totals == {2024: -2000, 2025: -2250, 2026: -2000, 2027: -2000}
    assert state.differences == {2024: 0, 2025: -250, 2026: 0, 2027: 0}
    assert state.target_set and not state.on_target
    assert state.fte_totals[2024] == Decimal("3.0")
    first = state.rows_by_code["1"]
    assert first.line_sums(state.years)[2025] == -1000 and first.net_for(2025) == -1250
    assert state.shown(state.totals) == state.totals  # savings negative: shown as stored


def test_no_fte_figures_means_no_fte_sum_but_a_zero_total():
    state = catalogue_overview(make_catalogue(proposals=2, fte=None))
    assert state.fte_sums == {2024: None, 2025: None, 2026: None, 2027: None}
    assert state.fte_totals[2024] == Decimal(0)
    assert not any(row.has_fte for row in state.rows)


def test_without_targets_there_is_no_difference_and_nothing_misses_a_target():
    state = catalogue_overview(make_catalogue(proposals=1, target=None))
    assert not state.target_set and state.on_target
    assert set(state.differences.values()) == {None}


def test_a_row_without_counting_lines_has_no_line_sums():
    row = ProposalRow(code="1", title="", net={2024: -5}, fte={2024: None})
    assert row.line_sums([2024]) is None and row.net_for(2025) == 0 and not row.has_fte


def test_snapshot_read_over_other_years():
    catalogue = make_catalogue(proposals=1, amount=-700, years=(2024, 2025))
    state = CatalogueFigures.from_snapshot(catalogue_snapshot(catalogue), years=[2025, 2026])
    assert state.totals == {2025: -700, 2026: 0}
    assert state.targets == {2025: -700, 2026: None}


def test_lines_are_read_with_their_years_in_position_order_a_line_without_years_kept():
    """The lines and their yearly amounts come from one query (a LEFT JOIN): each line once,
    in position order, its amounts by year; a line with no year rows is kept, empty."""
    catalogue = make_catalogue(proposals=2)
    first, second = catalogue.proposals.order_by("position")
    late = BreakdownLine.objects.create(proposal=first, position=2, text="Løn", counts_toward_net=True)
    early = BreakdownLine.objects.create(proposal=first, position=1, text="Husleje", counts_toward_net=False)
    empty = BreakdownLine.objects.create(proposal=second, position=1, text="Endnu uden tal")
    BreakdownLineYear.objects.bulk_create(
        [BreakdownLineYear(line=late, year=y, amount=-700 - y % 10) for y in (2027, 2024, 2025)]
        + [BreakdownLineYear(line=early, year=2026, amount=-300)]
    )
    rows = {row.code: row for row in catalogue_overview(catalogue).rows}
    assert [(ln.id, ln.text, ln.counts_toward_net, ln.amounts) for ln in rows[first.code].lines] == [
        (early.pk, "Husleje", False, {2026: -300}),
        (late.pk, "Løn", True, {2024: -704, 2025: -705, 2027: -707}),
    ]
    assert [(ln.id, ln.amounts) for ln in rows[second.code].lines] == [(empty.pk, {})]
    assert list(rows[first.code].lines[1].amounts) == [2024, 2025, 2027]  # by year
