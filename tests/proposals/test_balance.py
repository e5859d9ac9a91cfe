from decimal import Decimal

import pytest

from proposals.balance import Difference, check_balance
from proposals.models import CatalogueYear, ProposalYear
from proposals.selectors import catalogue_overview
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def test_balanced_catalogue_has_no_differences():
    report = check_balance(catalogue_overview(make_catalogue(proposals=3, lines=True)))
    assert report.balanced
    assert report.differences == ()


def test_target_difference_is_exact_per_year():
    catalogue = make_catalogue(proposals=2, amount=-1000)
    ProposalYear.objects.filter(proposal__code="1", year=2025).update(net_amount=-1250)
    report = check_balance(catalogue_overview(catalogue))
    (diff,) = report.differences
    assert (diff.kind, diff.year, diff.expected, diff.actual, diff.difference) == (
        Difference.TARGET,
        2025,
        -2000,
        -2250,
        -250,
    )
    assert "2025" in report.messages()[0] and "-2.250" in report.messages()[0]


def test_fte_difference_reported_with_decimals():
    catalogue = make_catalogue(proposals=2, fte="1.4")
    CatalogueYear.objects.filter(catalogue=catalogue, year=2024).update(stated_fte_total=Decimal("2.9"))
    (diff,) = check_balance(catalogue_overview(catalogue)).differences
    assert diff.kind == Difference.FTE and diff.difference == Decimal("-0.1")


def test_lines_must_sum_to_net():
    catalogue = make_catalogue(proposals=1, lines=True)
    from proposals.models import BreakdownLineYear

    BreakdownLineYear.objects.filter(year=2026).update(amount=-900)
    (diff,) = check_balance(catalogue_overview(catalogue)).differences
    assert (diff.kind, diff.year, diff.proposal_code, diff.difference) == (Difference.LINES, 2026, "1", 100)


def test_messages_use_catalogue_sign_convention():
    catalogue = make_catalogue(proposals=1, amount=-500, sign_convention="savings_positive")
    ProposalYear.objects.filter(year=2024).update(net_amount=-600)
    (message,) = check_balance(catalogue_overview(catalogue)).messages()
    # MSO-style: the saving of 600 shows as "600" against a target of "500".
    assert "600" in message and "-600" not in message and "500" in message


def test_stated_fte_total_stands_alone_when_proposals_state_no_fte():
    catalogue = make_catalogue(proposals=2, fte=None)
    CatalogueYear.objects.filter(catalogue=catalogue).update(stated_fte_total=Decimal("-2.8"))
    assert check_balance(catalogue_overview(catalogue)).balanced


def test_fte_message_uses_catalogue_sign_convention():
    catalogue = make_catalogue(proposals=1, fte="-2.8", sign_convention="savings_positive")
    CatalogueYear.objects.filter(catalogue=catalogue, year=2024).update(stated_fte_total=Decimal("-3"))
    (message,) = check_balance(catalogue_overview(catalogue)).messages()
    # A reduction of 2,8 årsværk reads "2,8" in an MSO-style catalogue.
    assert "2,8" in message and "-2,8" not in message and "3" in message
