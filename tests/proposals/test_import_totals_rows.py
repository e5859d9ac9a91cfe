"""Issue 25, finding 2 (totals rows): a row that is a total, not a proposal ("I alt" with or
without a code, "Total", "Sum", "Tema 1 i alt", or figures that are the sum of the rows above)
would be imported as a proposal and count every figure twice. It is refused, naming its row;
a proposal that merely equals two others above it is not taken for a total."""

import pytest

from proposals.models import Catalogue
from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue(proposals=0, target=None)  # theme "Tema 1", years 2024-2027


def proposals(*amounts, theme="Tema 1", start=1):
    return [
        row(code=str(start + i), theme=theme, title=f"Forslag {start + i}", net=[a] * 4) for i, a in enumerate(amounts)
    ]


def refused(catalogue, data, fmt="csv"):
    before = catalogue_snapshot(catalogue)
    outcome = import_catalogue_rows(catalogue, data, fmt, dry_run=False, create_themes=True)
    assert not outcome.ok
    assert catalogue_snapshot(catalogue) == before
    return outcome.error_messages()


def test_a_totals_row_with_a_code_is_refused_naming_its_row(catalogue):
    rows = [*proposals("-1.000", "-2.000"), row(code="99", theme="", title="I alt", net=["-3.000"] * 4)]
    (message,) = refused(catalogue, csv_bytes(rows))
    assert message == (
        "Række 4, kolonne «Titel»: «I alt» er en sumrække, ikke et forslag: importeret ville den tælle som et forslag, "
        "og totalen ville blive talt dobbelt. Slet rækken; katalogets totaler regnes af forslagene."
    )


@pytest.mark.parametrize(
    "title", ["Total", "Sum", "I alt for tema 1", "Tema 1 i alt", "Nettoændringer i driftsudgifter i alt"]
)
def test_total_words_are_refused_whatever_the_figures(catalogue, title):
    rows = [*proposals("-1.000", "-2.000"), row(code="T", theme="", title=title, net=["-7"] * 4)]
    (message,) = refused(catalogue, csv_bytes(rows))
    assert message.startswith(f"Række 4, kolonne «Titel»: «{title}» er en sumrække, ikke et forslag")


def test_a_code_saying_total_is_refused(catalogue):
    rows = [*proposals("-1.000", "-2.000"), row(code="I alt", theme="", title="Velfærdspuljen", net=["-3.000"] * 4)]
    (message,) = refused(catalogue, xlsx_bytes(rows), "xlsx")
    assert message.startswith("Række 4, kolonne «Kode»: «I alt» er en sumrække")


def test_a_row_without_code_whose_figures_are_the_sum_above_is_called_a_total(catalogue):
    rows = [*proposals("-1.000", "-2.000"), row(code="", theme="", title="Velfærdspuljen", net=["-3.000"] * 4)]
    (message,) = refused(catalogue, csv_bytes(rows))
    assert message.startswith(
        "Række 4, kolonne «Netto 2024»: Rækkens nettotal (-3.000; -3.000; -3.000; -3.000) er summen af forslagene i "
        "række 2–3, så rækken er en sumrække"
    )


def test_a_coded_row_ending_its_theme_with_the_themes_sum_is_a_subtotal(catalogue):
    rows = [
        *proposals("-1.000", "-2.000", "-500"),
        row(code="T1", theme="Tema 1", title="Tema 1 samlet", net=["-3.500"] * 4),
        *proposals("-4", theme="Tema 2", start=5),
    ]
    (message,) = refused(catalogue, csv_bytes(rows))
    assert message.startswith(
        "Række 5, kolonne «Netto 2024»: Rækkens nettotal (-3.500; -3.500; -3.500; -3.500) er summen"
    )


def test_figures_are_shown_in_the_catalogues_own_convention():
    catalogue = make_catalogue(proposals=0, target=None, sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE)
    rows = [*proposals("1.000", "2.000"), row(code="", theme="", title="Velfærdspuljen", net=["3.000"] * 4)]
    (message,) = refused(catalogue, csv_bytes(rows))
    assert "Rækkens nettotal (3.000; 3.000; 3.000; 3.000)" in message


def test_a_proposal_that_equals_two_above_it_or_sits_mid_theme_is_a_proposal(catalogue):
    rows = [
        *proposals("-1.000", "-2.000", "-3.000"),  # 3 = 1 + 2: a coincidence, not a total
        *proposals("-6.000", "-1", start=4),  # 6 = 1 + 2 + 3, but the theme goes on after it
        row(code="6", theme="Tema 1", title="Summen af små justeringer", net=["-1"] * 4),  # not a total word
    ]
    outcome = import_catalogue_rows(catalogue, csv_bytes(rows), "csv", dry_run=False)
    assert outcome.ok, outcome.error_messages()
    assert catalogue.proposals.count() == 6


def test_a_totals_line_under_a_proposal_is_refused(catalogue):
    rows = [*proposals("-1.000"), row(kind="linje", code="1", title="I alt", type_="", phase_in="", net=["-1.000"] * 4)]
    (message,) = refused(catalogue, csv_bytes(rows))
    assert message.startswith("Række 3, kolonne «Titel»: «I alt» er en sumrække")
